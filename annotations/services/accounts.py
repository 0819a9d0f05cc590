"""Account writes outside Django's own auth views.

API tokens (the account page and ``create_api_token``): one user has at most one
token, stored as a hash (``models/tokens.py``, ``token_keys.py``); issuing one
replaces the old row in the same transaction, so the old key stops working at
once, and the key is returned once to be shown once. Tokens expire after
``API_TOKEN_TTL_DAYS``; ``api_token_use`` checks a key for the API's
authentication class and notes when it was last used.
Login lockouts: wraps django-axes so the doors do not depend on its API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annotations import token_keys
from annotations.models import ApiToken

#: last_used_at is written at most this often per token (one write, not one per call).
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenRefused(Exception):
    """The key is unknown, expired or its user inactive; the message says which."""


@dataclass(frozen=True)
class IssuedToken:
    """A new token row and its key, which exists nowhere else: show it once."""

    token: ApiToken
    key: str


def api_token_ttl() -> timedelta:
    return timedelta(days=int(getattr(settings, "API_TOKEN_TTL_DAYS", 90)))


@transaction.atomic
def api_token_rotate(*, user: AbstractBaseUser) -> IssuedToken:
    """Replace the user's token (or create the first one); the old key dies now."""
    ApiToken.objects.filter(user=user).delete()
    key = token_keys.new_key()
    token = ApiToken.objects.create(
        user=user,
        prefix=token_keys.key_prefix(key),
        key_hash=token_keys.key_hash(key),
        expires_at=timezone.now() + api_token_ttl(),
    )
    return IssuedToken(token=token, key=key)


def api_token_issue(*, username: str) -> IssuedToken:
    """A new token for the active user ``username`` (replacing any old one).

    Only the hash is kept, so an existing key cannot be shown again: every call
    issues a new one. ValidationError on ``user`` when there is no such user or
    the user is inactive.
    """
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError({"user": [f"No user named {username!r}."]})
    if not user.is_active:
        raise ValidationError({"user": [f"User {username!r} is inactive."]})
    return api_token_rotate(user=user)


def api_token_use(*, key: str) -> AbstractBaseUser:
    """The user whose valid token ``key`` is; TokenRefused otherwise.

    Looks the row up by prefix and compares hashes in constant time; notes
    ``last_used_at`` (at most once a minute).
    """
    if not token_keys.is_well_formed(key):  # before any query: no odd bytes reach it
        raise TokenRefused("Invalid token.")
    now = timezone.now()
    candidates = ApiToken.objects.select_related("user").filter(
        prefix=token_keys.key_prefix(key)
    )
    token = next(
        (row for row in candidates if token_keys.key_matches(key, row.key_hash)), None
    )
    if token is None:
        raise TokenRefused("Invalid token.")
    if token.expires_at <= now:
        raise TokenRefused(
            "Token expired; create a new one on /account/token/ or with "
            "manage.py create_api_token USER."
        )
    if not token.user.is_active:
        raise TokenRefused("User inactive or deleted.")
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def login_lockout_clear(*, username: str) -> int:
    """Forget the failed logins of ``username`` (a lockout ends at once).

    Called after a successful password reset: whoever can read the account's
    e-mail may log in again without waiting for the cool-off. Returns how many
    recorded failures were dropped.
    """
    return axes_reset(username=username)
