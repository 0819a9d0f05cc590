"""jsonl: golden files, fixed key order, determinism, flat memory on 100,000 rows."""

from __future__ import annotations

import dataclasses
import io
import json
import tracemalloc

import pytest

from annotations.exporters import get_exporter

GOLD_KEYS = [
    "id",
    "external_id",
    "language",
    "title",
    "text",
    "spans",
    "labels",
    "meta",
    "split",
    "guideline_version",
]


def export(rows, example, **overrides) -> bytes:
    sink = io.BytesIO()
    get_exporter("jsonl").write(rows, sink, **{**example.options, **overrides})
    return sink.getvalue()


def test_gold_example_matches_golden_file(gold_example, golden):
    """The gold example exports to examples/gold.jsonl byte for byte."""
    golden("gold.jsonl", export(gold_example.rows, gold_example))


def test_annotation_example_matches_golden_file(annotation_example, golden):
    """The per-annotation example exports to examples/annotations.jsonl."""
    golden("annotations.jsonl", export(annotation_example.rows, annotation_example))


def test_gold_lines_have_the_contract_keys_in_fixed_order(gold_example):
    """One line per row; keys in contract order; no annotator/status for gold rows."""
    lines = export(gold_example.rows, gold_example).decode().split("\n")
    assert lines[-1] == ""
    objects = [json.loads(line) for line in lines[:-1]]
    assert len(objects) == len(gold_example.rows)
    for obj in objects:
        assert list(obj) == GOLD_KEYS
        assert obj["split"] in {"train", "dev", "test"}
    assert [obj["split"] for obj in objects] == ["train", "test", "dev", "train"]


def test_annotation_lines_add_annotator_and_status(annotation_example):
    """Rows with an annotator carry ``annotator`` and ``status`` last."""
    lines = export(annotation_example.rows, annotation_example).decode().splitlines()
    objects = [json.loads(line) for line in lines]
    assert [list(obj)[-2:] for obj in objects] == [["annotator", "status"]] * 3
    assert [(obj["id"], obj["annotator"], obj["status"]) for obj in objects] == [
        (101, "annotator-1", "submitted"),
        (101, "annotator-2", "submitted"),
        (102, "annotator-1", "draft"),
    ]


def test_offsets_survive_the_round_trip(gold_example):
    """Every exported span satisfies text[start:end] == span text (emoji, CRLF, accents)."""
    for line in export(gold_example.rows, gold_example).decode().splitlines():
        obj = json.loads(line)
        for span in obj["spans"]:
            assert obj["text"][span["start"] : span["end"]] == span["text"]
    raw = export(gold_example.rows, gold_example)
    assert "😀".encode() in raw  # UTF-8, not \\u escapes
    assert b"\\r\\n" in raw  # CRLF kept (escaped inside the JSON string)


def test_spans_sorted_and_nested_keys_sorted(gold_example):
    """Spans come by start, end, label whatever the input order; dict keys are sorted."""
    row = gold_example.rows[0]
    shuffled = dataclasses.replace(
        row,
        spans=tuple(reversed(row.spans)),
        labels=dict(reversed(list(row.labels.items()))),
        meta={"z": 1, "a": {"y": 1, "b": 2}},
    )
    obj = json.loads(export([shuffled], gold_example))
    starts = [(s["start"], s["end"], s["label"]) for s in obj["spans"]]
    assert starts == sorted(starts)
    assert list(obj["labels"]) == sorted(obj["labels"])
    assert json.dumps(obj["meta"]) == '{"a": {"b": 2, "y": 1}, "z": 1}'
    assert export([shuffled], gold_example) == export([row], gold_example).replace(
        b'"meta":{"published":"2025-03-01","source":"reuters"}',
        b'"meta":{"a":{"b":2,"y":1},"z":1}',
    )


def test_same_rows_twice_give_identical_bytes(gold_example, make_articles):
    """Exporting the same rows twice gives byte-identical output."""
    rows = gold_example.rows + make_articles(50)
    assert export(rows, gold_example) == export(list(rows), gold_example)


def test_split_from_the_selector_wins(gold_example):
    """A split set on the row is written as is."""
    rows = [dataclasses.replace(row, split="test") for row in gold_example.rows]
    for line in export(rows, gold_example).decode().splitlines():
        assert json.loads(line)["split"] == "test"


def test_nan_in_meta_is_refused_naming_the_article(gold_example):
    """NaN is not JSON: the exporter refuses it instead of writing invalid JSON."""
    row = dataclasses.replace(gold_example.rows[0], meta={"score": float("nan")})
    with pytest.raises(ValueError, match=r"article 101.*cannot write as JSON"):
        export([row], gold_example)


def test_streams_in_chunks_without_reading_all_rows_first(stream_rows, gold_example):
    """The first chunk arrives after a bounded number of rows has been read."""
    consumed = 0

    def counting():
        nonlocal consumed
        for row in stream_rows(100_000, 10):
            consumed += 1
            yield row

    chunks = get_exporter("jsonl").iter_bytes(counting(), scheme=gold_example.scheme)
    first = next(chunks)
    assert 64 * 1024 <= len(first) < 128 * 1024
    assert consumed < 1000


def test_memory_stays_flat_for_100000_rows(stream_rows, gold_example):
    """100,000 rows stream through a counting sink with a traced peak under 20 MB."""
    exporter = get_exporter("jsonl")
    total = 0
    lines = 0
    tracemalloc.start()
    try:
        for chunk in exporter.iter_bytes(
            stream_rows(100_000, 2), scheme=gold_example.scheme
        ):
            total += len(chunk)
            lines += chunk.count(b"\n")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert lines == 100_000
    assert total > 20 * 1024 * 1024  # the output itself is larger than the bound
    assert peak < 20 * 1024 * 1024
