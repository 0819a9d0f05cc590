"""Pieces of the annotation page: what the template and the script get, what the form posts.

Plain functions on the workspace data and the refusals, kept out of
``views/workspace.py`` so the views stay thin; no queries here. The posted form
is read by ``views.workspace_form``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from annotations import workspace_checks as checks
from annotations.choices import AnnotationStatus, SpanOrigin
from annotations.scheme import Scheme
from annotations.selectors import workspace as workspace_selectors
from annotations.services.annotations import AnnotationInput
from annotations.services.guidelines import LabelHelp
from annotations.workspace_checks import Problem


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
