"""Reading Label Studio task JSON (a list of tasks, or one task) into a ParsedImport.

Imported by ``importers.readers``; imports the package's plain types and label
mapper. No database access. The format is described in the package docstring.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .labels import (
    LabelMapper,
    add_answer,
    annotator_name,
    finish,
    label_scores,
)
from .parsed import (
    ARTICLE_FIELDS,
    EXPORT_META_KEY,
    ImportedAnnotation,
    ImportedPrediction,
    ImportFormatError,
    ParsedImport,
)

Results = tuple[list[dict], dict[str, Any], str | None]


#: Why id-only predictions are skipped and how to get them from Label Studio.
ID_ONLY_PREDICTIONS = (
    "{count} prediction(s) came as ids only and were skipped: Label Studio's "
    "default JSON export (GET /api/projects/<id>/export, the Export button's "
    "quick download, `label-studio export`) lists only prediction ids. Export "
    "them in full with an export snapshot whose serialization_options include "
    '{{"predictions": {{"only_id": false}}}} (POST /api/projects/<id>/exports/, '
    "then download it), or `label-studio export <project> JSON "
    '--export-serializer-context \'{{"predictions": {{"only_id": false}}}}\'`.'
)


def parse_labelstudio(
    decoded: Any, mapper: LabelMapper, *, default_annotator: str | None = None
) -> ParsedImport:
    """Tasks → articles, annotations and predictions; ArticleImportError per bad task.

    ``default_annotator`` names annotations whose task names nobody (see
    ``_who``).
    """
    tasks = [decoded] if isinstance(decoded, dict) else decoded
    if not isinstance(tasks, list):
        raise ImportFormatError("Label Studio JSON must be a list of tasks.")
    parsed = ParsedImport(format="labelstudio", tool="labelstudio")
    errors: list[dict[str, Any]] = []
    cancelled = 0
    for index, task in enumerate(tasks):
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            errors.append(
                {
                    "index": index,
                    "errors": {"data": ["A Label Studio task needs a data object."]},
                }
            )
            parsed.articles.append({})
            continue
        parsed.articles.append(_article(task["data"]))
        cancelled += sum(
            1
            for a in task.get("annotations") or []
            if isinstance(a, dict) and a.get("was_cancelled")
        )
        item_errors = _annotations(task, index, mapper, parsed, default_annotator)
        item_errors += _predictions(task, index, mapper, parsed)
        if item_errors:
            errors.append({"index": index, "errors": {"annotations": item_errors}})
    if parsed.predictions_skipped and not errors:
        parsed.warnings.append(
            ID_ONLY_PREDICTIONS.format(count=parsed.predictions_skipped)
        )
    return finish(parsed, errors, cancelled)


def _article(data: dict[str, Any]) -> dict[str, Any]:
    """The article of a task's ``data``: other keys than the article's go to meta.

    ``meta.newsroom`` (what our own export says about the row) is not article meta.
    """
    meta = dict(data["meta"]) if isinstance(data.get("meta"), dict) else {}
    meta.pop(EXPORT_META_KEY, None)
    for key, value in data.items():
        if key not in ARTICLE_FIELDS:
            meta[key] = value
    article = {"text": data.get("text"), "meta": meta}
    for key in ("title", "language", "external_id"):
        if data.get(key) is not None:
            article[key] = data[key]
    return article


def _newsroom(task: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """``task.meta.newsroom[key]``: what our own export wrote (a list of objects)."""
    meta = task.get("meta")
    newsroom = meta.get(EXPORT_META_KEY) if isinstance(meta, dict) else None
    entries = newsroom.get(key) if isinstance(newsroom, dict) else None
    return [e for e in entries or [] if isinstance(e, dict)]


def _annotations(
    task: dict[str, Any],
    index: int,
    mapper: LabelMapper,
    parsed: ParsedImport,
    default_annotator: str | None,
) -> list[str]:
    """Add the task's annotations (cancelled ones skipped); return problems."""
    problems: list[str] = []
    known = {
        e["id"]: e
        for e in _newsroom(task, "annotations")
        if isinstance(e.get("id"), int) and isinstance(e.get("annotator"), str)
    }
    for annotation, spans, labels in _entries(
        task, "annotations", mapper, parsed, problems
    ):
        name, status = _who(annotation, known, default_annotator)
        lead_time = annotation.get("lead_time")
        if lead_time is not None and (
            not isinstance(lead_time, int | float)
            or isinstance(lead_time, bool)
            or not 0 <= lead_time < 10**9
        ):
            problems.append(f"lead_time {lead_time!r} is not a number of seconds")
            continue
        parsed.annotations.append(
            ImportedAnnotation(
                index=index,
                annotator=name,
                spans=spans,
                labels=labels,
                draft=status == "draft",
                lead_time_ms=round((lead_time or 0) * 1000),
            )
        )
    return problems


