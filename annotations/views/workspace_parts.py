"""Pieces of the annotation page: what the template and the script get, what the form posts.

Plain functions on the workspace data and the posted form, kept out of
``views/workspace.py`` so the views stay thin; no queries here.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from annotations import workspace_checks as checks
from annotations.choices import AnnotationStatus, SpanOrigin
from annotations.scheme import Scheme
from annotations.selectors import workspace as workspace_selectors
from annotations.services.annotations import AnnotationInput
from annotations.services.guidelines import LabelHelp
from annotations.workspace_checks import Problem

ACTIONS = {
    "draft": AnnotationStatus.DRAFT,
    "submit": AnnotationStatus.SUBMITTED,
    "skip": AnnotationStatus.SKIPPED,
}
QUESTION_PREFIX = "q:"


def has_help(item: LabelHelp) -> bool:
    return bool(item.section_html or item.positive or item.negative)


def span_rows(spans: list, scheme: Scheme) -> list[dict[str, Any]]:
    """Span dicts with their label's name and colour, for the side list."""
    labels = {label.key: label for label in scheme.span_labels}
    origins = dict(SpanOrigin.choices)
    remove = _("Remove %(name)s “%(text)s”")
    rows = []
    for span in spans:
        label = labels.get(span["label"])
        name = label.name if label else span["label"]
        short = Truncator(span["text"]).chars(60)
        rows.append(
            {
                "start": span["start"],
                "end": span["end"],
                "label": span["label"],
                "text": span["text"],
                "origin": span["origin"],
                "origin_name": origins.get(span["origin"], span["origin"]),
                "name": name,
                "short": short,
                "remove_label": remove % {"name": name, "text": short},
                "color": label.color if label else "#888888",
            }
        )
    return rows


def questions(
    scheme: Scheme, workspace: workspace_selectors.Workspace
) -> list[dict[str, Any]]:
    """The document questions with the saved answers and the model's suggestion."""
    items = []
    for question in scheme.questions:
        answer = workspace.labels.get(question.key)
        chosen = set(answer) if isinstance(answer, list) else {answer}
        items.append(
            {
                "key": question.key,
                "name": question.name,
                "required": question.required,
                "multiple": question.multiple,
                "choices": [
                    {"key": c.key, "name": c.name, "checked": c.key in chosen}
                    for c in question.choices
                ],
                "suggestion": workspace.question_suggestions.get(question.key),
            }
        )
    return items


def client_data(workspace: workspace_selectors.Workspace, *, editable: bool) -> dict:
    """What the JavaScript module needs, as JSON (offsets in code points)."""
    return {
        "article": workspace.article.pk,
        "text": workspace.article.text,
        "editable": editable,
        "allowOverlap": workspace.project.allow_overlapping_spans,
        "labels": [
            {
                "key": label.key,
                "name": label.name,
                "color": label.color,
                "shortcut": label.shortcut,
            }
            for label in workspace.scheme.span_labels
        ],
        "spans": workspace.spans,
        "suggestions": workspace.suggestions,
        "evidence": [
            {**span, "question": key}
            for key, suggestion in workspace.question_suggestions.items()
            for span in suggestion["evidence"]
        ],
        "messages": {
            "suggestion": _("Suggestion"),
            "score": _("score"),
            "acceptHint": _("a: accept · x: reject · Tab: next"),
            "overlap": _("This project does not allow overlapping spans."),
            "duplicate": _("This span exists already."),
            "unsaved": _("Unsaved changes…"),
            "saving": _("Saving…"),
            "leave": _("Your latest changes are not saved yet."),
            "restored": _(
                "Restored the changes this browser kept from {time}; they had not "
                "reached the server. They are being saved now."
            ),
            "retrying": _("Not saved yet: trying again in {seconds} s…"),
            "nothingSelected": _("Select text, a span or a suggestion first."),
        },
    }


def answers(post: QueryDict, scheme: Scheme) -> dict[str, Any]:
    labels: dict[str, Any] = {}
    for question in scheme.questions:
        values = [v for v in post.getlist(QUESTION_PREFIX + question.key) if v]
        if question.multiple:
            labels[question.key] = values
        elif values:
            labels[question.key] = values[-1]
    return labels


def int_or_none(value: str | None, field: str, *, strict: bool = True) -> int | None:
    """``value`` as an int; a bad one raises (or is None when not ``strict``)."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError as error:
        if not strict:
            return None
        raise ValidationError({field: [_("Must be a whole number.")]}) from error


def save_input(post: QueryDict, scheme: Scheme) -> AnnotationInput:
    """The form the page posts, as the input of ``annotation_submit``."""
    action = post.get("action") or "draft"
    if action not in ACTIONS:
        raise ValidationError({"action": [_("Unknown action.")]})
    try:
        spans = json.loads(post.get("spans") or "[]")
    except json.JSONDecodeError as error:
        raise ValidationError({"spans": [_("The spans could not be read.")]}) from error
    version = int_or_none(post.get("version"), "version")
    overwrite = int_or_none(post.get("overwrite_version"), "overwrite_version")
    return AnnotationInput(
        spans=spans,
        labels=answers(post, scheme),
        status=ACTIONS[action],
        version=overwrite if overwrite is not None else version,
        lead_time_ms=int_or_none(post.get("lead_time_ms"), "lead_time_ms"),
        skip_reason=(post.get("skip_reason") or "").strip(),
    )


def posted_version(post: QueryDict) -> int | None:
    """The version the page holds, to hand back with an error (None if unreadable)."""
    try:
        return int_or_none(post.get("version"), "version")
    except ValidationError:
        return None


def error_problems(error: ValidationError) -> list[Problem]:
    """The service's refusal as problems; fields the page knows keep their place."""
    if not hasattr(error, "error_dict"):
        return [Problem("form", m) for m in error.messages]
    return [
        Problem(field if field in ("spans", "skip_reason") else "form", message)
        for field, messages_ in error.message_dict.items()
        for message in messages_
    ]


def page_problems(article, data: AnnotationInput) -> list[Problem]:
    """What the page posted that would be refused, in the annotator's words."""
    project = article.project
    scheme = project.parsed_scheme
    problems = checks.span_problems(
        scheme, article.text, data.spans, allow_overlap=project.allow_overlapping_spans
    )
    if data.status == AnnotationStatus.SUBMITTED:
        problems = checks.answer_problems(scheme, data.labels) + problems
    elif data.status == AnnotationStatus.SKIPPED:
        problems = checks.skip_problems(data.skip_reason) + problems
    return problems
