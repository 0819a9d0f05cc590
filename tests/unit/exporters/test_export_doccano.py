"""doccano: JSONL with [start, end, label] spans and question:choice document labels."""

from __future__ import annotations

import dataclasses
import io
import json

import pytest

from annotations.exporters import get_exporter


def export(rows, example, **options) -> bytes:
    sink = io.BytesIO()
    get_exporter("doccano", **options).write(rows, sink, **example.options)
    return sink.getvalue()


def lines(data: bytes) -> list[dict]:
    text = data.decode("utf-8")
    assert text.endswith("\n")
    return [json.loads(line) for line in text.split("\n")[:-1]]


def test_gold_example_matches_golden_file(gold_example, golden):
    """The gold example exports to examples/gold.doccano.jsonl byte for byte."""
    golden("gold.doccano.jsonl", export(gold_example.rows, gold_example))


def test_annotation_example_matches_golden_file(annotation_example, golden):
    """Annotation rows add annotator and status."""
    golden(
        "annotations.doccano.jsonl",
        export(annotation_example.rows, annotation_example),
    )


def test_sequence_labeling_lines_have_label_spans_and_cats(gold_example):
    """Default task: spans under 'label' as [start, end, label], answers under 'cats'."""
    first, *_ = lines(export(gold_example.rows, gold_example))
    row = gold_example.rows[0]
    assert list(first)[:3] == ["text", "label", "cats"]
    assert first["text"] == row.text
    assert first["label"] == sorted([s.start, s.end, s.label] for s in row.spans)
    for start, end, _label in first["label"]:
        assert row.text[start:end] in {s.text for s in row.spans}
    assert first["cats"] == [
        "sentiment:very_negative",
        "bias:biased",
        "opinion:somewhat_opinionated",
    ]
    assert (first["id"], first["external_id"]) == (101, "reuters-0001")
    assert "annotator" not in first


@pytest.mark.parametrize(
    ("task", "spans_key", "labels_key"),
    [
        ("sequence_labeling", "label", "cats"),
        ("intent_detection", "entities", "cats"),
        ("text_classification", "entities", "label"),
    ],
)
def test_each_doccano_task_reads_its_own_keys(
    gold_example, task, spans_key, labels_key
):
    """The project type decides which key holds what; nothing is left out."""
    objects = lines(export(gold_example.rows, gold_example, task=task))
    for obj, row in zip(objects, gold_example.rows, strict=True):
        assert {tuple(span) for span in obj[spans_key]} == {
            (s.start, s.end, s.label) for s in row.spans
        }
        assert all(isinstance(label, str) for label in obj[labels_key])
        assert len(obj) == 8


def test_unknown_task_is_refused():
    """Only the three doccano project types that read text labels are known."""
    with pytest.raises(ValueError, match="sequence_labeling, intent_detection"):
        get_exporter("doccano", task="relation_extraction")


def test_multiple_choice_answers_become_one_label_each(gold_example):
    """A list of choices gives one question:choice string per choice, in given order."""
    row = dataclasses.replace(
        gold_example.rows[3], labels={"topic": ["rates", "m_a"], "sentiment": "neutral"}
    )
    (obj,) = lines(export([row], gold_example))
    assert obj["cats"] == ["sentiment:neutral", "topic:rates", "topic:m_a"]


@pytest.mark.parametrize(
    "labels", [{"a:b": "x"}, {"sentiment": ""}, {"sentiment": ["ok", 3]}]
)
def test_labels_that_would_not_parse_back_are_refused(gold_example, labels):
    """A ':' in a question key or a non-string/empty choice raises naming the article."""
    row = dataclasses.replace(gold_example.rows[3], labels=labels)
    with pytest.raises(ValueError, match=r"article 104.*question:choice"):
        export([row], gold_example)


def test_annotation_rows_carry_annotator_and_status(annotation_example):
    """Who annotated stays in the line (doccano keeps it as metadata)."""
    objects = lines(export(annotation_example.rows, annotation_example))
    assert [(o["id"], o["annotator"], o["status"]) for o in objects] == [
        (101, "annotator-1", "submitted"),
        (101, "annotator-2", "submitted"),
        (102, "annotator-1", "draft"),
    ]


def test_unicode_line_separators_stay_raw_inside_one_line(gold_example):
    """U+2028, U+2029 and U+0085 are legal raw in JSON strings: one line per row."""
    text = "Siemens\u2028rose\u2029 and\u0085BASF fell."
    row = dataclasses.replace(
        gold_example.rows[3], text=text, spans=(), labels={}, title="t\u2028t"
    )
    data = export([row, row], gold_example)
    assert data.count(b"\n") == 2
    assert "\u2028".encode() in data
    assert [obj["text"] for obj in lines(data)] == [text, text]


def test_same_rows_twice_give_identical_bytes(gold_example, make_articles):
    """Deterministic output."""
    rows = gold_example.rows + make_articles(20)
    assert export(rows, gold_example) == export(list(rows), gold_example)
