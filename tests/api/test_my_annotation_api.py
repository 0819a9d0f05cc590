"""PUT/GET my-annotation: create, replace, conflicts, validation, roles."""

import pytest

from annotations.choices import Role
from annotations.models import Annotation, Assignment
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

TEXT = "Kurssturz 📉 bei der Société Générale\r\nDie Aktie verliert 12 Prozent."


@pytest.fixture
def article(project):
    return ArticleFactory(project=project, text=TEXT)


def url(article):
    return f"/api/v1/articles/{article.pk}/my-annotation/"


def span(fragment, label):
    start = TEXT.index(fragment)
    return {
        "start": start,
        "end": start + len(fragment),
        "label": label,
        "text": fragment,
    }


def test_create_then_replace_then_conflict(api_client, article, members):
    api_client.force_authenticate(members[Role.ANNOTATOR])
    assert api_client.get(url(article)).status_code == 404
    body = {
        "spans": [span("Société Générale", "ORG")],
        "labels": {"sentiment": "negative"},
    }
    created = api_client.put(url(article), body, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["version"] == 1
    assert data["spans"][0]["text"] == "Société Générale"
    assert (
        TEXT[data["spans"][0]["start"] : data["spans"][0]["end"]] == "Société Générale"
    )
    assert data["guideline_version"] == 1

    again = api_client.put(url(article), body, format="json")
    assert again.status_code == 409

    replaced = api_client.put(
        url(article),
        {**body, "spans": [span("12 Prozent", "PERCENT")], "version": 1},
        format="json",
    )
    assert replaced.status_code == 200
    assert replaced.json()["version"] == 2

    stale = api_client.put(url(article), {**body, "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert api_client.get(url(article)).json()["spans"][0]["label"] == "PERCENT"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"spans": [{"start": 0, "end": 999, "label": "ORG", "text": "x"}]}, "spans"),
        (
            {"spans": [{"start": 0, "end": 9, "label": "NOPE", "text": "Kurssturz"}]},
            "spans",
        ),
        ({"labels": {"sentiment": "great"}}, "labels"),
        ({"status": "published"}, "status"),
        ({"spans": "ORG"}, "spans"),
        ({"status": "submitted", "labels": {"sentiment": "neutral"}}, "labels"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_client, article, members, body, field):
    api_client.force_authenticate(members[Role.ANNOTATOR])
    response = api_client.put(url(article), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (Role.ADMIN, 201),
        (Role.REVIEWER, 201),
        (Role.ANNOTATOR, 201),
        (Role.ML_ENGINEER, 403),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_put_matrix(login_as, api_client, article, who, status):
    login_as(who)
    response = api_client.put(url(article), {"spans": [], "labels": {}}, format="json")
    assert response.status_code == status


def test_annotator_without_a_free_slot_gets_409(api_client, project, members):
    project.overlap = 1
    project.save()
    article = ArticleFactory(project=project)
    other = UserFactory()
    Assignment.objects.create(article=article, annotator=other, state="in_progress")
    annotator = members[Role.ANNOTATOR]
    Assignment.objects.create(article=article, annotator=annotator, state="released")
    api_client.force_authenticate(annotator)
    response = api_client.put(url(article), {"spans": [], "labels": {}}, format="json")
    assert response.status_code == 409
    assert "already has its 1 annotator" in response.json()["detail"]


def test_annotators_never_see_each_others_annotation(api_client, article, members):
    anna = members[Role.ANNOTATOR]
    ben = UserFactory()
    from annotations.services.projects import membership_set

    membership_set(project=article.project, user=ben, role=Role.ANNOTATOR)
    api_client.force_authenticate(anna)
    api_client.put(
        url(article), {"spans": [span("Société Générale", "ORG")]}, format="json"
    )
    api_client.force_authenticate(ben)
    # Ben was never given the article: it does not exist for him.
    assert api_client.get(url(article)).status_code == 404
