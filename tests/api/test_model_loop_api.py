"""The model loop through the API: comparison in the model list, switch, rollback, settings."""

import pytest

from annotations.choices import QueueOrder, Role
from annotations.services.model_evaluation import model_evaluate
from tests.integration.services.test_model_loop import add_gold, ruler_model

pytestmark = pytest.mark.django_db


def base(project):
    return f"/api/v1/projects/{project.pk}/models/"


@pytest.fixture
def model(project, members, tmp_path):
    add_gold(project, members[Role.REVIEWER], 30)
    model = ruler_model(project, tmp_path)
    model_evaluate(project=project, model=model)
    return model


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (Role.ADMIN, 200),
        (Role.REVIEWER, 403),
        (Role.ML_ENGINEER, 403),
        (Role.ANNOTATOR, 403),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_switch_and_rollback_matrix(login_as, project, model, who, status):
    client = login_as(who)
    switch = client.post(f"{base(project)}{model.pk}/switch/", {}, format="json")
    assert switch.status_code in ({status} | ({403} if status == 401 else set()))
    rollback = client.post(f"{base(project)}rollback/", {}, format="json")
    assert rollback.status_code in ({status} | ({403} if status == 401 else set()))
    if status == 200:
        assert switch.json()["pipeline"] == f"trained:ruler@{model.version}"
        assert switch.json()["job"] is not None  # pre-annotation queued
        assert rollback.json() == {
            "pipeline": "fin-en",
            "pipeline_previous": "",
            "job": rollback.json()["job"],
        }


def test_list_has_comparison_and_active_flag(login_as, project, model):
    client = login_as(Role.ADMIN)
    listed = client.get(base(project)).json()
    assert listed[0]["active"] is False
    comparison = listed[0]["comparison"]
    assert comparison == listed[0]["evaluation"]["comparison"]
    assert set(comparison["spans"]) == {
        label["key"] for label in project.scheme["span_labels"]
    }
    client.post(
        f"{base(project)}{model.pk}/switch/", {"preannotate": False}, format="json"
    )
    assert client.get(base(project)).json()[0]["active"] is True
    login_as(Role.ML_ENGINEER)
    assert client.get(base(project)).json()[0]["active"] is True


def test_refusals_are_400_and_404(login_as, project, model, members):
    client = login_as(Role.ADMIN)
    response = client.post(f"{base(project)}rollback/", {}, format="json")
    assert response.status_code == 400
    assert "Nothing to roll back to" in response.json()["pipeline"][0]
    response = client.post(f"{base(project)}999999/switch/", {}, format="json")
    assert response.status_code == 404
    response = client.post(
        f"{base(project)}{model.pk}/switch/", {"preannotate": "maybe"}, format="json"
    )
    assert response.status_code == 400
    assert "preannotate" in response.json()


def test_settings_roundtrip_and_validation(login_as, project, model):
    client = login_as(Role.ADMIN)
    url = f"{base(project)}settings/"
    assert client.get(url).json() == {
        "model_auto_switch": False,
        "model_switch_margin": 0.02,
        "queue_order": QueueOrder.DEFAULT,
    }
    response = client.patch(
        url,
        {"queue_order": "least_confident", "model_auto_switch": True},
        format="json",
    )
    assert response.status_code == 200
    project.refresh_from_db()
    assert (project.queue_order, project.model_auto_switch) == ("least_confident", True)
    bad = client.patch(
        url, {"queue_order": "random", "model_switch_margin": 2}, format="json"
    )
    assert bad.status_code == 400
    assert set(bad.json()) == {"queue_order", "model_switch_margin"}
    login_as(Role.REVIEWER)
    assert client.get(url).status_code == 200
    assert (
        client.patch(url, {"model_auto_switch": False}, format="json").status_code
        == 403
    )
    project.refresh_from_db()
    assert project.model_auto_switch is True
