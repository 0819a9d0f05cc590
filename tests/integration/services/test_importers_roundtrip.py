"""export → import → export for every format we import, on the nasty corpus.

The corpus of ``tests/unit/exporters/nasty.py`` (umlauts, ZWJ emoji, combining
marks, CRLF, literal HTML, U+2028/U+2029/U+0085 inside texts and metadata, nested
spans, drafts) is exported as a project would export it, imported into a fresh
project and exported again: every span's start, end, text and label, every answer
and the annotator come back (an annotator ``X`` comes back as the imported user
``imported.<tool>.X``, and a second round trip changes nothing more). Gold rows come
back as the annotations of the annotator the import names.
"""

from __future__ import annotations

import dataclasses
import io
import json

import pytest

from annotations.exporters import ExportQuestion, get_exporter
from annotations.selectors.exports import ExportFilters
from annotations.services.exports import export_stream
from annotations.services.importers import import_data
from tests.factories import ProjectFactory
from tests.unit.exporters import nasty

pytestmark = pytest.mark.django_db

FORMATS = ("jsonl", "labelstudio", "doccano")
#: Scheme keys are ASCII identifiers: the corpus's "übernahme" choice is renamed.
RENAMED = {"übernahme": "uebernahme"}
SCHEME = dataclasses.replace(
    nasty.SCHEME,
    questions=tuple(
        ExportQuestion(q.key, tuple(RENAMED.get(c, c) for c in q.choices), q.multiple)
        for q in nasty.SCHEME.questions
    ),
)


def corpus(name: str) -> list:
    """The nasty rows (``gold`` or ``annotations``) with scheme-valid choice keys."""
    items = nasty.CORPORA[name]()
    for item in items:
        labels = {
            key: [RENAMED.get(c, c) for c in value]
            if isinstance(value, list)
            else value
            for key, value in item.row.labels.items()
        }
        object.__setattr__(item, "row", dataclasses.replace(item.row, labels=labels))
    return items


def export(fmt: str, items) -> bytes:
    sink = io.BytesIO()
    get_exporter(fmt).write([i.row for i in items], sink, scheme=SCHEME)
    return sink.getvalue()


EVERY_STATUS = ExportFilters(source="annotations", statuses=("draft", "submitted"))


def nasty_project():
    """A project with the corpus's scheme (no question required: drafts stay drafts
    only because the file says so)."""
    return ProjectFactory(
        allow_overlapping_spans=True,
        scheme={
            "span_labels": [
                {"key": key, "name": key, "color": "#1f77b4", "shortcut": str(n)}
                for n, key in enumerate(SCHEME.span_labels, start=1)
            ],
            "questions": [
                {
                    "key": q.key,
                    "name": q.key,
                    "level": "nominal",
                    "multiple": q.multiple,
                    "required": False,
                    "choices": [{"key": c, "name": c} for c in q.choices],
                }
                for q in SCHEME.questions
            ],
        },
    )


def rows_of(fmt: str, data: bytes) -> dict[tuple[str, str], dict]:
    """``(text, annotator) → {spans, answers, status}`` read from an export."""
    if fmt == "labelstudio":
        return _label_studio_rows(json.loads(data))
    rows = {}
    for line in data.decode().split("\n"):
        if not line:
            continue
        item = json.loads(line)
        spans = item["spans"] if fmt == "jsonl" else _doccano_spans(item)
        answers = item["labels"] if fmt == "jsonl" else _doccano_answers(item)
        rows[item["text"], item["annotator"]] = {
            "spans": frozenset(
                (s["start"], s["end"], s["label"], s["text"]) for s in spans
            ),
            "answers": _as_sets(answers),
            "status": item["status"],
        }
    return rows


def _doccano_spans(item: dict) -> list[dict]:
    return [
        {"start": s, "end": e, "label": label, "text": item["text"][s:e]}
        for s, e, label in item["label"]
    ]


def _doccano_answers(item: dict) -> dict[str, list[str]]:
    answers: dict[str, list[str]] = {}
    for entry in item["cats"]:
        question, _, choice = entry.partition(":")
        answers.setdefault(question, []).append(choice)
    return answers


def _label_studio_rows(tasks: list[dict]) -> dict[tuple[str, str], dict]:
    rows = {}
    for task in tasks:
        who = {e["id"]: e for e in task["meta"]["newsroom"].get("annotations", [])}
        for annotation in task["annotations"]:
            entry = who[annotation["id"]]
            spans, answers = set(), {}
            for result in annotation["result"]:
                value = result["value"]
                if result["type"] == "labels":
                    spans.add(
                        (
                            value["start"],
                            value["end"],
                            value["labels"][0],
                            value["text"],
                        )
                    )
                else:
                    answers[result["from_name"]] = value["choices"]
            rows[task["data"]["text"], entry["annotator"]] = {
                "spans": frozenset(spans),
                "answers": _as_sets(answers),
                "status": entry["status"],
            }
    return rows


def _as_sets(answers: dict) -> dict[str, frozenset]:
    return {
        key: frozenset([value] if isinstance(value, str) else value)
        for key, value in answers.items()
        if value not in (None, [], "")
    }


def export_project(project, fmt: str) -> bytes:
    return b"".join(
        export_stream(
            project=project, fmt=fmt, filters=EVERY_STATUS, names_visible=True
        )
    )


def renamed(rows: dict, tool: str) -> dict:
    """The rows as they come back: annotators are imported users."""
    return {
        (text, f"imported.{tool}.{name}"): row for (text, name), row in rows.items()
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_annotations_come_back_with_every_span_answer_and_annotator(fmt):
    original = export(fmt, corpus("annotations"))
    expected = rows_of(fmt, original)
    assert len(expected) == 10  # 5 articles x 2 annotators (anna, jörg)
    first = nasty_project()
    summary = import_data(project=first, data=original, fmt=fmt)
    assert summary.annotations_created == 10
    assert len(summary.drafts) == 5  # jörg's drafts stay drafts
    again = export_project(first, fmt)
    assert rows_of(fmt, again) == renamed(expected, fmt)
    second = nasty_project()
    import_data(project=second, data=again, fmt=fmt)
    assert rows_of(fmt, export_project(second, fmt)) == rows_of(fmt, again)


@pytest.mark.parametrize("fmt", FORMATS)
def test_gold_comes_back_as_the_named_annotator(fmt):
    gold = corpus("gold")
    original = export(fmt, gold)
    project = nasty_project()
    summary = import_data(project=project, data=original, fmt=fmt, annotator="gold")
    assert summary.annotators == [f"imported.{fmt}.gold"]
    back = rows_of(fmt, export_project(project, fmt))
    for item in gold:
        row = back[item.row.text, f"imported.{fmt}.gold"]
        assert row["spans"] == item.all_spans
        assert row["answers"] == _as_sets(item.row.labels)
        assert row["status"] == "submitted"
