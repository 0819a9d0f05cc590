"""services.importers: Label Studio, doccano, CSV/JSONL; label mapping; round trip."""

from __future__ import annotations

import json

import pytest

from annotations.models import Annotation, Article
from annotations.selectors.exports import ExportFilters
from annotations.services.articles import ArticleImportError
from annotations.services.exports import export_stream
from annotations.services.importers import (
    ImportFormatError,
    detect_format,
    import_data,
)
from tests.factories import ProjectFactory, UserFactory, ls_choice, ls_span

pytestmark = pytest.mark.django_db

TEXT = (
    "Kurssturz 📉 bei Société Générale: BASF verliert 5 %.\r\nAnalysten sind skeptisch."
)


def tasks():
    other = "Siemens and Siemens Energy rose; Apple fell."
    return [
        {
            "id": 1,
            "data": {"text": TEXT, "title": "Kurssturz", "external_id": "de-1"},
            "annotations": [
                {
                    "completed_by": 12,
                    "result": [
                        ls_span(TEXT, "Société Générale", "ORG"),
                        ls_span(TEXT, "BASF", "ORG"),
                        ls_span(TEXT, "5 %", "PERCENT"),
                        ls_span(TEXT, "skeptisch", "LOADED"),
                        ls_choice("sentiment", "negative"),
                        ls_choice("bias", "non_biased"),
                    ],
                },
                {
                    "completed_by": {"email": "ben@example.org"},
                    "result": [ls_span(TEXT, "BASF", "ORG")],
                },
                {"completed_by": 13, "was_cancelled": True, "result": []},
            ],
        },
        {
            "id": 2,
            "data": {"text": other, "external_id": "en-2", "source": "wire"},
            "annotations": [
                {
                    "completed_by": 12,
                    "result": [
                        ls_span(other, "Siemens and Siemens Energy", "ORG"),
                        ls_span(other, "Siemens", "ORG"),
                        ls_span(other, "Apple", "ORG"),
                        {"type": "textarea", "value": {"text": ["note"]}},
                    ],
                }
            ],
        },
    ]


def spans_of(task_list):
    return sorted(
        (
            task["data"]["external_id"],
            s["value"]["start"],
            s["value"]["end"],
            s["value"]["labels"][0],
        )
        for task in task_list
        for annotation in task["annotations"]
        for s in annotation["result"]
        if s.get("type") == "labels"
    )


def test_label_studio_round_trip_keeps_every_span(project):
    original = tasks()
    summary = import_data(project=project, data=json.dumps(original).encode())
    assert summary.format == "labelstudio"
    assert (summary.articles_created, summary.annotations_created) == (2, 3)
    assert summary.ignored_results == 1
    exported = json.loads(
        b"".join(
            export_stream(
                project=project,
                fmt="labelstudio",
                filters=ExportFilters(
                    source="annotations", statuses=("draft", "submitted")
                ),
                names_visible=True,
            )
        )
    )
    assert spans_of(exported) == spans_of(
        [
            {
                **t,
                "annotations": [
                    a for a in t["annotations"] if not a.get("was_cancelled")
                ],
            }
            for t in original
        ]
    )
    texts = {task["data"]["external_id"]: task["data"]["text"] for task in exported}
    assert texts["de-1"] == TEXT  # CRLF and emoji untouched
    annotators = {  # completed_by is null: Label Studio accepts no names there
        entry["id"]: entry["annotator"]
        for t in exported
        for entry in t["meta"]["newsroom"]["annotations"]
    }
    answered = [
        a
        for t in exported
        for a in t["annotations"]
        if annotators[a["id"]].endswith("user12")
    ]
    choices = {
        r["from_name"]: r["value"]["choices"]
        for a in answered
        for r in a["result"]
        if r["type"] == "choices"
    }
    assert choices == {"sentiment": ["negative"], "bias": ["non_biased"]}


def test_reimport_is_idempotent(project):
    import_data(project=project, data=tasks())
    again = import_data(project=project, data=tasks())
    assert (again.articles_created, again.articles_existing) == (0, 2)
    assert (again.annotations_created, again.annotations_existing) == (0, 3)
    assert Annotation.objects.count() == 3


