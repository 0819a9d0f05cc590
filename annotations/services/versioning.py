"""Locking shared by annotations and gold.

Optimistic: a save names the version it replaces (``version_check``).
Pessimistic: every save of an article's annotation or gold first locks the
article row (``article_lock``), so concurrent saves of one article queue up
instead of racing to insert the same row.
"""

from __future__ import annotations

from annotations.errors import ConflictError
from annotations.models import Article


def article_lock(article: Article) -> None:
    """Hold the article row until the transaction ends (``select_for_update``).

    On SQLite the IMMEDIATE transactions serialise writers anyway.
    """
    Article.objects.select_for_update().filter(pk=article.pk).first()


def version_check(*, stored: int | None, given: int | None, noun: str) -> None:
    """Raise ConflictError unless ``given`` may replace what is stored.

    ``stored`` is the version of the saved row (None: nothing saved yet);
    ``given`` is what the client sends: None to create, the current version to
    replace. ``noun`` names the thing in the message ("annotation", "gold").
    """
    if stored is None and given is not None:
        raise ConflictError(
            f"There is no saved {noun} to replace; save without a version first."
        )
    if stored is not None and given is None:
        raise ConflictError(
            f"The {noun} already exists; send its current version to replace it.",
            current_version=stored,
        )
    if stored is not None and given != stored:
        raise ConflictError(
            f"Version {given} is stale: the stored {noun} is at version {stored} "
            "(saved elsewhere, e.g. in another tab or by another reviewer). Reload it.",
            current_version=stored,
        )
