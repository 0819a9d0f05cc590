"""Whole-API concerns: the OpenAPI schema validates; token clients are throttled;
the account page shows and rotates the token."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from annotations.api.throttling import TokenRateThrottle
from annotations.choices import Role

pytestmark = pytest.mark.django_db


def test_whole_openapi_schema_validates_without_warnings(tmp_path):
    """drf-spectacular's own validation (OpenAPI 3 JSON schema), warnings fatal."""
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "s.yaml"),
    )


def test_schema_documents_the_dataset_endpoints_with_examples(api_client, members):
    api_client.force_authenticate(members[Role.ADMIN])
    schema = api_client.get(
        "/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    ).json()
    paths = schema["paths"]
    for path, method in [
        ("/api/v1/projects/{project_id}/annotations/", "get"),
        ("/api/v1/projects/{project_id}/articles/", "post"),
        ("/api/v1/projects/{project_id}/export/", "get"),
        ("/api/v1/projects/{project_id}/releases/", "post"),
        ("/api/v1/releases/{release_id}/", "get"),
        ("/api/v1/releases/{release_id}/files/{name}", "get"),
        ("/api/v1/jobs/{job_id}/download/", "get"),
    ]:
        assert method in paths[path], path
    export = paths["/api/v1/projects/{project_id}/export/"]["get"]
    assert {p["name"] for p in export["parameters"]} >= {
        "format", "source", "status", "guideline_version", "labels", "updated_since",
    }  # fmt: skip
    assert "examples" in export["responses"]["202"]["content"]["application/json"]
    post = paths["/api/v1/projects/{project_id}/articles/"]["post"]
    assert "examples" in post["requestBody"]["content"]["application/json"]


def test_token_clients_are_throttled_sessions_are_not(
    api_client, client, project, members, monkeypatch
):
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/min"})
    user = members[Role.ML_ENGINEER]
    token = Token.objects.create(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    codes = [
        api_client.get(f"/api/v1/projects/{project.pk}/").status_code for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    client.force_login(user)
    codes = [
        client.get(f"/api/v1/projects/{project.pk}/").status_code for _ in range(4)
    ]
    assert codes == [200] * 4
    cache.clear()


def test_account_page_shows_and_rotates_the_token(client, members):
    user = members[Role.ANNOTATOR]
    client.force_login(user)
    page = client.get("/account/token/")
    assert page.status_code == 200
    assert 'data-testid="api-token-none"' in page.content.decode()
    assert client.post("/account/token/").status_code == 302
    first = Token.objects.get(user=user).key
    assert first in client.get("/account/token/").content.decode()
    client.post("/account/token/")
    second = Token.objects.get(user=user).key
    assert second != first
    html = client.get("/account/token/").content.decode()
    assert second in html
    assert first not in html


def test_account_page_needs_login_and_csrf(client, members):
    assert client.get("/account/token/").status_code == 302
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(members[Role.ANNOTATOR])
    assert strict.post("/account/token/").status_code == 403
    assert not Token.objects.filter(user=members[Role.ANNOTATOR]).exists()