def test_imported_annotators_are_inactive_members(project):
    import_data(project=project, data=tasks())
    users = {a.annotator for a in Annotation.objects.all()}
    assert {u.username for u in users} == {
        "imported.labelstudio.user12",
        "imported.labelstudio.ben@example.org",
    }
    assert all(not u.is_active and not u.has_usable_password() for u in users)
    assert all(
        project.memberships.filter(user=u, role="annotator").exists() for u in users
    )


def test_active_account_is_never_reused(project):
    UserFactory(username="imported.labelstudio.user12")
    with pytest.raises(Exception, match="active account"):
        import_data(project=project, data=tasks())
    assert not Article.objects.exists()


def test_utf16_offsets_are_converted_when_only_they_fit(project):
    text = "📉 BASF fällt"
    task = {
        "data": {"text": text},
        "annotations": [
            {
                "completed_by": 1,
                "result": [
                    {
                        "type": "labels",
                        "value": {
                            "start": 3,
                            "end": 7,
                            "text": "BASF",
                            "labels": ["ORG"],
                        },
                    }
                ],
            }
        ],
    }
    import_data(project=project, data=[task])
    stored = Annotation.objects.get().spans.get()
    assert (stored.start, stored.end) == (2, 6)
    assert text[stored.start : stored.end] == "BASF"


def test_unknown_labels_are_listed_together(project):
    data = tasks()
    data[0]["annotations"][0]["result"][0]["value"]["labels"] = ["COMPANY"]
    data[1]["annotations"][0]["result"][2]["value"]["labels"] = ["TICKER"]
    data[0]["annotations"][0]["result"][4]["value"]["choices"] = ["bad"]
    with pytest.raises(ImportFormatError) as raised:
        import_data(project=project, data=data)
    message = json.dumps(raised.value.message_dict)
    assert "COMPANY, TICKER" in message
    assert "sentiment:bad" in message
    mapped = import_data(
        project=project,
        data=data,
        label_mapping={
            "COMPANY": "ORG",
            "TICKER": None,
            "sentiment:bad": "sentiment:negative",
        },
    )
    assert mapped.annotations_created == 3


def test_mapping_to_unknown_targets_is_refused(project):
    with pytest.raises(ImportFormatError, match="COMPANY → FIRM"):
        import_data(project=project, data=tasks(), label_mapping={"COMPANY": "FIRM"})


def test_text_mismatch_names_the_item(project):
    data = tasks()
    data[1]["annotations"][0]["result"][2]["value"]["text"] = "Apfel"
    with pytest.raises(ArticleImportError) as raised:
        import_data(project=project, data=data)
    assert raised.value.errors[0]["index"] == 1
    assert "Apfel" in json.dumps(raised.value.errors)
    assert not Article.objects.exists()


def test_overlapping_spans_refused_where_the_project_forbids_them():
    project = ProjectFactory(allow_overlapping_spans=False)
    with pytest.raises(ArticleImportError, match="invalid item"):
        import_data(project=project, data=tasks())
    assert not Article.objects.exists()


def test_doccano_both_shapes_and_plain_document_labels(project):
    lines = [
        {"id": 4, "text": "BASF fell.", "label": [[0, 4, "ORG"]], "user": "kim"},
        {
            "text": "SAP rose.",
            "entities": [{"start_offset": 0, "end_offset": 3, "label": "ORG"}],
            "cats": ["positive", "bias:non_biased"],
        },
    ]
    data = "\n".join(json.dumps(line) for line in lines)
    summary = import_data(project=project, data=data.encode(), filename="lena.jsonl")
    assert summary.format == "doccano"
    by_user = {a.annotator.username: a for a in Annotation.objects.all()}
    # a line without "user" belongs to the file's annotator (doccano: one file each)
    assert set(by_user) == {"imported.doccano.kim", "imported.doccano.lena"}
    answered = by_user["imported.doccano.lena"]
    assert answered.labels == {"sentiment": "positive", "bias": "non_biased"}
    assert answered.status == "submitted"
    assert Article.objects.get(text="BASF fell.").meta == {"doccano_id": 4}


def test_detect_format():
    assert detect_format('[{"data": {}}]') == "labelstudio"
    assert detect_format('[{"text": "a"}]') == "articles"
    assert detect_format('{"text": "a", "label": []}\n') == "doccano"
    assert detect_format('{"text": "a"}\n') == "jsonl"
    assert detect_format("title,text\n", "x.csv") == "csv"
    with pytest.raises(ImportFormatError, match="Unrecognised"):
        detect_format("hello")
