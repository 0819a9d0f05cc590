"""``doccano``: the JSONL that doccano's own import reads, one line per row.

doccano reads the columns of its project type and keeps every other key of a line as
the example's metadata (and writes it back on its own export), so each line carries
the spans and the document labels, under the keys of the chosen ``task``:

==========================  ===============  ================  ====================
``task`` (doccano project)  spans            document labels   read by doccano
==========================  ===============  ================  ====================
``sequence_labeling``       ``label``        ``cats``          spans
``intent_detection``        ``entities``     ``cats``          spans and labels
``text_classification``     ``entities``     ``label``         labels
==========================  ===============  ================  ====================

Keys in this order: ``text``, the spans as ``[start, end, label]`` (sorted by start,
end, label), the document labels as ``"question:choice"`` strings (questions in scheme
order, unknown ones after, sorted; one string per choice of a multiple-choice
question), then ``id`` (article id), ``external_id``, ``title``, ``language``,
``meta`` (the article's metadata) and, for annotation rows, ``annotator`` and
``status``. Offsets are code points into ``text``, as doccano's Python import stores
them. UTF-8, no ``\\u`` escapes, ``\\n`` line ends (U+2028 and friends stay raw inside
strings, which JSON allows and doccano's line reader does not split on).

Prediction rows (``source=predictions``) load into doccano as pre-annotations to
review: spans and the best choice per question as above, and as metadata
``pipeline``, ``pipeline_version``, ``span_scores`` (one per span, in the spans'
order), ``label_scores`` (``{question: {choice: score}}``) and ``evidence``.

What doccano does with it is set in its project: overlapping spans survive only with
"Allow overlapping spans", several document labels only without "exclusive
categories"; the importing user becomes the annotator (``annotator`` stays in the
example's metadata).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Final

from .base import (
    ExportOptions,
    StreamingExporter,
    answered,
    canonical,
    check_row,
    describe_row,
    dumps,
    provenance,
    sorted_spans,
)
from .rows import ExportRow, ExportScheme

#: doccano project type -> (key of the spans, key of the document labels).
TASK_KEYS: Final[dict[str, tuple[str, str]]] = {
    "sequence_labeling": ("label", "cats"),
    "intent_detection": ("entities", "cats"),
    "text_classification": ("entities", "label"),
}


def document_labels(row: ExportRow, scheme: ExportScheme) -> list[str]:
    """``question:choice`` strings; a question key holding ``:`` would not parse back."""
    result: list[str] = []
    for key, choices in answered(row, scheme):
        for choice in choices:
            if not isinstance(choice, str) or not choice or ":" in key:
                raise ValueError(
                    f"{describe_row(row)}: label {key!r}={row.labels[key]!r} cannot "
                    "be written as 'question:choice' (choices must be non-empty "
                    "strings, question keys without ':')"
                )
            result.append(f"{key}:{choice}")
    return result


def line_object(row: ExportRow, scheme: ExportScheme, task: str) -> dict[str, Any]:
    spans_key, labels_key = TASK_KEYS[task]
    obj: dict[str, Any] = {
        "text": row.text,
        spans_key: [[span.start, span.end, span.label] for span in sorted_spans(row)],
        labels_key: document_labels(row, scheme),
        "id": row.article_id,
        "external_id": row.external_id,
        "title": row.title,
        "language": row.language,
        "meta": canonical(row.meta),
    }
    obj.update(provenance(row))
    if row.prediction is not None:
        obj["span_scores"] = [span.score for span in sorted_spans(row)]
    return obj


class DoccanoExporter(StreamingExporter):
    name = "doccano"
    extension = ".jsonl"
    media_type = "application/x-ndjson"

    def __init__(self, *, task: str = "sequence_labeling") -> None:
        if task not in TASK_KEYS:
            raise ValueError(
                f"doccano task must be one of {', '.join(TASK_KEYS)}, got {task!r}"
            )
        self.task = task

    def pieces(
        self, rows: Iterable[ExportRow], options: ExportOptions
    ) -> Iterator[str]:
        for row in rows:
            check_row(row)
            yield dumps(line_object(row, options.scheme, self.task), row) + "\n"