def _who(
    annotation: dict[str, Any],
    known: dict[int, dict[str, Any]],
    default_annotator: str | None,
) -> tuple[str, str | None]:
    """Who made an annotation, and the status our export recorded (if any).

    In order: our export's ``meta.newsroom.annotations`` entry for the annotation's
    ``import_id`` (Label Studio keeps our id there) or ``id``; ``completed_by``;
    the caller's ``default_annotator``; ``gold`` for an unattributed
    ``ground_truth`` annotation (our gold rows); ``unknown``.
    """
    for key in ("import_id", "id"):
        value = annotation.get(key)
        if isinstance(value, int) and value in known:
            return known[value]["annotator"], known[value].get("status")
    completed_by = annotation.get("completed_by")
    if completed_by in (None, "") and not default_annotator:
        return ("gold" if annotation.get("ground_truth") else "unknown"), None
    return annotator_name(completed_by, default_annotator), None


def _predictions(
    task: dict[str, Any], index: int, mapper: LabelMapper, parsed: ParsedImport
) -> list[str]:
    """Add the task's predictions (spans without a score take the prediction's).

    Ids instead of objects (Label Studio's default export) are counted as skipped.
    Our own export's ``meta.newsroom.predictions`` gives back pipeline, version,
    every choice's score and the evidence.
    """
    problems: list[str] = []
    entries = task.get("predictions") or []
    if isinstance(entries, list):
        ids = [e for e in entries if isinstance(e, int) and not isinstance(e, bool)]
        parsed.predictions_skipped += len(ids)
        if ids:
            task = {**task, "predictions": [e for e in entries if e not in ids]}
    ours = {
        e.get("model_version"): e
        for e in _newsroom(task, "predictions")
        if isinstance(e.get("pipeline"), str)
    }
    for prediction, spans, labels in _entries(
        task, "predictions", mapper, parsed, problems
    ):
        default = prediction.get("score")
        for span in spans:
            if not isinstance(span.get("score"), int | float):
                span["score"] = (
                    float(default) if isinstance(default, int | float) else 1.0
                )
        version = str(prediction.get("model_version") or "imported")
        detail = ours.get(prediction.get("model_version"), {})
        parsed.predictions.append(
            ImportedPrediction(
                index=index,
                pipeline=detail.get("pipeline", "labelstudio"),
                version=str(detail.get("pipeline_version", version)),
                spans=spans,
                labels=label_scores(detail.get("labels"), mapper) or labels,
                evidence=detail.get("evidence") or [],
            )
        )
    return problems


def _entries(
    task: dict[str, Any],
    key: str,
    mapper: LabelMapper,
    parsed: ParsedImport,
    problems: list[str],
) -> Iterator[tuple[dict[str, Any], list[dict], dict[str, Any]]]:
    """Each readable entry of ``task[key]`` with its spans and answers.

    Entries that are not objects or whose results cannot be read are named in
    ``problems``; cancelled annotations are skipped; predictions keep scores.
    """
    for number, entry in enumerate(task.get(key) or []):
        if not isinstance(entry, dict):
            problems.append(f"{key}[{number}] must be an object")
            continue
        if key == "annotations" and entry.get("was_cancelled"):
            continue
        spans, labels, problem = _results(
            entry.get("result", []), mapper, parsed, with_scores=key == "predictions"
        )
        if problem:
            problems.append(f"{key}[{number}]: {problem}")
            continue
        yield entry, spans, labels


def _results(
    results: Any, mapper: LabelMapper, parsed: ParsedImport, *, with_scores: bool
) -> Results:
    """Spans and answers of one Label Studio result list (or an error message)."""
    if not isinstance(results, list):
        return [], {}, "result must be a list"
    spans: list[dict] = []
    labels: dict[str, Any] = {}
    for result in results:
        if not isinstance(result, dict) or not isinstance(result.get("value"), dict):
            return [], {}, "every result needs a value object"
        value = result["value"]
        kind = result.get("type")
        if kind == "labels" or (kind is None and "labels" in value):
            problem = _span_result(result, mapper, spans, with_scores=with_scores)
        elif kind == "choices" or (kind is None and "choices" in value):
            problem = _choice_result(result, mapper, labels, with_scores=with_scores)
        else:
            parsed.ignored_results += 1
            problem = None
        if problem:
            return [], {}, problem
    return spans, labels, None


def _span_result(
    result: dict[str, Any], mapper: LabelMapper, spans: list[dict], *, with_scores: bool
) -> str | None:
    """Add one span per mapped label of a ``labels`` result (or name the problem)."""
    value = result["value"]
    names = value.get("labels")
    if not isinstance(names, list):
        return "a labels result needs value.labels as a list"
    for name in names:
        label = mapper.span(name)
        if label is None:
            continue
        span = {"start": value.get("start"), "end": value.get("end"), "label": label}
        if "text" in value:
            span["text"] = value["text"]
        if with_scores:
            span["score"] = result.get("score", value.get("score"))
        spans.append(span)
    return None


def _choice_result(
    result: dict[str, Any],
    mapper: LabelMapper,
    labels: dict[str, Any],
    *,
    with_scores: bool,
) -> str | None:
    """Record the mapped answers of a ``choices`` result (scores for predictions)."""
    choices = result["value"].get("choices")
    if not isinstance(choices, list):
        return "a choices result needs value.choices as a list"
    for choice in choices:
        mapped = mapper.choice(result.get("from_name"), choice)
        if mapped is None:
            continue
        question, key = mapped
        if with_scores:
            score = result.get("score")
            labels.setdefault(question, {})[key] = (
                float(score) if isinstance(score, int | float) else 1.0
            )
        else:
            add_answer(labels, mapper.scheme, question, key)
    return None
