"""Reading Label Studio task JSON (a list of tasks, or one task) into a ParsedImport.

Imported by ``importers.readers``; imports the package's plain types and label
mapper. No database access. The format is described in the package docstring.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from annotations.services.articles import ArticleImportError

from .labels import LabelMapper, add_answer, annotator_name
from .parsed import (
    ARTICLE_FIELDS,
    ImportedAnnotation,
    ImportedPrediction,
    ImportFormatError,
    ParsedImport,
)

Results = tuple[list[dict], dict[str, Any], str | None]


def parse_labelstudio(decoded: Any, mapper: LabelMapper) -> ParsedImport:
    """Tasks → articles, annotations and predictions; ArticleImportError per bad task."""
    tasks = [decoded] if isinstance(decoded, dict) else decoded
    if not isinstance(tasks, list):
        raise ImportFormatError("Label Studio JSON must be a list of tasks.")
    parsed = ParsedImport(format="labelstudio", tool="labelstudio")
    errors: list[dict[str, Any]] = []
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
        item_errors = _annotations(task, index, mapper, parsed)
        item_errors += _predictions(task, index, mapper, parsed)
        if item_errors:
            errors.append({"index": index, "errors": {"annotations": item_errors}})
    if errors:
        raise ArticleImportError(errors)
    return parsed


def _article(data: dict[str, Any]) -> dict[str, Any]:
    """The article of a task's ``data``: other keys than the article's go to meta."""
    meta = dict(data["meta"]) if isinstance(data.get("meta"), dict) else {}
    for key, value in data.items():
        if key not in ARTICLE_FIELDS:
            meta[key] = value
    article = {"text": data.get("text"), "meta": meta}
    for key in ("title", "language", "external_id"):
        if data.get(key) is not None:
            article[key] = data[key]
    return article


def _annotations(
    task: dict[str, Any], index: int, mapper: LabelMapper, parsed: ParsedImport
) -> list[str]:
    """Add the task's annotations (cancelled ones skipped); return problems."""
    problems: list[str] = []
    for annotation, spans, labels in _entries(
        task, "annotations", mapper, parsed, problems
    ):
        parsed.annotations.append(
            ImportedAnnotation(
                index=index,
                annotator=annotator_name(annotation.get("completed_by")),
                spans=spans,
                labels=labels,
            )
        )
    return problems


def _predictions(
    task: dict[str, Any], index: int, mapper: LabelMapper, parsed: ParsedImport
) -> list[str]:
    """Add the task's predictions (spans without a score take the prediction's)."""
    problems: list[str] = []
    for prediction, spans, labels in _entries(
        task, "predictions", mapper, parsed, problems
    ):
        default = prediction.get("score")
        for span in spans:
            if not isinstance(span.get("score"), int | float):
                span["score"] = (
                    float(default) if isinstance(default, int | float) else 1.0
                )
        parsed.predictions.append(
            ImportedPrediction(
                index=index,
                version=str(prediction.get("model_version") or "imported"),
                spans=spans,
                labels=labels,
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
