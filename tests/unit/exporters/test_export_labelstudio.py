"""labelstudio: one task per article, annotations grouped, code-point offsets kept."""

from __future__ import annotations

import dataclasses
import io
import json

import pytest

from annotations.exporters import get_exporter


def export(rows, example) -> bytes:
    sink = io.BytesIO()
    get_exporter("labelstudio").write(rows, sink, **example.options)
    return sink.getvalue()


def test_annotation_example_matches_golden_file(annotation_example, golden):
    """The annotation example exports to examples/annotations.labelstudio.json."""
    golden(
        "annotations.labelstudio.json",
        export(annotation_example.rows, annotation_example),
    )


def test_gold_example_matches_golden_file(gold_example, golden):
    """Gold rows become tasks with one annotation each (completed_by null)."""
    golden("gold.labelstudio.json", export(gold_example.rows, gold_example))


def test_rows_of_one_article_are_grouped_into_one_task(annotation_example):
    """Two annotators on article 101 give one task with two annotations."""
    tasks = json.loads(export(annotation_example.rows, annotation_example))
    assert [task["id"] for task in tasks] == [101, 102]
    assert [a["completed_by"] for a in tasks[0]["annotations"]] == [
        "annotator-1",
        "annotator-2",
    ]
    assert [a["completed_by"] for a in tasks[1]["annotations"]] == ["annotator-1"]
    assert set(tasks[0]) == {"id", "data", "annotations"}
    assert set(tasks[0]["data"]) == {"text", "title", "external_id", "meta"}


def test_span_and_choice_results(annotation_example):
    """Span results use from_name 'label'; each answered question is a choices result."""
    tasks = json.loads(export(annotation_example.rows, annotation_example))
    result = tasks[0]["annotations"][1]["result"]
    spans = [r for r in result if r["type"] == "labels"]
    choices = [r for r in result if r["type"] == "choices"]
    assert [(r["value"]["text"], r["value"]["labels"]) for r in spans] == [
        ("Siemens AG", ["ORG"]),
        ("bloodbath", ["LOADED"]),
        ("Morgan Stanley", ["ORG"]),
    ]
    assert {(r["from_name"], r["to_name"]) for r in spans} == {("label", "text")}
    assert [(r["from_name"], r["value"]["choices"]) for r in choices] == [
        ("sentiment", ["negative"]),
        ("bias", ["biased"]),
        ("opinion", ["factual"]),
    ]
    assert {r["to_name"] for r in choices} == {"text"}


def test_offsets_are_preserved_as_code_points(gold_example):
    """Every span result satisfies text[start:end] == value.text (emoji, CRLF, accent)."""
    tasks = json.loads(export(gold_example.rows, gold_example))
    rows = {row.article_id: row for row in gold_example.rows}
    for task in tasks:
        text = task["data"]["text"]
        assert text == rows[task["id"]].text
        expected = {(s.start, s.end, s.label) for s in rows[task["id"]].spans}
        found = set()
        for result in task["annotations"][0]["result"]:
            if result["type"] != "labels":
                continue
            value = result["value"]
            assert text[value["start"] : value["end"]] == value["text"]
            found.add((value["start"], value["end"], value["labels"][0]))
        assert found == expected
    tesla = next(task for task in tasks if task["id"] == 102)
    money = next(
        r["value"]
        for r in tesla["annotations"][0]["result"]
        if r["value"].get("text") == "$245.10"
    )
    assert (money["start"], money["end"]) == (39, 46)  # UTF-16 would say 40, 47


def test_result_ids_are_stable_and_unique(annotation_example):
    """Ids do not change between exports and are unique within a task."""
    first = json.loads(export(annotation_example.rows, annotation_example))
    second = json.loads(export(list(annotation_example.rows), annotation_example))
    assert first == second
    for task in first:
        ids = [r["id"] for a in task["annotations"] for r in a["result"]]
        assert len(ids) == len(set(ids))
        assert all(len(i) == 10 for i in ids)


def test_rows_out_of_article_order_are_refused(annotation_example):
    """A task cannot be split in two: rows must come ordered by article id."""
    rows = annotation_example.rows
    shuffled = [rows[0], rows[2], rows[1]]
    with pytest.raises(ValueError, match="ordered by article id"):
        export(shuffled, annotation_example)


def test_rows_of_one_article_must_agree_on_the_text(annotation_example):
    """Annotations of one article that disagree on its text are refused."""
    rows = list(annotation_example.rows)
    rows[1] = dataclasses.replace(rows[1], text=rows[1].text + " ", spans=())
    with pytest.raises(ValueError, match=r"article 101.*disagree"):
        export(rows, annotation_example)


def test_empty_export_is_an_empty_json_list(gold_example):
    """No rows: a valid empty list."""
    assert export([], gold_example) == b"[]\n"
    assert json.loads(export([], gold_example)) == []


def test_streams_one_task_per_line(annotation_example):
    """The array is written one task per line, so it streams without holding all tasks."""
    lines = export(annotation_example.rows, annotation_example).decode().split("\n")
    assert lines[0] == "["
    assert lines[-2:] == ["]", ""]
    assert len(lines) == 2 + 2 + 1
