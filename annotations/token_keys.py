"""API token keys: make one, hash it, find its lookup prefix. Pure; no models.

Imported by ``services/accounts.py`` and migration 0008. A key is 40 hex
characters from ``secrets`` (160 bits, the length DRF's tokens had), so existing
clients need no change; only its sha256 is stored, so a leaked database holds no
usable credential, and a fast hash suffices because the key is random, not a password.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

KEY_BYTES = 20
PREFIX_LENGTH = 8
KEY_PATTERN = re.compile(r"[0-9a-f]{40}")


def new_key() -> str:
    return secrets.token_hex(KEY_BYTES)


def is_well_formed(key: str) -> bool:
    """40 lowercase hex characters (ours, and DRF's before migration 0008)."""
    return KEY_PATTERN.fullmatch(key) is not None


def key_hash(key: str) -> str:
    """sha256 hex of the key (what the database keeps)."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def key_prefix(key: str) -> str:
    return key[:PREFIX_LENGTH]


def key_matches(key: str, stored_hash: str) -> bool:
    """Constant-time comparison of ``key`` with a stored hash."""
    return hmac.compare_digest(key_hash(key), stored_hash)
