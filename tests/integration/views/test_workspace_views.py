"""The annotator's workspace pages and htmx saves, through Django's test client."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from annotations.choices import AnnotationStatus, AssignmentState, Role, SpanOrigin
from annotations.models import Annotation, Assignment, Prediction
from annotations.services.annotations import annotation_save
from annotations.services.queue import assignment_claim
from tests.factories import (
    ArticleFactory,
    GoldAnnotationFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TEXT = "Kurssturz 📉 bei der Société Générale\r\nDie Aktie verliert 12 Prozent."
HX = {"HTTP_HX_REQUEST": "true"}


def span(fragment: str, label: str, **extra) -> dict:
    start = TEXT.index(fragment)
    return {
        "start": start,
        "end": start + len(fragment),
        "label": label,
        "text": fragment,
        **extra,
    }


@pytest.fixture
def article(project, members):
    """An article handed to the project's annotator (pages never claim)."""
    article = ArticleFactory(
        project=project,
        text=TEXT,
        title="Kurssturz",
        meta={"source": "Demo Wire", "published_at": "2026-10-21T11:05:00Z"},
    )
    return handed(article, members[Role.ANNOTATOR])


def handed(article, user):
    assignment_claim(article=article, user=user)
    return article


@pytest.fixture
def annotator(members, client):
    client.force_login(members[Role.ANNOTATOR])
    return members[Role.ANNOTATOR]


def page_url(article) -> str:
    return reverse(
        "annotations:article-annotate",
        kwargs={"slug": article.project.slug, "pk": article.pk},
    )


def save_url(article) -> str:
    return reverse(
        "annotations:article-save",
        kwargs={"slug": article.project.slug, "pk": article.pk},
    )


def client_data(response) -> dict:
    match = re.search(
        r'<script id="workspace-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "the page carries its data for the script"
    return json.loads(match.group(1))


def post_save(client, article, **fields):
    data = {"spans": "[]", "action": "draft", **fields}
    if not isinstance(data["spans"], str):
        data["spans"] = json.dumps(data["spans"])
    return client.post(save_url(article), data, **HX)


def make_prediction(article, spans, labels=None, evidence=None):
    return Prediction.objects.create(
        article=article,
        pipeline="fin-de",
        pipeline_version="1",
        spans=spans,
        labels=labels or {},
        evidence=evidence or [],
    )


# --- my projects and the queue -------------------------------------------------


def test_start_button_opens_the_queue_and_progress_is_a_bar(client, annotator, article):
    project = article.project
    home = client.get("/")
    start = reverse("annotations:annotate-next", kwargs={"slug": project.slug})
    assert f'data-testid="start-{project.slug}" href="{start}"' in home.content.decode()

    progress_url = reverse(
        "annotations:project-progress", kwargs={"slug": project.slug}
    )
    before = client.get(progress_url, **HX).content.decode()
    assert "<html" not in before
    assert "0 done · 1 left" in before  # the one article is open to them

    assert client.get(start).status_code == 302
    annotation_save(
        article=article,
        annotator=annotator,
        spans=[],
        labels={"sentiment": "neutral", "bias": "non_biased"},
        status=AnnotationStatus.SUBMITTED,
    )
    ArticleFactory(project=project)
    client.get(start)  # holds the second article
    ArticleFactory(project=project)  # a third one, still open
    after = client.get(progress_url, **HX).content.decode()
    assert "1 done · 2 left" in after
    assert '<progress value="1" max="3"' in after


def test_next_goes_to_a_different_article_or_says_none_is_left(
    client, annotator, article
):
    project = article.project
    url = reverse("annotations:annotate-next", kwargs={"slug": project.slug})
    annotation_save(article=article, annotator=annotator, spans=[], labels={})
    page = client.get(page_url(article)).content.decode()
    assert f'data-testid="next" href="{url}?after={article.pk}"' in page
    assert client.get(url).url == page_url(article)  # the draft comes first …
    alone = client.get(url, {"after": article.pk})  # … but not from its own page
    assert alone.status_code == 200
    html = alone.content.decode()
    assert 'data-testid="none-left"' in html
    assert f'href="{page_url(article)}"' in html
    second = ArticleFactory(project=project)
    assert client.get(url, {"after": article.pk}).url == page_url(second)
    assert client.get(url, {"after": second.pk}).url == page_url(article)
    assert client.get(url, {"after": "x"}).status_code == 302  # a bad value is ignored


def test_enter_in_the_skip_field_cannot_submit_without_script(
    client, annotator, article
):
    """The form's first (default) submit button is disabled: implicit submission does nothing."""
    html = client.get(page_url(article)).content.decode()
    form = html[html.index('id="annotation-form"') :]
    first_button = form[form.index("<button") : form.index(">", form.index("<button"))]
    assert 'type="submit"' in first_button
    assert "disabled" in first_button


def test_annotate_redirects_to_next_article_then_says_all_done(
    client, annotator, article
):
    url = reverse("annotations:annotate-next", kwargs={"slug": article.project.slug})
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == page_url(article)

    annotation_save(
        article=article,
        annotator=annotator,
        spans=[],
        labels={},
        status=AnnotationStatus.SKIPPED,
        skip_reason="wrong language",
    )
    done = client.get(url)
    assert done.status_code == 200
    assert 'data-testid="all-done"' in done.content.decode()


def test_non_members_get_404_everywhere(client, article, members):
    client.force_login(members["outsider"])
    slug = article.project.slug
    assert client.get(f"/projects/{slug}/annotate/").status_code == 404
    assert client.get(page_url(article)).status_code == 404
    assert post_save(client, article).status_code == 404
    assert client.get(f"/projects/{slug}/progress/").status_code == 404


def test_article_under_another_projects_slug_is_404(client, annotator, article):
    other = MembershipFactory(user=annotator, role=Role.ANNOTATOR).project
    url = reverse(
        "annotations:article-annotate", kwargs={"slug": other.slug, "pk": article.pk}
    )
    assert client.get(url).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, article):
    response = client.get(page_url(article))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


