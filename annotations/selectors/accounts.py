"""Reads about the signed-in user's own account: their API token.

Imported by ``views/account.py``; the token is the user's own credential, not
project data, so there is no project scoping here.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from rest_framework.authtoken.models import Token


def api_token_get(*, user: AbstractBaseUser) -> Token | None:
    """The user's API token, or None until one is created."""
    return Token.objects.filter(user=user).first()
