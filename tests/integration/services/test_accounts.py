"""API tokens: hashed, expiring, one service for the account page and the command.

What a client sees is checked through the real authentication (the API answers
401), what is stored through the database column itself.
"""

from datetime import timedelta
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from annotations import token_keys
from annotations.models import ApiToken
from annotations.selectors.accounts import api_token_get
from annotations.services.accounts import (
    TokenRefused,
    api_token_issue,
    api_token_rotate,
    api_token_use,
)
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def _api_status(api_client, key: str) -> int:
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api_client.get("/api/v1/projects/").status_code


def test_rotate_replaces_the_key_at_once(api_client):
    user = UserFactory()
    assert api_token_get(user=user) is None
    first = api_token_rotate(user=user)
    assert _api_status(api_client, first.key) == 200
    second = api_token_rotate(user=user)
    assert first.key != second.key
    assert list(ApiToken.objects.filter(user=user)) == [second.token]
    assert api_token_get(user=user) == second.token
    assert _api_status(api_client, first.key) == 401  # the rotated-out key
    assert _api_status(api_client, second.key) == 200


def test_the_plain_key_is_never_stored():
    issued = api_token_rotate(user=UserFactory())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")  # noqa: S608
        stored = [str(value) for row in cursor.fetchall() for value in row]
    assert issued.key not in stored
    assert token_keys.key_hash(issued.key) in stored
    assert issued.key[:8] in stored  # the lookup prefix, 32 bits of 160


def test_expired_token_is_refused_with_401(api_client, settings):
    settings.API_TOKEN_TTL_DAYS = 30
    issued = api_token_rotate(user=UserFactory())
    assert issued.token.expires_at - timezone.now() > timedelta(days=29)
    assert _api_status(api_client, issued.key) == 200
    ApiToken.objects.filter(pk=issued.token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    response = api_client.get("/api/v1/projects/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Token"


def test_use_notes_last_used_and_refuses_wrong_keys():
    issued = api_token_rotate(user=UserFactory())
    assert issued.token.last_used_at is None
    assert api_token_use(key=issued.key) == issued.token.user
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None
    same_prefix = issued.key[:8] + "0" * 32
    for key in (same_prefix, "", "x" * 200, "\ud800"):
        with pytest.raises(TokenRefused, match="Invalid token"):
            api_token_use(key=key)


def test_inactive_user_token_is_refused():
    user = UserFactory()
    issued = api_token_rotate(user=user)
    user.is_active = False
    user.save()
    with pytest.raises(TokenRefused, match="inactive"):
        api_token_use(key=issued.key)


def test_issue_gives_a_new_key_each_time():
    user = UserFactory(username="scripter")
    first = api_token_issue(username="scripter")
    second = api_token_issue(username="scripter")
    assert first.key != second.key
    assert api_token_get(user=user) == second.token


@pytest.mark.parametrize(
    ("username", "message"),
    [("ghost", "No user named 'ghost'"), ("sleeper", "User 'sleeper' is inactive")],
)
def test_issue_refuses_unknown_and_inactive_users(username, message):
    UserFactory(username="sleeper", is_active=False)
    with pytest.raises(ValidationError, match=message):
        api_token_issue(username=username)
    assert not ApiToken.objects.exists()


def test_account_page_rotates_through_the_service(client):
    user = UserFactory()
    client.force_login(user)
    assert client.post("/account/token/").status_code == 200
    old = api_token_get(user=user)
    page = client.post("/account/token/")
    assert page["Cache-Control"] == "no-store"
    new = api_token_get(user=user)
    assert new.key_hash != old.key_hash
    assert f"{new.prefix}…" in page.content.decode()


def test_migration_hashes_existing_plain_tokens_and_keeps_them_valid(api_client):
    """0008 on a database that still has DRF's plain ``authtoken_token`` table."""
    user = UserFactory()
    ProjectFactory()
    plain = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamp NOT NULL, user_id integer NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
            [plain, timezone.now(), user.pk],
        )
    migration = import_module("annotations.migrations.0008_hashed_tokens")
    try:
        # the function reads only ``schema_editor.connection`` (SQLite's real
        # schema editor cannot open inside the test's transaction)
        migration.hash_plain_tokens(apps, SimpleNamespace(connection=connection))
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM authtoken_token")
            assert cursor.fetchone()[0] == 0  # no plain key left behind
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS authtoken_token")
    token = ApiToken.objects.get(user=user)
    assert token.key_hash == token_keys.key_hash(plain)
    assert token.expires_at > timezone.now() + timedelta(days=1)
    assert _api_status(api_client, plain) == 200
