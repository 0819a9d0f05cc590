import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_create_api_token_is_stable_until_rotated(capsys):
    user = UserFactory(username="scripter")
    call_command("create_api_token", "scripter")
    first = capsys.readouterr().out.strip()
    call_command("create_api_token", "scripter")
    assert capsys.readouterr().out.strip() == first
    call_command("create_api_token", "scripter", "--rotate")
    rotated = capsys.readouterr().out.strip()
    assert rotated != first
    assert Token.objects.get(user=user).key == rotated


def test_create_api_token_for_unknown_user_fails_clearly():
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("create_api_token", "ghost")
