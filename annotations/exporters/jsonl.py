"""``jsonl``: one JSON object per line, one line per row (article or annotation).

Key order is fixed: ``id, external_id, language, title, text, spans, labels, meta,
split, guideline_version`` and, for annotation rows (``annotator`` not None),
``annotator, status``; for prediction rows (``source=predictions``) the spans carry
their ``score``, ``labels`` the best choice per question, and ``pipeline,
pipeline_version, label_scores`` (``{question: {choice: score}}``) and ``evidence``
follow. Spans are sorted by start, end, label; ``labels``, ``meta`` and
``label_scores`` keys are sorted. Compact separators, UTF-8 (no ``\\u`` escapes),
``\\n`` line ends.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .base import (
    ExportOptions,
    StreamingExporter,
    canonical,
    check_row,
    dumps,
    provenance,
    sorted_spans,
)
from .rows import ExportRow


def row_to_json(row: ExportRow, *, split: str) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "id": row.article_id,
        "external_id": row.external_id,
        "language": row.language,
        "title": row.title,
        "text": row.text,
        "spans": [span.to_dict() for span in sorted_spans(row)],
        "labels": canonical(row.labels),
        "meta": canonical(row.meta),
        "split": split,
        "guideline_version": row.guideline_version,
    }
    obj.update(provenance(row))
    return obj


class JsonlExporter(StreamingExporter):
    name = "jsonl"
    extension = ".jsonl"
    media_type = "application/x-ndjson"

    def pieces(
        self, rows: Iterable[ExportRow], options: ExportOptions
    ) -> Iterator[str]:
        for row in rows:
            check_row(row)
            split = options.split_of(row)
            yield dumps(row_to_json(row, split=split), row) + "\n"
