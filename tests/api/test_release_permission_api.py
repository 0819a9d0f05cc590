"""Who may cut releases through the API: admins, and ML engineers where the project allows.

The setting is ``ml_can_cut_releases`` (PATCH /api/v1/projects/{id}/, the settings
page's checkbox); the rule is ``selectors.export_access.release_cut_check``, the
same one the export page asks.
"""

from __future__ import annotations

import pytest

from annotations.choices import Role
from annotations.models import Release

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def cut(api_client, project):
    return api_client.post(
        f"/api/v1/projects/{project.pk}/releases/", {"note": "n"}, format="json"
    )


@pytest.mark.parametrize(
    ("who", "closed", "opened"),
    [
        (Role.ADMIN, 201, 201),
        (Role.ML_ENGINEER, 403, 201),
        (Role.REVIEWER, 403, 403),
        (Role.ANNOTATOR, 403, 403),
        ("outsider", 404, 404),
        ("anonymous", 401, 401),
    ],
)
def test_the_setting_opens_release_cutting_to_ml_engineers_only(
    login_as, api_client, project, who, closed, opened
):
    login_as(who)
    assert cut(api_client, project).status_code == closed
    project.ml_can_cut_releases = True
    project.save(update_fields=["ml_can_cut_releases"])
    assert cut(api_client, project).status_code == opened


def test_refusal_tells_the_ml_engineer_about_the_setting(login_as, api_client, project):
    login_as(Role.ML_ENGINEER)
    response = cut(api_client, project)
    assert response.status_code == 403
    assert "project settings" in response.json()["detail"]


def test_admins_change_the_setting_through_the_api(
    login_as, api_client, project, members
):
    login_as(Role.ADMIN)
    url = f"/api/v1/projects/{project.pk}/"
    assert api_client.get(url).json()["ml_can_cut_releases"] is False
    response = api_client.patch(url, {"ml_can_cut_releases": True}, format="json")
    assert response.status_code == 200
    assert response.json()["ml_can_cut_releases"] is True
    login_as(Role.ML_ENGINEER)
    created = cut(api_client, project)
    assert created.status_code == 201
    release = Release.objects.get(pk=created.json()["id"])
    assert release.created_by == members[Role.ML_ENGINEER]
    refused = api_client.patch(url, {"ml_can_cut_releases": False}, format="json")
    assert refused.status_code == 403  # only admins change settings
