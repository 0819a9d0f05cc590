"""One error format under /api/: JSON ``{"detail": …}`` for 404, 405, 413, 415, 500 too.

Before issue 16 a URL no route matched, a crash and a body over Django's memory
limit answered with HTML pages (the last one a 400 "RequestDataTooBig").
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from annotations.api.jobs import JobDetailApi
from annotations.choices import Role
from annotations.models import Annotation, Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
LIMIT = 2000  # DATA_UPLOAD_MAX_MEMORY_SIZE in these tests


def _is_json_detail(response) -> bool:
    return response["Content-Type"].startswith("application/json") and isinstance(
        response.json().get("detail"), str
    )


@pytest.fixture
def admin(api_client, members) -> APIClient:
    api_client.force_authenticate(members[Role.ADMIN])
    return api_client


@pytest.fixture
def small_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing-here/",
        "/api/v1/projects/abc/",
        "/api/v1/articles/1.5/",
        "/api/",
    ],
)
def test_a_url_no_route_matches_is_json_404(admin, path):
    response = admin.get(path)
    assert response.status_code == 404
    assert _is_json_detail(response)


def test_a_page_url_no_route_matches_keeps_the_styled_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b'data-testid="error-404"' in response.content


def test_a_method_the_endpoint_does_not_take_is_json_405(admin, project):
    response = admin.delete(f"/api/v1/projects/{project.pk}/")
    assert response.status_code == 405
    assert _is_json_detail(response)


def test_a_media_type_the_endpoint_does_not_read_is_json_415(admin, members, project):
    article = ArticleFactory(project=project)
    response = admin.generic(
        "PUT",
        f"/api/v1/articles/{article.pk}/my-annotation/",
        "spans=[]",
        content_type="text/plain",
    )
    assert response.status_code == 415
    assert _is_json_detail(response)


@pytest.mark.parametrize(
    "body",
    [b"{", b'{"spans": [}', b"\xff\xfe", b"[" * 100_000 + b"]" * 100_000],
    ids=["truncated", "malformed", "not-utf8", "nested-100000-deep"],
)
def test_unreadable_json_is_json_400(admin, project, members, body, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10**6
    client = APIClient()
    client.force_authenticate(members[Role.ANNOTATOR])
    article = ArticleFactory(project=project)
    response = client.generic(
        "PUT",
        f"/api/v1/articles/{article.pk}/my-annotation/",
        body,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert _is_json_detail(response)
    assert not Annotation.objects.exists()


def test_json_nested_past_the_limit_is_400_with_its_path(admin, project):
    deep: dict = {}
    node = deep
    for _ in range(40):
        node["x"] = {}
        node = node["x"]
    response = admin.generic(
        "PATCH",
        f"/api/v1/projects/{project.pk}/",
        json.dumps({"label_mapping": deep}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "label_mapping" in response.json()


def _big_json(size: int) -> str:
    return json.dumps({"description": "x" * size})


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", "/api/v1/projects/{project}/"),
        ("PUT", "/api/v1/articles/{article}/my-annotation/"),
        ("POST", "/api/v1/articles/{article}/gold/"),
        ("POST", "/api/v1/projects/{project}/members/"),
        ("POST", "/api/v1/projects/{project}/guidelines/"),
        ("POST", "/api/v1/projects/{project}/preannotate/"),
        ("POST", "/api/v1/projects/{project}/releases/"),
        ("POST", "/api/v1/projects/"),
        ("PATCH", "/api/v1/projects/99999/"),
    ],
)
def test_a_body_over_the_memory_limit_is_json_413(
    admin, project, small_limit, method, path
):
    article = ArticleFactory(project=project)
    url = path.format(project=project.pk, article=article.pk)
    response = admin.generic(
        method, url, _big_json(LIMIT), content_type="application/json"
    )
    assert response.status_code == 413
    assert _is_json_detail(response)
    assert str(LIMIT) in response.json()["detail"].replace(",", "")


def test_a_form_body_over_the_memory_limit_is_json_413_too(admin, project, small_limit):
    response = admin.generic(
        "PATCH",
        f"/api/v1/projects/{project.pk}/",
        "description=" + "x" * LIMIT,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert _is_json_detail(response)


def test_the_import_keeps_its_own_larger_limit(admin, project, small_limit):
    items = [{"title": "t", "text": "x" * LIMIT, "external_id": "big"}]
    response = admin.generic(
        "POST",
        f"/api/v1/projects/{project.pk}/articles/",
        json.dumps(items),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Article.objects.filter(project=project, external_id="big").exists()


def test_a_page_body_over_the_memory_limit_is_a_413_page(
    client, members, project, small_limit
):
    client.force_login(members[Role.ADMIN])
    response = client.post(
        f"/projects/{project.slug}/settings/",
        "name=" + "x" * LIMIT,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert not response["Content-Type"].startswith("application/json")


def test_a_crash_under_the_api_is_json_500(members, monkeypatch):
    def crash(self, request, job_id):
        raise RuntimeError("boom")

    monkeypatch.setattr(JobDetailApi, "get", crash)
    client = Client(raise_request_exception=False)
    client.force_login(members[Role.ADMIN])
    response = client.get("/api/v1/jobs/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 500
    assert _is_json_detail(response)
    assert "boom" not in response.content.decode()


def test_a_crash_on_a_page_keeps_the_styled_500_page(members, project, monkeypatch):
    from annotations.views import projects

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(projects, "render", crash)
    client = Client(raise_request_exception=False)
    client.force_login(members[Role.ADMIN])
    response = client.get("/")
    assert response.status_code == 500
    assert b'data-testid="error-500"' in response.content


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/projects/{project}/members/a%00b/", 404),
        ("/api/v1/projects/{project}/annotations/?annotator=a%00", 400),
        ("/api/v1/projects/{project}/export/?labels=%00", 400),
        ("/api/v1/projects/?x%00=1", 400),
    ],
)
def test_nul_in_the_path_or_query_is_a_json_client_error(admin, project, path, status):
    response = admin.get(path.format(project=project.pk))
    assert response.status_code == status
    assert _is_json_detail(response)


def test_nul_in_a_page_query_is_a_400_page(client, members, project):
    client.force_login(members[Role.ADMIN])
    response = client.get(f"/projects/{project.slug}/review/?q=a%00")
    assert response.status_code == 400
    assert not response["Content-Type"].startswith("application/json")
