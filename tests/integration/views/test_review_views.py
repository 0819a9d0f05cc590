"""Adjudication pages, the dashboard section and the feedback page (server-rendered, htmx)."""

import pytest
from django.test import Client

from annotations.choices import GoldStatus, Role
from annotations.models import GoldAnnotation
from annotations.services.adjudication import gold_save
from tests.factories import ArticleFactory, annotate, span, team

pytestmark = pytest.mark.django_db

TEXT = "Siemens shares rose 5% after <Deutsche Bank> upgraded them to buy."
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def worked(project, members):
    anna, ben = team(project, ["anna", "ben"])
    article = ArticleFactory(project=project, text=TEXT, title="Siemens <upgrade>")
    siemens = span(article.text, "Siemens", "ORG")
    bank = span(article.text, "Deutsche Bank", "ORG")
    annotate(
        article, anna, [siemens, bank], {"sentiment": "positive", "bias": "biased"}
    )
    annotate(article, ben, [siemens], {"sentiment": "positive", "bias": "non_biased"})
    return {"article": article, "anna": anna, "ben": ben, "bank": bank}


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.ADMIN, 200),
        (Role.REVIEWER, 200),
        (Role.ANNOTATOR, 403),
        (Role.ML_ENGINEER, 403),
        ("outsider", 404),
    ],
)
def test_review_pages_are_for_reviewers_and_admins(
    project, members, worked, role, expected
):
    client = client_for(members[role])
    article = worked["article"]
    base = f"/projects/{project.slug}/review/"
    assert client.get(base).status_code == expected
    assert client.get(f"{base}{article.pk}/").status_code == expected
    response = client.post(
        f"{base}{article.pk}/spans/",
        {"start": 0, "end": 7, "label": "ORG", "action": "accept"},
    )
    assert response.status_code == (302 if expected == 200 else expected)
    assert client.get(f"/projects/{project.slug}/dashboard/").status_code == expected
    if expected != 200:
        assert not GoldAnnotation.objects.filter(article=article).exists()


def test_anonymous_is_sent_to_login(project, worked):
    response = Client().get(f"/projects/{project.slug}/review/{worked['article'].pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_review_page_shows_everyone_side_by_side_with_disagreements(
    project, members, worked
):
    client = client_for(members[Role.REVIEWER])
    html = client.get(
        f"/projects/{project.slug}/review/{worked['article'].pk}/"
    ).content.decode()
    assert worked["anna"].username in html
    assert worked["ben"].username in html
    # The title and text are escaped.
    assert "Siemens &lt;upgrade&gt;" in html
    assert "<Deutsche Bank>" not in html
    # Deutsche Bank was marked by one of two: a highlighted disagreement row.
    bank = worked["bank"]
    assert f'data-span="{bank["start"]}-{bank["end"]}-ORG"' in html
    assert "1 of 2" in html
    # The majority is pre-filled: Siemens (both) in gold, the bias tie not.
    assert 'data-span="0-7-ORG" data-in-gold="true"' in html
    assert "draft from the majority" in html


