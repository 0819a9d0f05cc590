"""API tokens, stored as a hash: the key is shown once and never kept.

A key is 40 random hex characters; the row keeps its first 8 (``prefix``, for
lookup and for telling tokens apart on the account page) and the sha256 of the
whole key. ``expires_at`` bounds its life (``API_TOKEN_TTL_DAYS``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

TOKEN_PREFIX_LENGTH = 8


class ApiToken(models.Model):
    """The API credential of one user (at most one: rotation replaces it)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token"
    )
    prefix = models.CharField(max_length=TOKEN_PREFIX_LENGTH, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)  # sha256 hex of the key
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"