# --- the annotation page --------------------------------------------------------


def test_page_shows_article_scheme_questions_guidelines_and_hooks(
    client, annotator, article
):
    response = client.get(page_url(article))
    assert response.status_code == 200
    html = response.content.decode()
    for hook in [
        'data-testid="article-text"',
        'data-testid="label-ORG"',
        'data-testid="label-CLICKBAIT"',
        'data-testid="question-sentiment-negative"',
        'data-testid="question-bias-biased"',
        'data-testid="guidelines"',
        'data-testid="submit"',
        'data-testid="skip"',
        'data-testid="next"',
    ]:
        assert hook in html, hook
    assert "Demo Wire" in html
    assert "<kbd>1</kbd>" in html
    data = client_data(response)
    assert data["text"] == TEXT  # CRLF and the emoji arrive unchanged
    assert data["editable"] is True
    assert Assignment.objects.get(article=article, annotator=annotator).state == (
        AssignmentState.ASSIGNED
    )


def test_article_text_is_escaped(client, annotator, project):
    evil = ArticleFactory(
        project=project,
        title="<img src=x onerror=alert(1)>",
        text="Before <script>alert('x')</script> & <b>bold</b> after.",
    )
    handed(evil, annotator)
    html = client.get(page_url(evil)).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;" in html
    assert "<img src=x" not in html
    assert client_data(client.get(page_url(evil)))["text"] == evil.text


def test_suggestions_are_offered_with_scores_and_document_suggestion(
    client, annotator, article
):
    make_prediction(
        article,
        spans=[
            {**span("Société Générale", "ORG"), "score": 0.91},
            {**span("12 Prozent", "PERCENT"), "score": 0.55},
            {"start": 0, "end": 3, "label": "ORG", "text": "xyz", "score": 0.9},
            {**span("Aktie", "NOT_IN_SCHEME"), "score": 0.9},
        ],
        labels={"sentiment": {"negative": 0.7, "neutral": 0.2, "positive": 0.1}},
        evidence=[
            {"question": "sentiment", "spans": [span("Kurssturz", "NEG")]},
        ],
    )
    response = client.get(page_url(article))
    data = client_data(response)
    assert [(s["label"], s["text"], s["score"]) for s in data["suggestions"]] == [
        ("ORG", "Société Générale", 0.91),
        ("PERCENT", "12 Prozent", 0.55),
    ]
    assert data["evidence"][0]["text"] == "Kurssturz"
    html = response.content.decode()
    assert 'data-testid="doc-suggestion-sentiment"' in html
    assert 'data-testid="accept-all"' in html


def test_calibration_articles_show_no_suggestions(client, annotator, project):
    calibration = handed(
        ArticleFactory(project=project, text=TEXT, is_calibration=True), annotator
    )
    make_prediction(
        calibration,
        spans=[{**span("Société Générale", "ORG"), "score": 0.91}],
        labels={"sentiment": {"negative": 0.7, "neutral": 0.3}},
    )
    response = client.get(page_url(calibration))
    assert client_data(response)["suggestions"] == []
    assert client_data(response)["evidence"] == []
    assert "doc-suggestion" not in response.content.decode()


