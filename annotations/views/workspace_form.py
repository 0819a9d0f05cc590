"""The annotation page's save form, read into the input of ``annotation_submit``.

Every field is checked here, before the service and the database: whole
numbers within their columns, the spans' JSON with storable text only, the
skip reason's length (``annotations.validation``); a problem is a
ValidationError the page shows in place. Imported by ``views.workspace``.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _

from annotations import validation as limits
from annotations.choices import AnnotationStatus
from annotations.scheme import Scheme
from annotations.services.annotations import AnnotationInput

ACTIONS = {
    "draft": AnnotationStatus.DRAFT,
    "submit": AnnotationStatus.SUBMITTED,
    "skip": AnnotationStatus.SKIPPED,
}
QUESTION_PREFIX = "q:"


def _answers(post: QueryDict, scheme: Scheme) -> dict[str, Any]:
    labels: dict[str, Any] = {}
    for question in scheme.questions:
        values = [v for v in post.getlist(QUESTION_PREFIX + question.key) if v]
        if question.multiple:
            labels[question.key] = values
        elif values:
            labels[question.key] = values[-1]
    return labels


def int_or_none(
    value: str | None, field: str, maximum: int = limits.MAX_POSITIVE_INT
) -> int | None:
    """A form's whole number within what its column stores (0..maximum), or None."""
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError as error:
        raise ValidationError({field: [_("Must be a whole number.")]}) from error
    if not 0 <= number <= maximum:
        raise ValidationError(
            {field: [_("Must be between 0 and %(max)s.") % {"max": maximum}]}
        )
    return number


def _posted_spans(post: QueryDict) -> Any:
    """The spans field (JSON) decoded, with storable text only."""
    try:
        spans = json.loads(post.get("spans") or "[]")
    except (json.JSONDecodeError, RecursionError) as error:
        raise ValidationError({"spans": [_("The spans could not be read.")]}) from error
    problems = limits.json_problems(spans)
    if problems:
        raise ValidationError({"spans": limits.flat_errors(problems)})
    return spans


def save_input(post: QueryDict, scheme: Scheme) -> AnnotationInput:
    """The form the page posts, as the input of ``annotation_submit``."""
    action = post.get("action") or "draft"
    if action not in ACTIONS:
        raise ValidationError({"action": [_("Unknown action.")]})
    spans = _posted_spans(post)
    version = int_or_none(post.get("version"), "version")
    overwrite = int_or_none(post.get("overwrite_version"), "overwrite_version")
    skip_reason = (post.get("skip_reason") or "").strip()
    if errors := limits.text_errors(skip_reason, max_length=limits.MAX_SKIP_REASON):
        raise ValidationError({"skip_reason": errors})
    return AnnotationInput(
        spans=spans,
        labels=_answers(post, scheme),
        status=ACTIONS[action],
        version=overwrite if overwrite is not None else version,
        lead_time_ms=int_or_none(
            post.get("lead_time_ms"), "lead_time_ms", limits.MAX_POSITIVE_BIGINT
        ),
        skip_reason=skip_reason,
    )


def posted_version(post: QueryDict) -> int | None:
    """The version the page holds, to hand back with an error (None if unreadable)."""
    try:
        return int_or_none(post.get("version"), "version")
    except ValidationError:
        return None
