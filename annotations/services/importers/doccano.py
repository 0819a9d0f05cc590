"""Reading doccano JSONL (both of its shapes) into a ParsedImport.

Imported by ``importers.readers``; imports the package's plain types and label
mapper. No database access. The format is described in the package docstring.
"""

from __future__ import annotations

from typing import Any

from .labels import (
    LabelMapper,
    add_answer,
    annotator_name,
    exported_prediction,
    finish,
)
from .parsed import EXPORT_META_KEY, ImportedAnnotation, ParsedImport


def parse_doccano(
    items: list[Any], mapper: LabelMapper, *, default_annotator: str = "doccano"
) -> ParsedImport:
    """Lines → articles and one annotation each; ArticleImportError per bad line.

    A line's ``user`` or ``annotator`` names who annotated it, else
    ``default_annotator`` (the caller's name, else the file name's stem); a line
    whose ``status`` is ``draft`` (our own export) stays a draft.
    """
    parsed = ParsedImport(format="doccano", tool="doccano")
    errors: list[dict[str, Any]] = []
    skipped = 0
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append(
                {"index": index, "errors": {"non_field_errors": ["Must be an object."]}}
            )
            parsed.articles.append({})
            continue
        parsed.articles.append(_article(item))
        raw_spans, raw_labels = _raw_spans_and_labels(item)
        spans, problems = _spans(raw_spans, mapper, item.get("span_scores"))
        labels, label_problems = _labels(raw_labels, mapper)
        problems += label_problems
        if problems:
            errors.append({"index": index, "errors": {"label": problems}})
            continue
        if item.get("pipeline") is not None:
            parsed.predictions.append(exported_prediction(index, item, spans, mapper))
        elif item.get("status") == "skipped":
            skipped += 1
        elif spans or labels:
            annotator = item.get("user") or item.get("annotator")
            parsed.annotations.append(
                ImportedAnnotation(
                    index=index,
                    annotator=annotator_name(annotator, default_annotator),
                    spans=spans,
                    labels=labels,
                    draft=item.get("status") == "draft",
                )
            )
    return finish(parsed, errors, skipped)


def _article(item: dict[str, Any]) -> dict[str, Any]:
    """The article of a line; doccano's own ``id`` goes to meta without external_id."""
    article = {"text": item.get("text"), "meta": {}}
    for key in ("title", "language", "external_id"):
        if item.get(key) is not None:
            article[key] = item[key]
    if "external_id" not in article and item.get("id") is not None:
        article["meta"]["doccano_id"] = item["id"]
    if isinstance(item.get("meta"), dict):
        article["meta"].update(item["meta"])
    article["meta"].pop(EXPORT_META_KEY, None)
    return article


def _raw_spans_and_labels(item: dict[str, Any]) -> tuple[Any, Any]:
    """Spans and document labels of either shape.

    ``{"label": [[start, end, label], ...], "cats": [...]}`` (sequence labelling) or
    ``{"entities": [...], "cats"/"label": [...]}``; a ``label`` list of plain
    strings is text classification.
    """
    raw_spans = item.get("entities")
    raw_labels = item.get("label", [])
    if (
        raw_spans is None
        and isinstance(raw_labels, list)
        and (
            any(isinstance(x, list) for x in raw_labels)
            or ("cats" in item and not raw_labels)  # no spans, answers in cats
        )
    ):
        return raw_labels, item.get("cats", [])
    if raw_spans is not None:
        return raw_spans, item.get("cats", item.get("label", []))
    return None, raw_labels


def _spans(
    raw_spans: Any, mapper: LabelMapper, scores: Any = None
) -> tuple[list[dict], list[str]]:
    """Spans of either shape; ``scores`` (a prediction's) go with them in order."""
    spans: list[dict] = []
    problems: list[str] = []
    scores = scores if isinstance(scores, list) else []
    for number, raw in enumerate(raw_spans or []):
        if isinstance(raw, list) and len(raw) == 3:
            start, end, name = raw
        elif isinstance(raw, dict):
            start, end, name = (
                raw.get("start_offset"),
                raw.get("end_offset"),
                raw.get("label"),
            )
        else:
            problems.append(
                f"span {raw!r} is neither [start, end, label] nor an object"
            )
            continue
        label = mapper.span(name)
        if label is not None:
            spans.append({"start": start, "end": end, "label": label})
            if number < len(scores) and isinstance(scores[number], int | float):
                spans[-1]["score"] = float(scores[number])
    return spans, problems


def _labels(raw_labels: Any, mapper: LabelMapper) -> tuple[dict[str, Any], list[str]]:
    """Answers from ``"question:choice"`` or plain choice names."""
    labels: dict[str, Any] = {}
    problems: list[str] = []
    if not isinstance(raw_labels, list):
        raw_labels = [raw_labels]
    for name in raw_labels:
        if not isinstance(name, str):
            problems.append(f"document label {name!r} must be a string")
            continue
        question, _, choice = name.partition(":") if ":" in name else (None, "", name)
        mapped = mapper.choice(question, choice)
        if mapped is not None:
            add_answer(labels, mapper.scheme, *mapped)
    return labels, problems
