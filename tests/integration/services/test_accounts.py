"""API tokens: one service for the account page and the create_api_token command."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.authtoken.models import Token

from annotations.selectors.accounts import api_token_get
from annotations.services.accounts import api_token_issue, api_token_rotate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_rotate_replaces_the_key_at_once():
    user = UserFactory()
    assert api_token_get(user=user) is None
    first = api_token_rotate(user=user)
    second = api_token_rotate(user=user)
    assert first.key != second.key
    assert list(Token.objects.filter(user=user).values_list("key", flat=True)) == [
        second.key
    ]
    assert api_token_get(user=user) == second


def test_issue_keeps_the_token_until_asked_to_rotate():
    user = UserFactory(username="scripter")
    token = api_token_issue(username="scripter")
    assert api_token_issue(username="scripter") == token
    rotated = api_token_issue(username="scripter", rotate=True)
    assert rotated.key != token.key
    assert api_token_get(user=user) == rotated


@pytest.mark.parametrize(
    ("username", "message"),
    [("ghost", "No user named 'ghost'"), ("sleeper", "User 'sleeper' is inactive")],
)
def test_issue_refuses_unknown_and_inactive_users(username, message):
    UserFactory(username="sleeper", is_active=False)
    with pytest.raises(ValidationError, match=message):
        api_token_issue(username=username)
    assert not Token.objects.exists()


def test_account_page_rotates_through_the_service(client):
    user = UserFactory()
    client.force_login(user)
    assert client.post("/account/token/").status_code == 302
    old = api_token_get(user=user).key
    client.post("/account/token/")
    page = client.get("/account/token/")
    assert page["Cache-Control"] == "no-store"
    assert api_token_get(user=user).key != old
    assert api_token_get(user=user).key in page.content.decode()
