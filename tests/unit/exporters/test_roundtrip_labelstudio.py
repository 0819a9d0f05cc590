"""Round trip of ``labelstudio`` through Label Studio's rules and its own converter.

Label Studio's server does not install as a test library, so its import is checked
against the rules its task import applies (``TaskValidator`` and
``TaskSerializerBulk`` of Label Studio 1.23): a list of task objects with a ``data``
object holding every ``$variable`` of the labeling configuration as a string, ``meta``
an object, ``annotations`` objects with a ``result`` list, and ``completed_by``
absent/null, a member's id or ``{"email": <member's email>}`` — anything else refuses
the whole file. The tasks are then read by ``label_studio_converter`` (Label Studio's
own reader of its JSON) into its ``JSON_MIN`` export: every span, answer and, through
``meta.newsroom``, annotator comes back.
"""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest
from label_studio_converter import Converter

from annotations.exporters.labelstudio import label_config
from tests.unit.exporters.nasty import CORPORA, SCHEME, answers, export


class RefusedByLabelStudio(Exception):
    pass


def check_label_studio_import(
    tasks, config: str, member_ids=frozenset(), member_emails=frozenset()
) -> None:
    """Raise ``RefusedByLabelStudio`` where Label Studio's task import would refuse."""
    parsed = ElementTree.fromstring(config)  # noqa: S314 - our own configuration
    variables = {
        element.get("value")[1:]
        for element in parsed.iter()
        if (element.get("value") or "").startswith("$")
    }
    controls = {
        element.get("name"): element.get("toName")
        for element in parsed.iter()
        if element.get("toName")
    }
    if not isinstance(tasks, list) or not tasks:
        raise RefusedByLabelStudio("not a non-empty list")
    for index, task in enumerate(tasks):
        data = task.get("data")
        if not isinstance(data, dict):
            raise RefusedByLabelStudio(f"task {index}: data")
        for name in variables:
            if not isinstance(data.get(name), str):
                raise RefusedByLabelStudio(f'task {index}: "{name}" key is expected')
        if not isinstance(task.get("meta", {}), dict | list):
            raise RefusedByLabelStudio(f"task {index}: meta")
        for annotation in task.get("annotations", []):
            if not isinstance(annotation.get("result"), list):
                raise RefusedByLabelStudio(f"task {index}: result")
            who = annotation.get("completed_by")
            known = (
                who is None
                or (isinstance(who, dict) and who.get("email") in member_emails)
                or (type(who) is int and who in member_ids)
            )
            if not known:
                raise RefusedByLabelStudio(f"completed_by={who} is not valid")
            if not isinstance(annotation.get("id", 0), int):
                raise RefusedByLabelStudio("annotation id is stored as import_id")
            for result in annotation["result"]:
                if controls.get(result["from_name"]) != result["to_name"]:
                    raise RefusedByLabelStudio(f"unknown control {result['from_name']}")


def test_the_import_check_refuses_what_label_studio_refuses():
    """A username in completed_by (the old export) and a missing text are refused."""
    config = label_config(SCHEME)
    task = {"data": {"text": "x", "title": ""}, "annotations": [{"result": []}]}
    check_label_studio_import([task], config)
    for completed_by in ("anna", 7, {"email": "anna@example.org"}):
        task["annotations"][0]["completed_by"] = completed_by
        with pytest.raises(RefusedByLabelStudio, match="completed_by"):
            check_label_studio_import([task], config)
    check_label_studio_import([task], config, member_emails={"anna@example.org"})
    with pytest.raises(RefusedByLabelStudio, match='"text" key'):
        check_label_studio_import([{"data": {"title": ""}}], config)


@pytest.mark.parametrize("corpus", CORPORA)
def test_export_passes_label_studio_import_rules(corpus):
    """Every task imports into a project with ``label_config``, as exported."""
    tasks = json.loads(export("labelstudio", CORPORA[corpus]()))
    check_label_studio_import(tasks, label_config(SCHEME))


def json_min(tmp_path, data: bytes) -> list[dict]:
    """Label Studio's converter: our tasks in its JSON_MIN export format."""
    source = tmp_path / "tasks.json"
    source.write_bytes(data)
    converter = Converter(config=label_config(SCHEME), project_dir=str(tmp_path))
    converter.convert_to_json_min(str(source), str(tmp_path / "out"), is_dir=False)
    return json.loads((tmp_path / "out" / "result.json").read_text("utf-8"))


def choices(value) -> list[str]:
    """JSON_MIN writes one choice as a string, several as {"choices": [...]}."""
    return [value] if isinstance(value, str) else value["choices"]


@pytest.mark.parametrize("corpus", CORPORA)
def test_converter_reads_every_span_answer_and_annotator(tmp_path, corpus):
    """Spans, answers and text equal; annotation ids lead to the annotator via meta."""
    nasty = CORPORA[corpus]()
    data = export("labelstudio", nasty)
    tasks = json.loads(data)
    who = {
        entry["id"]: entry["annotator"]
        for task in tasks
        for entry in task["meta"]["newsroom"].get("annotations", [])
    }
    records = json_min(tmp_path, data)
    # Skipped annotations would be left out by the converter; the corpus has none.
    assert len(records) == len(nasty)
    by_key = {(r["id"], who.get(r["annotation_id"])): r for r in records}
    for item in nasty:
        record = by_key[(item.row.article_id, item.row.annotator)]
        assert record["text"] == item.row.text
        spans = {
            (s["start"], s["end"], label, s["text"])
            for s in record.get("label", [])
            for label in s["labels"]
        }
        assert spans == item.all_spans
        found = {
            q.key: choices(record[q.key]) for q in SCHEME.questions if q.key in record
        }
        assert found == answers(item.row)
