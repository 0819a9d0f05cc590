"""labelstudio: one task per article, annotations grouped, code-point offsets kept."""

from __future__ import annotations

import dataclasses
import io
import json
from xml.etree import ElementTree

import pytest

from annotations.exporters import get_exporter, labelstudio


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
    """Gold rows become tasks with one ground-truth annotation each."""
    golden("gold.labelstudio.json", export(gold_example.rows, gold_example))


def test_rows_of_one_article_are_grouped_into_one_task(annotation_example):
    """Two annotators on article 101 give one task with two annotations."""
    tasks = json.loads(export(annotation_example.rows, annotation_example))
    assert [task["id"] for task in tasks] == [101, 102]
    assert [len(task["annotations"]) for task in tasks] == [2, 1]
    assert set(tasks[0]) == {"id", "data", "meta", "annotations"}
    assert set(tasks[0]["data"]) == {"text", "title", "external_id", "meta"}


def test_completed_by_is_null_and_annotators_travel_in_task_meta(annotation_example):
    """Label Studio refuses usernames in completed_by: null, plus id -> annotator."""
    tasks = json.loads(export(annotation_example.rows, annotation_example))
    for task in tasks:
        assert {a["completed_by"] for a in task["annotations"]} == {None}
    first, second = tasks
    who = {
        entry["id"]: (entry["annotator"], entry["status"])
        for entry in first["meta"]["newsroom"]["annotations"]
    }
    assert [who[a["id"]] for a in first["annotations"]] == [
        ("annotator-1", "submitted"),
        ("annotator-2", "submitted"),
    ]
    assert first["meta"]["newsroom"]["article_id"] == 101
    assert second["meta"]["newsroom"]["annotations"] == [
        {
            "id": second["annotations"][0]["id"],
            "annotator": "annotator-1",
            "status": "draft",
        }
    ]


def test_annotation_ids_are_stable_positive_and_exact_in_a_browser(annotation_example):
    """Ids depend on article and annotator only, are distinct, and stay below 2**53."""
    rows = annotation_example.rows
    ids = [labelstudio.annotation_id(row) for row in rows]
    assert len(set(ids)) == len(ids)
    assert all(0 < value < 2**53 for value in ids)
    moved = dataclasses.replace(rows[0], spans=(), labels={})
    assert labelstudio.annotation_id(moved) == ids[0]
    renamed = dataclasses.replace(rows[0], annotator="someone-else")
    assert labelstudio.annotation_id(renamed) != ids[0]


def test_ground_truth_only_for_gold_and_skipped_is_cancelled(
    gold_example, annotation_example
):
    """Label Studio would default ground_truth to true: it is set explicitly."""
    gold = json.loads(export(gold_example.rows, gold_example))
    assert {a["ground_truth"] for t in gold for a in t["annotations"]} == {True}
    assert all("annotations" not in t["meta"]["newsroom"] for t in gold)
    rows = list(annotation_example.rows)
    rows[2] = dataclasses.replace(rows[2], status="skipped")
    tasks = json.loads(export(rows, annotation_example))
    flags = [
        (a["ground_truth"], a["was_cancelled"]) for t in tasks for a in t["annotations"]
    ]
    assert flags == [(False, False), (False, False), (False, True)]


def test_label_config_names_every_label_and_question(annotation_example):
    """The XML has the span labels, one Choices per question, and escapes values."""
    scheme = dataclasses.replace(
        annotation_example.scheme,
        span_labels=(*annotation_example.scheme.span_labels, 'A&B"<'),
    )
    config = ElementTree.fromstring(labelstudio.label_config(scheme))  # noqa: S314 - ours
    labels = config.find("Labels")
    assert (labels.get("name"), labels.get("toName")) == ("label", "text")
    assert [label.get("value") for label in labels] == list(scheme.span_labels)
    choices = {c.get("name"): c for c in config.findall("Choices")}
    assert list(choices) == [q.key for q in scheme.questions]
    for question in scheme.questions:
        element = choices[question.key]
        assert [c.get("value") for c in element] == list(question.choices)
        assert element.get("choice") == ("multiple" if question.multiple else "single")
    assert config.find("Text").get("value") == "$text"


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


def test_label_config_of_the_gold_example_matches_golden_file(gold_example, golden):
    """examples/gold.labelstudio.xml: the project configuration the tasks fit."""
    golden(
        "gold.labelstudio.xml", labelstudio.label_config(gold_example.scheme).encode()
    )
