"""Checking parsed annotations and predictions against their texts and the scheme.

Imported by ``importers.apply``; imports the pure ``offsets`` and ``scheme``
modules and the package's plain types. No database access: every problem is
collected per item (``[{"index", "errors": {field: [message]}}]``) before anything
is written.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from annotations.choices import AnnotationStatus
from annotations.models import Project
from annotations.offsets import SpanData, SpanError, parse_spans, utf16_to_codepoint
from annotations.scheme import Scheme, SchemeError, validate_answers

from .parsed import ImportedAnnotation, ImportedPrediction, ParsedImport

ItemErrors = dict[int, dict[str, list[str]]]


@dataclass
class CheckedAnnotation:
    """An imported annotation that fits its text and the scheme, ready to write."""

    item: ImportedAnnotation
    spans: list[SpanData]
    labels: dict[str, Any]
    status: str
    missing: list[str]  # required questions without an answer (drafts)


def check_import(
    parsed: ParsedImport, project: Project
) -> tuple[list[CheckedAnnotation], list[dict[str, Any]]]:
    """The annotations that fit, and every problem (predictions get their span text)."""
    scheme = project.parsed_scheme
    checked: list[CheckedAnnotation] = []
    errors: ItemErrors = defaultdict(dict)
    seen: set[tuple[int, str]] = set()
    for item in parsed.annotations:
        key = (item.index, item.annotator)
        if key in seen:
            errors[item.index].setdefault("annotations", []).append(
                f"Two annotations by {item.annotator!r} on one article."
            )
            continue
        seen.add(key)
        text = parsed.articles[item.index].get("text") or ""
        result = _check_annotation(item, text, scheme, project, errors)
        if result is not None:
            checked.append(result)
    for prediction in parsed.predictions:
        text = parsed.articles[prediction.index].get("text") or ""
        _check_prediction(prediction, text, scheme, errors)
    return checked, [
        {"index": index, "errors": item_errors}
        for index, item_errors in sorted(errors.items())
    ]


def _check_annotation(
    item: ImportedAnnotation,
    text: str,
    scheme: Scheme,
    project: Project,
    errors: ItemErrors,
) -> CheckedAnnotation | None:
    """The checked annotation, or None with its problems added to ``errors``."""
    try:
        spans = parse_spans(
            _without_scores(fit_offsets(text, span) for span in item.spans),
            text=text,
            label_keys=scheme.span_label_keys,
            allow_overlap=project.allow_overlapping_spans,
        )
    except SpanError as error:
        errors[item.index].setdefault("spans", []).extend(
            f"{item.annotator}: {message}" for message in error.errors
        )
        return None
    try:
        labels = validate_answers(scheme, item.labels, require_complete=False)
    except SchemeError as error:
        errors[item.index].setdefault("labels", []).extend(
            m for messages in error.errors.values() for m in messages
        )
        return None
    missing = [q.key for q in scheme.questions if q.required and q.key not in labels]
    status = (
        AnnotationStatus.DRAFT if item.draft or missing else AnnotationStatus.SUBMITTED
    )
    return CheckedAnnotation(
        item=item, spans=spans, labels=labels, status=status, missing=missing
    )


def _check_prediction(
    prediction: ImportedPrediction, text: str, scheme: Scheme, errors: ItemErrors
) -> None:
    """Check a prediction's spans (overlaps allowed) and give them their text."""
    fitted = [fit_offsets(text, span) for span in prediction.spans]
    try:
        parse_spans(
            _without_scores(fitted),
            text=text,
            label_keys=scheme.span_label_keys,
            allow_overlap=True,
        )
    except SpanError as error:
        errors[prediction.index].setdefault("predictions", []).extend(error.errors)
        return
    prediction.spans = [{**s, "text": text[s["start"] : s["end"]]} for s in fitted]


def _without_scores(spans) -> list[dict[str, Any]]:
    return [{k: v for k, v in span.items() if k != "score"} for span in spans]


def fit_offsets(text: str, span: dict[str, Any]) -> dict[str, Any]:
    """Code-point offsets for ``span``; UTF-16 offsets converted when only they fit."""
    start, end, given = span.get("start"), span.get("end"), span.get("text")
    if (
        given is not None
        and isinstance(start, int)
        and isinstance(end, int)
        and text[start:end] != given
    ):
        try:
            cp_start = utf16_to_codepoint(text, start)
            cp_end = utf16_to_codepoint(text, end)
        except ValueError:
            return span
        if text[cp_start:cp_end] == given:
            return {**span, "start": cp_start, "end": cp_end}
    return span


def merge_errors(*lists: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per-item error lists combined into one, by item index."""
    merged: ItemErrors = defaultdict(dict)
    for errors in lists:
        for entry in errors:
            for key, messages in entry["errors"].items():
                merged[entry["index"]].setdefault(key, []).extend(messages)
    return [{"index": i, "errors": merged[i]} for i in sorted(merged)]
