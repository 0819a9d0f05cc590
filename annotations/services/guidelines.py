"""Guideline writes: publish a version (with an optional scheme change), acknowledge one.

The pure rules (Markdown rendering and sanitising, per-label help, the text
diff, text validation) live in the leaf module ``annotations.guideline_text``;
``guidelines_render``, ``label_help`` and ``LabelHelp`` are re-exported here
for the annotation page (``views/workspace.py``), which still imports them
from this module.

Acknowledgement: ``guideline_acknowledge`` records that a member has read a
version (idempotent). Who must acknowledge is decided by
``annotations.selectors.guidelines.guideline_notice_for_user``.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from annotations.guideline_text import (
    LabelHelp,
    guideline_text_validate,
    guidelines_render,
    label_help,
)
from annotations.models import (
    GuidelineAcknowledgement,
    GuidelineVersion,
    Membership,
    Project,
)
from annotations.services.scheme_changes import scheme_change_apply

__all__ = [
    "LabelHelp",
    "guideline_acknowledge",
    "guideline_version_publish",
    "guidelines_render",
    "label_help",
]


def guideline_acknowledge(
    *, user: AbstractBaseUser, version: GuidelineVersion
) -> GuidelineAcknowledgement:
    """Record that ``user`` has read ``version`` (idempotent); members only."""
    if not Membership.objects.filter(project_id=version.project_id, user=user).exists():
        raise ValidationError(
            {"user": ["Only project members acknowledge guidelines."]}
        )
    acknowledgement, _ = GuidelineAcknowledgement.objects.get_or_create(
        user=user, guideline_version=version
    )
    return acknowledgement


@transaction.atomic
def guideline_version_publish(
    *,
    project: Project,
    author: AbstractBaseUser,
    text: str,
    changelog: str,
    scheme: dict | None = None,
    scheme_actions: dict[str, str] | None = None,
) -> GuidelineVersion | None:
    """Publish new guidelines (and optionally a new scheme) as the next version.

    A scheme change goes through the safe-change rules of
    ``annotations.services.scheme_changes`` (refused with the counts when it
    would lose work). The author has read what they wrote: their
    acknowledgement is recorded in the same transaction. Returns None when
    nothing changed.
    """
    guideline_text_validate(text)
    if not isinstance(changelog, str) or not changelog.strip():
        raise ValidationError({"changelog": ["Say in one line what changed."]})
    result = scheme_change_apply(
        project=project,
        new_scheme=scheme if scheme is not None else project.scheme,
        actions=scheme_actions,
        author=author,
        changelog=changelog,
        text=text,
    )
    if result.version is not None:
        GuidelineAcknowledgement.objects.get_or_create(
            user=author, guideline_version=result.version
        )
    return result.version
