"""GET/POST /api/v1/projects/{id}/models/: roles, validation, the queued job."""

import pytest

from annotations.choices import JobKind, Role
from annotations.models import Job
from tests.integration.services.test_training import gold_articles

pytestmark = pytest.mark.django_db


def url(project):
    return f"/api/v1/projects/{project.pk}/models/"


@pytest.mark.parametrize(
    ("who", "get_status", "post_status"),
    [
        (Role.ADMIN, 200, 202),
        (Role.REVIEWER, 200, 403),
        (Role.ML_ENGINEER, 200, 403),
        (Role.ANNOTATOR, 403, 403),
        ("outsider", 404, 404),
    ],
)
def test_models_matrix(
    login_as, api_client, project, members, who, get_status, post_status
):
    gold_articles(project, members[Role.REVIEWER], 12)
    login_as(who)
    assert api_client.get(url(project)).status_code == get_status
    response = api_client.post(url(project), {"max_epochs": 2}, format="json")
    assert response.status_code == post_status
    if post_status == 202:
        job = Job.objects.get(pk=response.json()["job"])
        assert job.kind == JobKind.TRAIN
        listed = api_client.get(url(project)).json()
        assert listed[0]["status"] == "queued"
        assert listed[0]["pipeline"].startswith("trained:")


def test_training_without_gold_is_a_400(api_client, project, members):
    api_client.force_authenticate(members[Role.ADMIN])
    response = api_client.post(url(project), {}, format="json")
    assert response.status_code == 400
    assert "at least 10 articles" in response.json()["gold"][0]


def test_bad_component_is_a_400(api_client, project, members):
    api_client.force_authenticate(members[Role.ADMIN])
    response = api_client.post(url(project), {"components": ["parser"]}, format="json")
    assert response.status_code == 400
    assert "components" in response.json()
