"""Round trips of ``hf`` and ``jsonl`` through Hugging Face ``datasets`` (Arrow's reader).

Both are loaded with ``datasets.load_dataset("json", ...)``, which parses every line
with Arrow's JSON reader: raw U+2028/U+2029/U+0085 inside strings must not split a
row. Every span (start, end, text, label) and every answer comes back; for ``hf`` the
``tokens``/``ner_tags`` columns also give back the flat spans.
"""

from __future__ import annotations

import datasets
import pytest

from tests.unit.exporters.nasty import (
    CORPORA,
    answers,
    export,
    load_hf_archive,
    spans_from_bio,
)


def key(record) -> tuple:
    return (record["id"], record["annotator"])


def span_set(spans) -> frozenset:
    return frozenset((s["start"], s["end"], s["label"], s["text"]) for s in spans)


@pytest.mark.parametrize("corpus", CORPORA)
def test_hf_archive_loads_with_every_span_and_answer(tmp_path, corpus):
    """text, spans (all), tokens + ner_tags (flat) and one column per question."""
    nasty = CORPORA[corpus]()
    loaded = load_hf_archive(export("hf", nasty), tmp_path)
    names = loaded[next(iter(loaded))].features["ner_tags"].feature.names
    records = {key(r): r for split in loaded.values() for r in split}
    assert len(records) == len(nasty)
    for item in nasty:
        record = records[(item.row.article_id, item.row.annotator)]
        assert record["text"] == item.row.text
        assert record["title"] == item.row.title
        assert record["external_id"] == item.row.external_id
        assert span_set(record["spans"]) == item.all_spans
        tags = [names[tag] for tag in record["ner_tags"]]
        assert spans_from_bio(item.row.text, record["tokens"], tags) == item.flat
        expected = answers(item.row)
        assert record["sentiment"] == expected.get("sentiment", [None])[0]
        assert record["topic"] == expected.get("topic", [])


@pytest.mark.parametrize("corpus", CORPORA)
def test_jsonl_loads_in_datasets_with_every_span_and_answer(tmp_path, corpus):
    """One row per line even with raw line separators inside strings."""
    nasty = CORPORA[corpus]()
    path = tmp_path / "export.jsonl"
    path.write_bytes(export("jsonl", nasty))
    loaded = datasets.load_dataset(
        "json", data_files=str(path), cache_dir=str(tmp_path / "cache")
    )["train"]
    assert loaded.num_rows == len(nasty)
    for record, item in zip(loaded, nasty, strict=True):
        row = item.row
        assert (record["id"], record["text"], record["title"]) == (
            row.article_id,
            row.text,
            row.title,
        )
        assert span_set(record["spans"]) == item.all_spans
        labels = {k: v for k, v in record["labels"].items() if v is not None}
        assert {k: [v] if isinstance(v, str) else v for k, v in labels.items()} == (
            answers(row)
        )
        assert record["meta"] == row.meta
        assert record.get("annotator") == row.annotator
