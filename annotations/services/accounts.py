"""Account writes outside Django's own auth views.

API tokens (the account page and ``create_api_token``): one user has at most one
token (``rest_framework.authtoken``); rotating deletes the old key in the same
transaction that creates the new one, so the old key stops working at once.
Login lockouts: wraps django-axes so the doors do not depend on its API.
"""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token


@transaction.atomic
def api_token_rotate(*, user: AbstractBaseUser) -> Token:
    """Replace the user's token (or create the first one)."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def api_token_issue(*, username: str, rotate: bool = False) -> Token:
    """The token of the active user ``username``: the existing one, else a new one.

    With ``rotate`` a new token replaces the existing one. ValidationError on
    ``user`` when there is no such user or the user is inactive.
    """
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError({"user": [f"No user named {username!r}."]})
    if not user.is_active:
        raise ValidationError({"user": [f"User {username!r} is inactive."]})
    if rotate:
        return api_token_rotate(user=user)
    token, _ = Token.objects.get_or_create(user=user)
    return token


def login_lockout_clear(*, username: str) -> int:
    """Forget the failed logins of ``username`` (a lockout ends at once).

    Called after a successful password reset: whoever can read the account's
    e-mail may log in again without waiting for the cool-off. Returns how many
    recorded failures were dropped.
    """
    return axes_reset(username=username)