def test_annotators_never_see_other_annotators_work(client, members, article):
    first = members[Role.ANNOTATOR]
    second = UserFactory(username="second-annotator")
    MembershipFactory(project=article.project, user=second, role=Role.ANNOTATOR)
    annotation_save(
        article=article,
        annotator=first,
        spans=[span("Société Générale", "ORG")],
        labels={"sentiment": "very_negative"},
    )
    client.force_login(second)
    assert client.get(page_url(article)).status_code == 404  # not handed to them
    response = client.get(page_url(handed(article, second)))
    html = response.content.decode()
    assert client_data(response)["spans"] == []
    assert 'data-testid="question-sentiment-very_negative"' in html
    assert " checked" not in html
    assert first.username not in html


def test_opening_an_article_by_url_claims_nothing(client, members, project):
    """GET is 404 for articles not handed to the annotator (as the API); saving claims."""
    project.overlap = 1
    project.save()
    free = ArticleFactory(project=project, text=TEXT)
    client.force_login(members[Role.ANNOTATOR])
    response = client.get(page_url(free))
    assert response.status_code == 404
    assert TEXT not in response.content.decode()
    api = client.get(f"/api/v1/articles/{free.pk}/my-annotation/")
    assert api.status_code == 404
    assert not Assignment.objects.filter(article=free).exists()
    assert post_save(client, free).status_code == 200  # the save claims the slot
    assert client.get(page_url(free)).status_code == 200


def test_annotator_without_a_free_slot_gets_404_and_a_refused_save(
    client, members, project
):
    project.overlap = 1
    project.save()
    full = ArticleFactory(project=project, text=TEXT)
    other = UserFactory(username="other-annotator")
    MembershipFactory(project=project, user=other, role=Role.ANNOTATOR)
    annotation_save(article=full, annotator=other, spans=[], labels={})
    client.force_login(members[Role.ANNOTATOR])
    response = client.get(page_url(full))
    assert response.status_code == 404
    assert TEXT not in response.content.decode()
    assert post_save(client, full).status_code == 409


def test_ml_engineers_see_the_article_read_only(client, members, article):
    client.force_login(members[Role.ML_ENGINEER])
    response = client.get(page_url(article))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="article-text"' in html
    assert 'data-testid="submit"' not in html
    assert client_data(response)["editable"] is False
    assert post_save(client, article).status_code == 403


# --- saving ------------------------------------------------------------------------


def test_autosave_creates_then_updates_the_draft(client, annotator, article):
    spans = [
        span(
            "Société Générale",
            "ORG",
            origin=SpanOrigin.SUGGESTION_ACCEPTED,
            attributes={"suggested_label": "ORG", "score": 0.9},
        ),
        span("📉 bei", "LOADED"),
    ]
    response = post_save(
        client,
        article,
        spans=spans,
        **{"q:sentiment": "negative", "lead_time_ms": "1234"},
    )
    assert response.status_code == 200, response.content
    html = response.content.decode()
    assert "<html" not in html
    assert 'name="version" value="1"' in html
    assert 'id="span-list" class="panel" hx-swap-oob="true"' in html
    annotation = Annotation.objects.get(article=article, annotator=annotator)
    assert annotation.status == AnnotationStatus.DRAFT
    assert annotation.labels == {"sentiment": "negative"}
    assert annotation.lead_time_ms == 1234
    stored = {(s.text, s.label, s.origin) for s in annotation.spans.all()}
    assert stored == {
        ("Société Générale", "ORG", "suggestion_accepted"),
        ("📉 bei", "LOADED", "manual"),
    }
    for stored_span in annotation.spans.all():
        assert TEXT[stored_span.start : stored_span.end] == stored_span.text

    again = post_save(client, article, spans=[], version="1")
    assert again.status_code == 200
    assert 'name="version" value="2"' in again.content.decode()
    assert annotation.spans.count() == 0


def test_stale_version_gets_a_conflict_with_reload_and_keeps_the_stored_one(
    client, annotator, article
):
    post_save(client, article, spans=[span("Aktie", "INSTRUMENT")])
    post_save(client, article, spans=[span("Aktie", "ORG")], version="1")
    stale = post_save(client, article, spans=[span("Prozent", "PERCENT")], version="1")
    assert stale.status_code == 409
    html = stale.content.decode()
    assert 'data-testid="conflict"' in html
    assert 'data-testid="reload"' in html
    assert 'data-testid="keep-mine"' in html
    annotation = Annotation.objects.get(article=article, annotator=annotator)
    assert annotation.version == 2
    assert [s.label for s in annotation.spans.all()] == ["ORG"]

    keep = post_save(
        client,
        article,
        spans=[span("Prozent", "PERCENT")],
        version="1",
        overwrite_version="2",
    )
    assert keep.status_code == 200
    assert [s.label for s in annotation.spans.all()] == ["PERCENT"]


