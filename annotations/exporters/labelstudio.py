"""``labelstudio``: Label Studio's task JSON, a list streamed one task at a time.

One task per article; the rows of one article (one per annotator, or the gold row)
become its ``annotations``, so rows must arrive ordered by article id (``ValueError``
otherwise). ::

    {"id": <article id>,
     "data": {"text", "title", "external_id", "meta"},
     "meta": {"newsroom": {"article_id": <article id>,
                           "annotations": [{"id", "annotator", "status"}, ...]}},
     "annotations": [{"id": <annotation id>, "completed_by": null,
                      "ground_truth": <gold row>, "was_cancelled": <skipped>,
                      "result": [...]}]}

Label Studio's import (``TaskSerializerBulk``) accepts as ``completed_by`` only the
id or ``{"email": ...}`` of a member of its organisation, or nothing; anything else
refuses the whole file. So ``completed_by`` is ``null`` (Label Studio assigns the
importing user) and who annotated what travels in what Label Studio keeps as
imported: the annotation's ``id`` (stored as ``import_id``) and the task's ``meta``,
which lists ``{"id", "annotator", "status"}`` per annotator row
(``annotation_id``: a stable integer from article and annotator, below 2**53 so
browsers read it exactly). ``ground_truth`` is true for gold rows only (Label
Studio's import would default it to true); ``was_cancelled`` is true for skipped
annotations. ``label_config`` writes the labeling configuration these tasks fit.

Results: first the spans (sorted by start, end, label) as ``{"id", "from_name":
"label", "to_name": "text", "type": "labels", "value": {"start", "end", "text",
"labels": [label]}}``, then one choices result per answered question (scheme order,
unknown questions after, sorted) as ``{"id", "from_name": <question key>, "to_name":
"text", "type": "choices", "value": {"choices": [...]}}``. Offsets are code points, as
Label Studio stores them. Result ids are stable: the first 10 hex digits of a SHA-256
over article, annotator and the result's content (plus a counter for exact
duplicates).

Prediction rows (``source=predictions``) become the task's ``predictions``:
``{"model_version": "<pipeline>@<version>", "score": <mean of the results'
scores>, "result": [...]}``, span results with their ``score``, one choices
result per question with its best choice and that choice's score; Label Studio
holds one score per result, so the score of every choice, the pipeline, the version
and the evidence go to ``meta.newsroom.predictions`` (our importer reads them back).

Output layout: ``[`` then one task per line separated by ``,``, then ``]``.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Iterator
from typing import Any, Final
from xml.sax.saxutils import quoteattr

from .base import (
    ExportOptions,
    StreamingExporter,
    answered,
    canonical,
    check_row,
    describe_row,
    dumps,
    sorted_spans,
)
from .rows import ExportPrediction, ExportRow, ExportScheme

FROM_NAME_SPANS = "label"
TO_NAME = "text"
#: Annotation ids stay below 2**53: Label Studio's frontend reads JSON numbers as doubles.
_ANNOTATION_ID_BITS: Final = 48


def result_id(*parts: object) -> str:
    joined = "\x1f".join(map(str, parts))
    return hashlib.sha256(joined.encode()).hexdigest()[:10]


def annotation_id(row: ExportRow) -> int:
    """A positive integer that names (article, annotator) the same in every export."""
    owner = "\x00gold" if row.annotator is None else row.annotator
    digest = hashlib.sha256(f"{row.article_id}\x1f{owner}".encode()).digest()
    return int.from_bytes(digest[: _ANNOTATION_ID_BITS // 8], "big") + 1


def model_version(prediction: ExportPrediction) -> str:
    """Label Studio's ``model_version`` of a prediction row: ``pipeline@version``."""
    return f"{prediction.pipeline}@{prediction.version}"


def results(row: ExportRow, scheme: ExportScheme) -> list[dict[str, Any]]:
    """The span and choices results of a row (with ``score`` for predictions)."""
    owner = "" if row.annotator is None else row.annotator
    if row.prediction is not None:
        owner = model_version(row.prediction)
    scores = row.prediction.label_scores if row.prediction is not None else {}
    results: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], int] = {}
    for span in sorted_spans(row):
        key = ("span", span.start, span.end, span.label)
        seen[key] = seen.get(key, 0) + 1
        result = {
            "id": result_id(row.article_id, owner, *key, seen[key]),
            "from_name": FROM_NAME_SPANS,
            "to_name": TO_NAME,
            "type": "labels",
            "value": {
                "start": span.start,
                "end": span.end,
                "text": span.text,
                "labels": [span.label],
            },
        }
        if span.score is not None:
            result["score"] = span.score
        results.append(result)
    for key, choices in answered(row, scheme):
        result = {
            "id": result_id(row.article_id, owner, "choices", key),
            "from_name": key,
            "to_name": TO_NAME,
            "type": "choices",
            "value": {"choices": choices},
        }
        chosen = [scores.get(key, {}).get(choice) for choice in choices]
        if chosen and all(isinstance(score, int | float) for score in chosen):
            result["score"] = min(chosen)
        results.append(result)
    return results