def test_accept_answers_the_htmx_fragment_and_creates_the_draft(
    project, members, worked
):
    client = client_for(members[Role.REVIEWER])
    article, bank = worked["article"], worked["bank"]
    url = f"/projects/{project.slug}/review/{article.pk}/spans/"
    response = client.post(
        url,
        {
            "start": bank["start"],
            "end": bank["end"],
            "label": "ORG",
            "action": "accept",
        },
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="adjudication"' in html
    gold = GoldAnnotation.objects.get(article=article)
    assert gold.status == GoldStatus.DRAFT
    assert {s.text for s in gold.spans.all()} == {"Siemens", "Deutsche Bank"}
    # A stale version shows the conflict inside the fragment instead of saving.
    stale = client.post(
        url,
        {"start": 0, "end": 7, "label": "ORG", "action": "remove", "version": 9},
        **HTMX,
    )
    assert stale.status_code == 409
    assert "Reload the page" in stale.content.decode()
    assert GoldAnnotation.objects.get(article=article).version == 1
    answer = client.post(
        f"/projects/{project.slug}/review/{article.pk}/answers/",
        {"question": "bias", "value": "biased", "version": 1},
        **HTMX,
    )
    assert answer.status_code == 200
    finish = client.post(
        f"/projects/{project.slug}/review/{article.pk}/finish/",
        {"note": "bank is an ORG", "status": "submitted", "version": 2},
    )
    assert finish.status_code == 302  # without htmx: back to the page
    gold = GoldAnnotation.objects.get(article=article)
    assert gold.status == GoldStatus.FINAL
    assert gold.labels == {"sentiment": "positive", "bias": "biased"}
    assert gold.note == "bank is an ORG"


def test_submit_without_required_answers_is_refused_next_to_the_submit_button(
    project, members, worked
):
    """The refusal names the question in the user's words and goes to the form's slot."""
    client = client_for(members[Role.REVIEWER])
    article = worked["article"]
    response = client.post(
        f"/projects/{project.slug}/review/{article.pk}/finish/",
        {"note": "", "status": "submitted"},
        HTTP_HX_TRIGGER="finish",
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#finish-errors"
    assert response["HX-Reswap"] == "innerHTML"
    assert "Answer “Media bias” before submitting the gold." in html
    assert "labels" not in html
    assert 'id="adjudication"' not in html  # nothing else is swapped away
    assert not GoldAnnotation.objects.filter(article=article).exists()


def test_refusals_speak_german_too(project, members, worked):
    client = client_for(members[Role.REVIEWER])
    article = worked["article"]
    response = client.post(
        f"/projects/{project.slug}/review/{article.pk}/spans/",
        {"start": 40, "end": 10, "label": "NOPE", "action": "accept"},
        HTTP_HX_TRIGGER="add-span",
        HTTP_ACCEPT_LANGUAGE="de",
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#add-span-errors"
    assert "Markieren Sie ein Stück des Textes" in html
    assert "„NOPE“ ist kein Spannen-Label dieses Projekts." in html
    assert "start:" not in html
    assert "label:" not in html


def test_a_conflict_goes_to_the_page_slot_with_a_reload_link(project, members, worked):
    client = client_for(members[Role.REVIEWER])
    article = worked["article"]
    url = f"/projects/{project.slug}/review/{article.pk}/spans/"
    client.post(url, {"start": 0, "end": 7, "label": "ORG", "action": "remove"})
    stale = client.post(
        url,
        {"start": 0, "end": 7, "label": "ORG", "action": "accept", "version": ""},
        HTTP_HX_TRIGGER="span-1",
        **HTMX,
    )
    assert stale.status_code == 409
    assert stale["HX-Retarget"] == "#review-errors"
    assert 'data-testid="reload"' in stale.content.decode()


def test_an_untrusted_trigger_id_falls_back_to_the_page_slot(project, members, worked):
    client = client_for(members[Role.REVIEWER])
    response = client.post(
        f"/projects/{project.slug}/review/{worked['article'].pk}/finish/",
        {"status": "submitted"},
        HTTP_HX_TRIGGER='x"], body, [y',
        **HTMX,
    )
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#review-errors"


def test_refusal_without_htmx_is_a_message_after_the_redirect(project, members, worked):
    client = client_for(members[Role.REVIEWER])
    url = f"/projects/{project.slug}/review/{worked['article'].pk}/"
    response = client.post(f"{url}finish/", {"status": "submitted"}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "Answer “Media bias” before submitting" in response.content.decode()


def test_relabel_a_gold_span_keeps_its_offsets(project, members, worked):
    client = client_for(members[Role.REVIEWER])
    article = worked["article"]
    url = f"/projects/{project.slug}/review/{article.pk}/spans/"
    response = client.post(
        url,
        {
            "start": 0,
            "end": 7,
            "label": "ORG",
            "new_label": "PERSON",
            "action": "relabel",
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert 'data-span="0-7-PERSON" data-in-gold="true"' in response.content.decode()
    gold = GoldAnnotation.objects.get(article=article)
    assert {(s.start, s.end, s.label) for s in gold.spans.all()} == {(0, 7, "PERSON")}
    refused = client.post(
        url,
        {
            "start": 0,
            "end": 7,
            "label": "ORG",
            "new_label": "MONEY",
            "action": "relabel",
            "version": gold.version,
        },
        HTTP_HX_TRIGGER="relabel-1",
        **HTMX,
    )
    assert refused.status_code == 400
    assert refused["HX-Retarget"] == "#relabel-1-errors"
    assert "not in the gold" in refused.content.decode()


def test_dashboard_section_on_the_project_page(project, members, worked):
    html = (
        client_for(members[Role.REVIEWER])
        .get(f"/projects/{project.slug}/")
        .content.decode()
    )
    assert 'data-testid="dashboard"' in html
    for part in (
        "dashboard-progress",
        "dashboard-agreement",
        "dashboard-heatmap",
        "dashboard-confusion",
        "dashboard-distribution",
        "dashboard-lead-time",
        "dashboard-preannotation",
        "dashboard-calibration",
        "dashboard-reliability",
    ):
        assert f'data-testid="{part}"' in html, part
    assert "<svg" in html
    assert worked["anna"].username in html
    annotator_html = (
        client_for(members[Role.ANNOTATOR])
        .get(f"/projects/{project.slug}/")
        .content.decode()
    )
    assert 'data-testid="dashboard"' not in annotator_html
    assert worked["anna"].username not in annotator_html


def test_dashboard_renders_an_empty_project(project, members):
    response = client_for(members[Role.ADMIN]).get(
        f"/projects/{project.slug}/dashboard/"
    )
    assert response.status_code == 200
    assert 'data-testid="dashboard"' in response.content.decode()
    assert "<html" not in response.content.decode()


def test_feedback_shows_differences_from_gold_when_enabled(project, members, worked):
    article, anna = worked["article"], worked["anna"]
    gold_save(
        article=article,
        reviewer=members[Role.REVIEWER],
        spans=[span(article.text, "Siemens", "ORG")],
        labels={"sentiment": "neutral", "bias": "biased"},
        status="submitted",
        note="the upgrade is neutral news",
    )
    client = client_for(anna)
    url = f"/projects/{project.slug}/feedback/"
    assert client.get(url).status_code == 404  # feedback off
    project.feedback_enabled = True
    project.save()
    html = client.get(url).content.decode()
    assert 'data-testid="feedback-item"' in html
    assert "Marked by you, not in gold" in html
    assert "Deutsche Bank" in html
    assert "the upgrade is neutral news" in html
    assert "guidelines v1" in html
    # Only the caller's own work: ben's answers never appear.
    assert worked["ben"].username not in html
    assert client_for(members["outsider"]).get(url).status_code == 404
