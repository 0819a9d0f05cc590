"""``hf``: ``train/dev/test.jsonl`` and ``dataset_info.json`` in a ``.tar.gz``.

Loadable with ``datasets.load_dataset("json", data_files={"train": ".../train.jsonl",
...})``; pass ``features=datasets.Features.from_dict(info["features"])`` to get
``ner_tags`` as ``ClassLabel`` names.

One JSON object per row, keys in this order: ``id``, ``external_id``, ``title``,
``text``, ``tokens``, ``ner_tags``, ``spans``, ``split``, ``guideline_version``,
``annotator``, ``status``, then one key per scheme question (the choice key, a list of
choice keys for multiple-choice questions; ``null`` / ``[]`` when unanswered).

- ``tokens``: spaCy blank tokenizer of ``scheme.language``, whitespace-only tokens
  left out.
- ``ner_tags``: indices into ``["O", "B-<label>", "I-<label>", ...]`` in
  ``scheme.span_labels`` order, IOB2 over the non-overlapping spans (picked
  longest-first as in the spacy format).
- ``spans``: every span with code-point offsets into ``text``, overlapping ones
  included.

Prediction rows (``source=predictions``) add a ``score`` to each span and the
columns ``pipeline``, ``pipeline_version`` and ``label_scores`` (``{question:
{choice: score or null}}`` over the scheme); the question columns hold the best
choice. The evidence is not carried (use ``jsonl``).

A span label outside ``scheme.span_labels``, or document labels the scheme does not
know, raise ``ValueError`` naming the article. Question keys may not clash with the
fixed keys.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any, Final

from .archive import DeterministicTar
from .base import (
    Exporter,
    ExportOptions,
    check_labels,
    check_row,
    describe_row,
    dumps,
    sorted_spans,
)
from .rows import ExportRow, ExportScheme
from .splits import SPLITS
from .tokens import (
    AlignmentReport,
    align_spans,
    bio_tags,
    blank_pipeline,
    pick_non_overlapping,
)

if TYPE_CHECKING:
    from spacy.language import Language

FIXED_KEYS: Final = (
    "id",
    "external_id",
    "title",
    "text",
    "tokens",
    "ner_tags",
    "spans",
    "split",
    "guideline_version",
    "annotator",
    "status",
    "pipeline",
    "pipeline_version",
    "label_scores",
)
_SPOOL_BYTES: Final = 4 * 1024 * 1024


def _value(dtype: str) -> dict[str, str]:
    return {"dtype": dtype, "_type": "Value"}


def _list(feature: dict[str, Any]) -> dict[str, Any]:
    return {"feature": feature, "_type": "List"}


def ner_label_names(scheme: ExportScheme) -> list[str]:
    names = ["O"]
    for label in scheme.span_labels:
        names += [f"B-{label}", f"I-{label}"]
    return names


def features(scheme: ExportScheme, *, predictions: bool = False) -> dict[str, Any]:
    """The ``datasets.Features.to_dict()`` shape (datasets >= 4: ``List`` type).

    ``predictions``: the columns of prediction rows (span ``score``, ``pipeline``,
    ``pipeline_version``, ``label_scores``) are added.
    """
    span = {
        "start": _value("int64"),
        "end": _value("int64"),
        "label": _value("string"),
        "text": _value("string"),
    }
    if predictions:
        span["score"] = _value("float64")
    result: dict[str, Any] = {
        "id": _value("int64"),
        "external_id": _value("string"),
        "title": _value("string"),
        "text": _value("string"),
        "tokens": _list(_value("string")),
        "ner_tags": _list({"names": ner_label_names(scheme), "_type": "ClassLabel"}),
        "spans": _list(span),
        "split": _value("string"),
        "guideline_version": _value("int64"),
        "annotator": _value("string"),
        "status": _value("string"),
    }
    for question in scheme.questions:
        result[question.key] = (
            _list(_value("string")) if question.multiple else _value("string")
        )
    if predictions:
        result["pipeline"] = _value("string")
        result["pipeline_version"] = _value("string")
        result["label_scores"] = {
            q.key: {choice: _value("float64") for choice in q.choices}
            for q in scheme.questions
        }
    return result


def check_scheme(scheme: ExportScheme) -> None:
    for question in scheme.questions:
        if question.key in FIXED_KEYS:
            raise ValueError(
                f"question key {question.key!r} clashes with a fixed hf column "
                f"({', '.join(FIXED_KEYS)})"
            )
    if len(set(scheme.span_labels)) != len(scheme.span_labels):
        raise ValueError(f"span labels are not unique: {scheme.span_labels!r}")


class HuggingFaceExporter(Exporter):
    name = "hf"
    extension = ".tar.gz"
    media_type = "application/gzip"

    def __init__(self, *, nlp: Language | None = None) -> None:
        self.nlp = nlp

    def record(
        self,
        row: ExportRow,
        *,
        scheme: ExportScheme,
        split: str,
        report: AlignmentReport,
    ) -> dict[str, Any]:
        tag_ids = {name: index for index, name in enumerate(ner_label_names(scheme))}
        spans = sorted_spans(row)
        for span in spans:
            if span.label not in scheme.span_labels:
                raise ValueError(
                    f"{describe_row(row)}: span label {span.label!r} is not in the "
                    f"scheme (span labels: {', '.join(scheme.span_labels) or 'none'})"
                )
        chosen = check_labels(row, scheme)
        nlp = self.nlp or blank_pipeline(scheme.language)
        doc = nlp.make_doc(row.text)
        aligned = align_spans(doc, spans, mode="expand", row=row, report=report)
        tags = bio_tags(doc, pick_non_overlapping(aligned))
        kept = [token for token in doc if not token.is_space]
        obj: dict[str, Any] = {
            "id": row.article_id,
            "external_id": row.external_id,
            "title": row.title,
            "text": row.text,
            "tokens": [token.text for token in kept],
            "ner_tags": [tag_ids[tags[token.i]] for token in kept],
            "spans": [span.to_dict() for span in spans],
            "split": split,
            "guideline_version": row.guideline_version,
            "annotator": row.annotator,
            "status": row.status,
        }
        for question in scheme.questions:
            answer = chosen.get(question.key)
            if question.multiple:
                obj[question.key] = answer or []
            else:
                obj[question.key] = answer[0] if answer else None
        if row.prediction is not None:
            scores = row.prediction.label_scores
            obj["pipeline"] = row.prediction.pipeline
            obj["pipeline_version"] = row.prediction.version
            obj["label_scores"] = {
                q.key: {c: scores.get(q.key, {}).get(c) for c in q.choices}
                for q in scheme.questions
            }
        return obj

    def write_to(
        self, rows: Iterable[ExportRow], fh: IO[bytes], options: ExportOptions
    ) -> None:
        scheme = options.scheme
        check_scheme(scheme)
        report = AlignmentReport(mode="expand")
        counts = dict.fromkeys(SPLITS, 0)
        predictions = False
        spools = {
            split: tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115
            for split in SPLITS
        }
        try:
            for row in rows:
                check_row(row)
                split = options.split_of(row)
                record = self.record(row, scheme=scheme, split=split, report=report)
                predictions = predictions or row.prediction is not None
                spools[split].write((dumps(record, row) + "\n").encode())
                counts[split] += 1
            info = {
                "builder_name": "json",
                "description": "newsroom export (format hf)",
                "features": features(scheme, predictions=predictions),
                "splits": {
                    split: {"name": split, "num_examples": counts[split]}
                    for split in SPLITS
                },
                "newsroom": {
                    "format": self.name,
                    "language": scheme.language,
                    "ner_label_names": ner_label_names(scheme),
                    "questions": {
                        q.key: {"choices": list(q.choices), "multiple": q.multiple}
                        for q in scheme.questions
                    },
                    "alignment": report.to_dict(),
                    "split": options.split_manifest(),
                },
            }
            with DeterministicTar(fh) as tar:
                for split in SPLITS:
                    spool = spools[split]
                    size = spool.tell()
                    spool.seek(0)
                    tar.add_file(f"{split}.jsonl", spool, size)
                tar.add_bytes(
                    "dataset_info.json",
                    (json.dumps(info, ensure_ascii=False, indent=2) + "\n").encode(),
                )
        finally:
            for spool in spools.values():
                spool.close()
