import pytest
from django.core.management import CommandError, call_command

from annotations.services.accounts import TokenRefused, api_token_use
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_create_api_token_prints_a_new_key_each_run(capsys):
    """Only a hash is stored, so each run issues (and prints once) a new key."""
    user = UserFactory(username="scripter")
    call_command("create_api_token", "scripter")
    first = capsys.readouterr().out.strip()
    call_command("create_api_token", "scripter", "--rotate")
    rotated = capsys.readouterr().out.strip()
    assert rotated != first
    assert len(rotated) == 40
    assert api_token_use(key=rotated) == user
    with pytest.raises(TokenRefused):
        api_token_use(key=first)


def test_create_api_token_for_unknown_user_fails_clearly():
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("create_api_token", "ghost")
