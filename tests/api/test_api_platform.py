"""Whole-API concerns: the OpenAPI schema validates; token clients are throttled;
the account page shows and rotates the token."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from annotations.api.throttling import TokenRateThrottle
from annotations.choices import Role
from annotations.models import ApiToken
from annotations.services.accounts import api_token_rotate

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
    key = api_token_rotate(user=user).key
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
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


def test_account_page_shows_a_new_key_once_and_rotates_it(client, members):
    user = members[Role.ANNOTATOR]
    client.force_login(user)
    page = client.get("/account/token/")
    assert page.status_code == 200
    assert 'data-testid="api-token-none"' in page.content.decode()
    created = client.post("/account/token/")
    assert created.status_code == 200
    assert created["Cache-Control"] == "no-store"
    first = _shown_key(created.content.decode())
    assert ApiToken.objects.get(user=user).prefix == first[:8]
    later = client.get("/account/token/").content.decode()
    assert first not in later  # shown once: only the prefix afterwards
    assert f"{first[:8]}…" in later
    second = _shown_key(client.post("/account/token/").content.decode())
    assert second != first
    html = client.get("/account/token/").content.decode()
    assert second not in html
    assert first not in html


def _shown_key(html: str) -> str:
    import re

    match = re.search(r'data-testid="api-token">([0-9a-f]{40})<', html)
    assert match, html
    return match.group(1)


def test_account_page_needs_login_and_csrf(client, members):
    assert client.get("/account/token/").status_code == 302
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(members[Role.ANNOTATOR])
    assert strict.post("/account/token/").status_code == 403
    assert not ApiToken.objects.filter(user=members[Role.ANNOTATOR]).exists()
