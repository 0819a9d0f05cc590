"""POST preannotate, GET predictions, GET preannotation-quality: roles and shapes."""

import pytest

from annotations.choices import Role
from annotations.models import Assignment, Job, Prediction
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(project):
    return ArticleFactory(project=project, text="Siemens AG steigt um 3,5 Prozent.")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (Role.ADMIN, 202),
        (Role.REVIEWER, 403),
        (Role.ANNOTATOR, 403),
        (Role.ML_ENGINEER, 403),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_preannotate_matrix(login_as, api_client, project, article, who, status):
    login_as(who)
    response = api_client.post(
        f"/api/v1/projects/{project.pk}/preannotate/", {}, format="json"
    )
    assert response.status_code == status
    if status == 202:
        job = Job.objects.get(pk=response.json()["job"])
        assert job.total == 1
        assert response.json()["pipeline"] == "fin-en"


def test_preannotate_rejects_foreign_article_ids(api_client, project, article, members):
    other = ArticleFactory()
    api_client.force_authenticate(members[Role.ADMIN])
    response = api_client.post(
        f"/api/v1/projects/{project.pk}/preannotate/",
        {"article_ids": [article.pk, other.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert str(other.pk) in response.json()["article_ids"][0]


def test_preannotate_with_a_broken_pipeline_is_a_400(api_client, project, members):
    project.pipeline = "no-such-pipeline"
    project.save()
    api_client.force_authenticate(members[Role.ADMIN])
    response = api_client.post(
        f"/api/v1/projects/{project.pk}/preannotate/", {}, format="json"
    )
    assert response.status_code == 400
    assert "Unknown pipeline 'no-such-pipeline'" in response.json()["pipeline"][0]


def make_prediction(article):
    return Prediction.objects.create(
        article=article,
        pipeline="fin-en",
        pipeline_version="v1",
        spans=[
            {"start": 0, "end": 10, "label": "ORG", "text": "Siemens AG", "score": 0.9}
        ],
        labels={"sentiment": {"positive": 0.7, "neutral": 0.3}},
        evidence=[],
    )


def test_predictions_shape_and_annotator_visibility(
    api_client, project, article, members
):
    make_prediction(article)
    annotator = members[Role.ANNOTATOR]
    api_client.force_authenticate(annotator)
    url = f"/api/v1/articles/{article.pk}/predictions/"
    assert api_client.get(url).status_code == 404  # not their article yet
    Assignment.objects.create(article=article, annotator=annotator)
    body = api_client.get(url).json()
    assert body[0]["pipeline"] == "fin-en"
    assert body[0]["spans"][0]["score"] == 0.9
    assert set(body[0]) == {
        "pipeline",
        "pipeline_version",
        "spans",
        "labels",
        "evidence",
        "created_at",
    }
    article.is_calibration = True
    article.save()
    assert api_client.get(url).json() == []  # anchoring control: no suggestions shown
    api_client.force_authenticate(members[Role.REVIEWER])
    assert len(api_client.get(url).json()) == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [(Role.ADMIN, 200), (Role.REVIEWER, 200), (Role.ANNOTATOR, 403), ("outsider", 404)],
)
def test_quality_matrix(login_as, api_client, project, who, status):
    login_as(who)
    response = api_client.get(f"/api/v1/projects/{project.pk}/preannotation-quality/")
    assert response.status_code == status