def test_invalid_offsets_are_refused_visibly(client, annotator, article):
    post_save(client, article, spans=[span("Aktie", "ORG")])
    bad = {"start": 10, "end": 13, "label": "ORG", "text": "bei"}  # UTF-16 offsets
    response = post_save(client, article, spans=[bad], version="1")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="save-error"' in html
    # Named by its text and label, placed at the span list, in the annotator's words.
    assert 'data-field="spans"' in html
    assert "“bei” (Organisation) does not match the article text" in html
    assert response["HX-Retarget"] == "#save-state"
    assert 'name="version" value="1"' in html
    annotation = Annotation.objects.get(article=article, annotator=annotator)
    assert [s.text for s in annotation.spans.all()] == ["Aktie"]
    assert post_save(client, article, spans="not json").status_code == 400


def test_submit_needs_required_answers_then_moves_on(client, annotator, article):
    incomplete = post_save(
        client, article, action="submit", **{"q:sentiment": "negative"}
    )
    assert incomplete.status_code == 400
    html = incomplete.content.decode()
    bias = next(q for q in article.project.parsed_scheme.questions if q.key == "bias")
    assert (
        f'<li data-field="q:bias">Answer “{bias.name}” before submitting.</li>' in html
    )
    assert 'data-field="q:sentiment"' not in html
    assert not Annotation.objects.filter(article=article).exists()

    done = post_save(
        client,
        article,
        action="submit",
        spans=[span("Société Générale", "ORG")],
        **{"q:sentiment": "negative", "q:bias": "biased", "lead_time_ms": "5000"},
    )
    assert done.status_code == 200
    assert done["HX-Redirect"] == f"/projects/{article.project.slug}/annotate/"
    annotation = Annotation.objects.get(article=article, annotator=annotator)
    assert annotation.status == AnnotationStatus.SUBMITTED
    assert annotation.labels == {"sentiment": "negative", "bias": "biased"}
    assert Assignment.objects.get(article=article, annotator=annotator).state == (
        AssignmentState.DONE
    )
    page = client.get(page_url(article))
    assert 'data-testid="reopen"' in page.content.decode()
    assert client_data(page)["editable"] is False


def test_skip_needs_a_reason(client, annotator, article):
    refused = post_save(client, article, action="skip", skip_reason="  ")
    assert refused.status_code == 400
    assert '<li data-field="skip_reason">Say why you skip' in refused.content.decode()
    assert not Annotation.objects.filter(article=article).exists()
    skipped = post_save(client, article, action="skip", skip_reason="Wrong language")
    assert skipped["HX-Redirect"].endswith("/annotate/")
    annotation = Annotation.objects.get(article=article, annotator=annotator)
    assert (annotation.status, annotation.skip_reason) == ("skipped", "Wrong language")


def test_reopen_until_adjudicated(client, annotator, article, members):
    annotation = annotation_save(
        article=article,
        annotator=annotator,
        spans=[span("Aktie", "INSTRUMENT")],
        labels={"sentiment": "neutral", "bias": "non_biased"},
        status=AnnotationStatus.SUBMITTED,
    )
    url = reverse(
        "annotations:article-reopen",
        kwargs={"slug": article.project.slug, "pk": article.pk},
    )
    response = client.post(url, {"version": annotation.version})
    assert response.status_code == 302
    annotation.refresh_from_db()
    assert annotation.status == AnnotationStatus.DRAFT
    assert [s.text for s in annotation.spans.all()] == ["Aktie"]

    annotation_save(
        article=article,
        annotator=annotator,
        spans=[],
        labels={"sentiment": "neutral", "bias": "non_biased"},
        status=AnnotationStatus.SUBMITTED,
        version=annotation.version,
    )
    GoldAnnotationFactory(
        article=article, reviewer=members[Role.REVIEWER], status="draft"
    )
    client.post(url, {"version": annotation.version + 1})
    annotation.refresh_from_db()
    assert annotation.status == AnnotationStatus.SUBMITTED
    page = client.get(page_url(article)).content.decode()
    assert 'data-testid="reopen"' not in page
    assert (
        post_save(client, article, version=str(annotation.version)).status_code == 409
    )


def test_page_speaks_german_when_the_browser_asks(client, annotator, article):
    html = client.get(page_url(article), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="de">' in html
    assert "Absenden" in html
    assert "Richtlinien" in html
    assert "21. Oktober 2026" in html


def test_language_switch_through_set_language(client, annotator, article):
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert response.status_code == 302
    assert "Meine Projekte" in client.get("/").content.decode()


def test_page_render_stays_within_a_query_budget(
    client, annotator, article, django_assert_max_num_queries
):
    make_prediction(
        article,
        spans=[{**span("Aktie", "INSTRUMENT"), "score": 0.5}] * 1,
    )
    client.get(page_url(article))
    # 20 for the page itself, +2 for the "guidelines changed" notice (latest
    # version, what the annotator last saw): constant, not per span or label.
    with django_assert_max_num_queries(22):
        client.get(page_url(article))
