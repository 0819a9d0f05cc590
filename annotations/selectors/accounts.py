"""Reads about the signed-in user's own account: their API token.

Imported by ``views/account.py``; the token is the user's own credential, not
project data, so there is no project scoping here. Only its prefix and dates
can be read: the key itself is never stored.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from annotations.models import ApiToken


def api_token_get(*, user: AbstractBaseUser) -> ApiToken | None:
    """The user's API token row, or None until one is created."""
    return ApiToken.objects.filter(user=user).first()
