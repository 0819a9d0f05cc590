"""GET /api/v1/projects/{id}/export/?source=predictions: the role policy and filters."""

from __future__ import annotations

import pytest

from annotations.choices import Role
from annotations.models import Prediction
from tests.factories import TEXT, ArticleFactory, span

pytestmark = pytest.mark.django_db


@pytest.fixture
def predicted(project):
    for number in range(3):
        Prediction.objects.create(
            article=ArticleFactory(project=project, text=TEXT),
            pipeline="fin-en",
            pipeline_version=str(number),
            spans=[{**span(TEXT, "Siemens", "ORG"), "score": 0.9}],
            labels={"sentiment": {"negative": 0.8, "positive": 0.2}},
        )


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (Role.ADMIN, 200),
        (Role.REVIEWER, 200),
        (Role.ML_ENGINEER, 200),  # even where individual annotations are closed
        (Role.ANNOTATOR, 403),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_who_may_export_predictions(
    login_as, api_client, project, predicted, who, status
):
    project.ml_can_see_annotations = False
    project.save()
    login_as(who)
    response = api_client.get(
        f"/api/v1/projects/{project.pk}/export/?source=predictions&format=jsonl"
    )
    assert response.status_code == status
    if status == 200:
        body = b"".join(response.streaming_content)
        assert body.count(b'"pipeline":') == 3


def test_api_refuses_a_status_for_predictions(api_client, project, members):
    api_client.force_authenticate(members[Role.ML_ENGINEER])
    response = api_client.get(
        f"/api/v1/projects/{project.pk}/export/?source=predictions&status=submitted"
    )
    assert response.status_code == 400
    assert "status" in response.json()
