"""Annotators as others see them: stable pseudonyms, or usernames where allowed.

Imported by the export rows, the agreement selectors and the API (annotation list
and its filters); imports the user model. Whether a caller sees names is decided
by ``selectors.export_access``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.utils.crypto import salted_hmac

from annotations.models import Project


def annotator_pseudonym(*, project_id: int, user_id: int) -> str:
    """A stable pseudonym of a user within one project (HMAC with the SECRET_KEY).

    Stable across exports and releases of one deployment; different per project, so
    pseudonyms cannot be joined across projects; not reversible without the key.
    """
    digest = salted_hmac(
        "newsroom.annotator-pseudonym", f"{project_id}:{user_id}", algorithm="sha256"
    ).hexdigest()
    return f"annotator-{digest[:10]}"


def annotator_names(
    *, project: Project, user_ids: Sequence[int], names_visible: bool
) -> dict[int, str]:
    """user id → username (``names_visible``) or pseudonym (then without a query)."""
    if not names_visible:
        return {
            uid: annotator_pseudonym(project_id=project.pk, user_id=uid)
            for uid in user_ids
        }
    User = get_user_model()
    return dict(
        User.objects.filter(pk__in=list(user_ids)).values_list(
            "pk", User.USERNAME_FIELD
        )
    )