def annotation(row: ExportRow, scheme: ExportScheme) -> dict[str, Any]:
    return {
        "id": annotation_id(row),
        "completed_by": None,
        "ground_truth": row.annotator is None,
        "was_cancelled": row.status == "skipped",
        "result": results(row, scheme),
    }


def prediction(row: ExportRow, scheme: ExportScheme) -> dict[str, Any]:
    """A Label Studio prediction: ``score`` is the mean of its results' scores."""
    if row.prediction is None:
        raise ValueError(f"{describe_row(row)}: not a prediction row")
    items = results(row, scheme)
    scores = [r["score"] for r in items if "score" in r]
    return {
        "model_version": model_version(row.prediction),
        "score": sum(scores) / len(scores) if scores else None,
        "result": items,
    }


def task_meta(rows: list[ExportRow]) -> dict[str, Any]:
    """``meta.newsroom``: the article id, who made each annotation (by its id) and
    what Label Studio's predictions cannot hold (pipeline, version, the score of
    every choice, the evidence)."""
    newsroom: dict[str, Any] = {"article_id": rows[0].article_id}
    annotators = [
        {"id": annotation_id(row), "annotator": row.annotator, "status": row.status}
        for row in rows
        if row.annotator is not None
    ]
    if annotators:
        newsroom["annotations"] = annotators
    predictions = [
        {
            "model_version": model_version(row.prediction),
            "pipeline": row.prediction.pipeline,
            "pipeline_version": row.prediction.version,
            "labels": row.prediction.label_scores,
            "evidence": row.prediction.evidence,
        }
        for row in rows
        if row.prediction is not None
    ]
    if predictions:
        newsroom["predictions"] = predictions
    return {"newsroom": newsroom}


def label_config(scheme: ExportScheme) -> str:
    """The Label Studio labeling configuration (XML) the exported tasks fit."""
    lines = [
        "<View>",
        '  <Header value="$title"/>',
        f'  <Labels name="{FROM_NAME_SPANS}" toName="{TO_NAME}">',
        *(f"    <Label value={quoteattr(label)}/>" for label in scheme.span_labels),
        "  </Labels>",
        f'  <Text name="{TO_NAME}" value="$text"/>',
    ]
    for question in scheme.questions:
        choice = "multiple" if question.multiple else "single"
        lines.append(
            f"  <Choices name={quoteattr(question.key)} "
            f'toName="{TO_NAME}" choice="{choice}">'
        )
        lines += [f"    <Choice value={quoteattr(key)}/>" for key in question.choices]
        lines.append("  </Choices>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"


class LabelStudioExporter(StreamingExporter):
    name = "labelstudio"
    extension = ".json"
    media_type = "application/json"

    def pieces(
        self, rows: Iterable[ExportRow], options: ExportOptions
    ) -> Iterator[str]:
        previous: int | None = None
        first = True
        yield "["
        for article_id, group in itertools.groupby(
            rows, key=lambda row: row.article_id
        ):
            if previous is not None and article_id <= previous:
                raise ValueError(
                    f"article {article_id}: rows must be ordered by article id "
                    f"(came after article {previous})"
                )
            previous = article_id
            yield ("\n" if first else ",\n") + self.task(list(group), options.scheme)
            first = False
        yield "]\n" if first else "\n]\n"

    def task(self, rows: list[ExportRow], scheme: ExportScheme) -> str:
        head = rows[0]
        for row in rows:
            check_row(row)
            if (row.text, row.title, row.external_id) != (
                head.text,
                head.title,
                head.external_id,
            ):
                raise ValueError(
                    f"{describe_row(row)}: rows of one article disagree on text, title "
                    "or external_id"
                )
        obj = {
            "id": head.article_id,
            "data": {
                "text": head.text,
                "title": head.title,
                "external_id": head.external_id,
                "meta": canonical(head.meta),
            },
            "meta": task_meta(rows),
            "annotations": [
                annotation(row, scheme) for row in rows if row.prediction is None
            ],
        }
        if any(row.prediction is not None for row in rows):
            obj["predictions"] = [
                prediction(row, scheme) for row in rows if row.prediction is not None
            ]
        return dumps(obj, head)
