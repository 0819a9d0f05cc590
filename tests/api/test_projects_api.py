"""The first API slice: projects, articles, schema; token auth; 404 for non-members."""

import pytest
from django.core.management import call_command

from annotations.choices import Role
from annotations.models import Assignment
from tests.factories import ArticleFactory
from tests.roles import MEMBERS_READ, role_matrix

pytestmark = pytest.mark.django_db


@role_matrix(MEMBERS_READ)
def test_project_detail_matrix(login_as, project, who, status):
    response = login_as(who).get(f"/api/v1/projects/{project.pk}/")
    assert response.status_code == status


@role_matrix(MEMBERS_READ)
def test_article_list_matrix(login_as, project, who, status):
    ArticleFactory(project=project)
    response = login_as(who).get(f"/api/v1/projects/{project.pk}/articles/")
    assert response.status_code == status


def test_project_shape_follows_the_contract(login_as, project):
    response = login_as(Role.ML_ENGINEER).get("/api/v1/projects/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    for field in (
        "id", "slug", "name", "language", "overlap", "allow_overlapping_spans",
        "guideline_version", "scheme",
    ):  # fmt: skip
        assert field in item, field
    assert item["guideline_version"] == 1
    assert item["role"] == Role.ML_ENGINEER
    label = item["scheme"]["span_labels"][0]
    assert set(label) == {"key", "name", "description", "color", "shortcut"}
    question = item["scheme"]["questions"][0]
    assert {"key", "name", "level", "multiple", "required", "choices"} <= set(question)


def test_project_list_hides_other_projects(login_as, project):
    response = login_as("outsider").get("/api/v1/projects/")
    assert project.pk not in [p["id"] for p in response.json()["results"]]


def test_annotator_lists_and_opens_only_their_articles(login_as, project, members):
    mine, other = ArticleFactory.create_batch(2, project=project)
    Assignment.objects.create(article=mine, annotator=members[Role.ANNOTATOR])
    client = login_as(Role.ANNOTATOR)
    listed = client.get(f"/api/v1/projects/{project.pk}/articles/").json()["results"]
    assert [a["id"] for a in listed] == [mine.pk]
    assert client.get(f"/api/v1/articles/{mine.pk}/").status_code == 200
    assert client.get(f"/api/v1/articles/{other.pk}/").status_code == 404


def test_article_detail_returns_exact_text(login_as, project):
    article = ArticleFactory(
        project=project, text="Kurssturz 📉 bei Société Générale\r\n"
    )
    response = login_as(Role.REVIEWER).get(f"/api/v1/articles/{article.pk}/")
    assert response.json()["text"] == "Kurssturz 📉 bei Société Générale\r\n"


def test_token_auth_with_command_created_token(api_client, project, members, capsys):
    user = members[Role.ML_ENGINEER]
    call_command("create_api_token", user.username)
    key = capsys.readouterr().out.strip()
    assert len(key) == 40
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get(f"/api/v1/projects/{project.pk}/").status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    assert api_client.get(f"/api/v1/projects/{project.pk}/").status_code == 401


def test_openapi_schema_lists_the_endpoints(login_as):
    response = login_as(Role.ADMIN).get(
        "/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/projects/",
        "/api/v1/projects/{id}/",
        "/api/v1/projects/{project_id}/articles/",
        "/api/v1/articles/{article_id}/",
    ):
        assert path in paths, path


def test_swagger_ui_is_served_offline(client, members):
    client.force_login(members[Role.ADMIN])
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html
    assert "cdn" not in html.lower()


def test_job_progress_visible_to_members_only(api_client, project, members):
    from annotations.services.jobs import job_create

    job = job_create(kind="preannotate", project=project, total=10)
    api_client.force_authenticate(members[Role.REVIEWER])
    body = api_client.get(f"/api/v1/jobs/{job.pk}/").json()
    assert (body["status"], body["done"], body["total"]) == ("queued", 0, 10)
    api_client.force_authenticate(members["outsider"])
    assert api_client.get(f"/api/v1/jobs/{job.pk}/").status_code == 404
