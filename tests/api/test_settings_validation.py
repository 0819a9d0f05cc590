"""Settings the app cannot use are refused with 400, never stored or rewritten (issue 16).

``"multiple": "yes"`` used to become True and rewrite every answer and gold of
the question; an unknown pipeline was stored and later imports quietly got no
suggestions; a changelog over 500 characters was cut without notice.
"""

from __future__ import annotations

import copy
import json

import pytest
from django.test import Client

from annotations.choices import AnnotationStatus, Role
from annotations.models import Annotation, GuidelineVersion, Project
from annotations.nlp.registry import pipeline_names
from tests.factories import ANSWERS, TEXT, ArticleFactory, UserFactory, annotate

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(api_client, members):
    api_client.force_authenticate(members[Role.ADMIN])
    return api_client


def _url(project) -> str:
    return f"/api/v1/projects/{project.pk}/"


def test_multiple_yes_is_400_and_nothing_is_rewritten(admin, project, members):
    article = ArticleFactory(project=project, text=TEXT)
    annotation = annotate(article, members[Role.ANNOTATOR], labels=ANSWERS)
    versions = GuidelineVersion.objects.filter(project=project).count()
    scheme = copy.deepcopy(project.scheme)
    question = next(q for q in scheme["questions"] if q["key"] == "sentiment")
    question["multiple"] = "yes"
    response = admin.patch(_url(project), {"scheme": scheme}, format="json")
    assert response.status_code == 400
    assert "multiple must be true or false" in str(response.json()["scheme"])
    project.refresh_from_db()
    assert (
        next(q for q in project.scheme["questions"] if q["key"] == "sentiment")[
            "multiple"
        ]
        is False
    )
    assert GuidelineVersion.objects.filter(project=project).count() == versions
    annotation.refresh_from_db()
    assert annotation.labels["sentiment"] == ANSWERS["sentiment"]
    assert annotation.status == AnnotationStatus.SUBMITTED


def test_an_unknown_pipeline_is_400_naming_the_known_ones(admin, project):
    response = admin.patch(_url(project), {"pipeline": "fin-xx"}, format="json")
    assert response.status_code == 400
    message = " ".join(response.json()["pipeline"])
    assert "'fin-xx'" in message
    for name in pipeline_names():
        assert name in message
    assert Project.objects.get(pk=project.pk).pipeline == ""


@pytest.mark.parametrize("name", ["", *pipeline_names()])
def test_a_known_pipeline_is_stored(admin, project, name):
    response = admin.patch(_url(project), {"pipeline": name}, format="json")
    assert response.status_code == 200, response.content
    assert Project.objects.get(pk=project.pk).pipeline == name


def test_a_trained_pipeline_that_does_not_exist_is_400(admin, project):
    response = admin.patch(_url(project), {"pipeline": "trained:v9"}, format="json")
    assert response.status_code == 400
    assert "pipeline" in response.json()


def test_project_create_with_an_unknown_pipeline_is_400(api_client):
    staff = UserFactory(username="staff", is_staff=True)
    api_client.force_authenticate(staff)
    response = api_client.post(
        "/api/v1/projects/",
        {"slug": "p-new", "name": "P", "language": "en", "pipeline": "nope"},
        format="json",
    )
    assert response.status_code == 400
    assert "pipeline" in response.json()
    assert not Project.objects.filter(slug="p-new").exists()


def test_a_changelog_over_500_characters_is_400_not_cut(admin, project):
    scheme = copy.deepcopy(project.scheme)
    scheme["span_labels"][0]["name"] = "Renamed"
    versions = GuidelineVersion.objects.filter(project=project).count()
    response = admin.patch(
        _url(project), {"scheme": scheme, "changelog": "x" * 501}, format="json"
    )
    assert response.status_code == 400
    assert "changelog" in response.json()
    assert GuidelineVersion.objects.filter(project=project).count() == versions
    ok = admin.patch(
        _url(project), {"scheme": scheme, "changelog": "x" * 500}, format="json"
    )
    assert ok.status_code == 200
    latest = GuidelineVersion.objects.filter(project=project).order_by("-number")[0]
    assert latest.changelog == "x" * 500


def test_the_scheme_page_refuses_a_long_changelog_in_place(project, members):
    client = Client()
    client.force_login(members[Role.ADMIN])
    scheme = copy.deepcopy(project.scheme)
    scheme["span_labels"][0]["name"] = "Renamed"
    versions = GuidelineVersion.objects.filter(project=project).count()
    response = client.post(
        f"/projects/{project.slug}/settings/scheme/apply/",
        {"scheme": json.dumps(scheme), "changelog": "y" * 501},
    )
    assert response.status_code in (200, 400)
    assert "no more than 500 characters" in response.content.decode()
    assert GuidelineVersion.objects.filter(project=project).count() == versions


def test_the_settings_page_refuses_nul_in_place(project, members):
    client = Client()
    client.force_login(members[Role.ADMIN])
    response = client.post(
        f"/projects/{project.slug}/settings/",
        {"name": "ok", "description": "a\x00b", "overlap": "2"},
    )
    assert response.status_code in (200, 400)
    assert "NUL" in response.content.decode()
    assert Project.objects.get(pk=project.pk).description == ""


def test_unknown_fields_with_unstorable_text_in_a_scheme_are_400(admin, project):
    scheme = copy.deepcopy(project.scheme)
    scheme["span_labels"][0]["extra"] = {"x": "a\x00"}
    response = admin.patch(_url(project), {"scheme": scheme}, format="json")
    assert response.status_code == 400
    assert Project.objects.get(pk=project.pk).scheme == project.scheme
    assert Annotation.objects.count() == 0
