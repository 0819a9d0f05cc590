"""Round trip of ``doccano`` through the steps of doccano's own JSONL import.

doccano is a Django application, not a library, so its import (``data_import`` of
doccano 1.8) is followed step by step: the file is read line by line in text mode
(only ``\\n``/``\\r`` end a line), each line is ``json.loads``-ed, the project type's
columns become labels (a span is ``[start, end, label]`` with ``0 <= start < end``,
a category a non-empty string), the text must not be empty, and every other key is
kept as the example's ``meta`` (which doccano writes back on export). Every span,
answer and annotator comes back, under the project type's keys or in ``meta``.
"""

from __future__ import annotations

import json

import pytest

from annotations.exporters.doccano import TASK_KEYS
from tests.unit.exporters.nasty import CORPORA, answers, export

#: doccano project type -> (column read as spans or None, column read as categories).
READS = {
    "sequence_labeling": ("label", None),
    "intent_detection": ("entities", "cats"),
    "text_classification": (None, "label"),
}


def doccano_import(path, task: str) -> list[dict]:
    """Examples as doccano's import builds them: text, spans, categories, meta."""
    spans_column, categories_column = READS[task]
    examples = []
    with open(path, encoding="utf_8") as handle:
        for line in handle:
            record = json.loads(line.rstrip())
            text = record.pop("text")
            assert text, "doccano refuses an empty text"
            spans = record.pop(spans_column, []) if spans_column else []
            categories = record.pop(categories_column, []) if categories_column else []
            for start, end, label in spans:
                assert 0 <= start < end, (start, end)
                assert isinstance(label, str)
                assert label
            assert all(isinstance(c, str) and c for c in categories)
            examples.append(
                {"text": text, "spans": spans, "cats": categories, "meta": record}
            )
    return examples


def question_choice(row) -> list[str]:
    return sorted(f"{q}:{c}" for q, choices in answers(row).items() for c in choices)


@pytest.mark.parametrize("corpus", CORPORA)
@pytest.mark.parametrize("task", READS)
def test_doccano_import_keeps_every_span_answer_and_annotator(tmp_path, task, corpus):
    """What the project type reads is exact; the rest is in meta, equally exact."""
    nasty = CORPORA[corpus]()
    path = tmp_path / "export.jsonl"
    path.write_bytes(export("doccano", nasty, task=task))
    examples = doccano_import(path, task)
    assert len(examples) == len(nasty)
    spans_key, labels_key = TASK_KEYS[task]
    spans_read, categories_read = READS[task]
    for example, item in zip(examples, nasty, strict=True):
        row = item.row
        assert example["text"] == row.text
        spans = example["spans"] if spans_read else example["meta"][spans_key]
        text = example["text"]
        assert {(s, e, label, text[s:e]) for s, e, label in spans} == item.all_spans
        categories = example["cats"] if categories_read else example["meta"][labels_key]
        assert sorted(categories) == question_choice(row)
        meta = example["meta"]
        assert (meta["id"], meta["external_id"], meta["title"]) == (
            row.article_id,
            row.external_id,
            row.title,
        )
        assert meta["meta"] == row.meta
        assert meta.get("annotator") == row.annotator
