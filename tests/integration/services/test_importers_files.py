"""Importers, issue 11 phase 2: what real files of the other tools hold comes in, or
the summary says what did not and why.

JSON Lines with Unicode line separators inside strings, Label Studio's id-only
predictions, its ``lead_time`` and CSV export, our own Label Studio export's
annotators (``meta.newsroom``), drafts listed with their reason.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from annotations.models import Annotation, Article, Prediction
from annotations.services.importers import (
    ImportFormatError,
    detect_format,
    import_data,
)
from tests.factories import ls_choice, ls_span

pytestmark = pytest.mark.django_db

TEXT = "Siemens steigt.\u2028Zeile zwei\u2029Absatz\u0085Ende"
ANSWERS = {"sentiment": "positive", "bias": "non_biased"}


def jsonl(*items) -> bytes:
    return "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items).encode()


# --- 1. JSON Lines: only \n ends a line --------------------------------------------


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", None])
def test_unicode_line_separators_inside_strings_are_text(project, fmt):
    """U+2028, U+2029 and U+0085 are allowed raw in JSON strings: not line ends."""
    line = {"text": TEXT, "external_id": "sep-1", "title": "a\u2028b"}
    if fmt != "jsonl":
        line["label"] = [[0, 7, "ORG"]]
    summary = import_data(project=project, data=jsonl(line), fmt=fmt)
    assert summary.articles_created == 1
    article = Article.objects.get(external_id="sep-1")
    assert (article.text, article.title) == (TEXT, "a\u2028b")


def test_error_lines_are_counted_by_newlines_only(project):
    data = jsonl({"text": TEXT}, {"text": "zwei\u2028drei"}) + b'{"text": \r\n'
    with pytest.raises(ImportFormatError, match="on line 3, column 11"):
        import_data(project=project, data=data, fmt="jsonl")


def test_format_detection_reads_the_first_line_only_up_to_newline():
    first = json.dumps(
        {"text": "a\u2028b", "label": [[0, 1, "ORG"]]}, ensure_ascii=False
    )
    assert detect_format(f"{first}\n{first}\n", "x.jsonl") == "doccano"


# --- 4. Label Studio predictions as ids ---------------------------------------------


def test_id_only_predictions_are_skipped_and_explained(project):
    """Label Studio's default JSON export writes ``"predictions": [1]``."""
    tasks = [
        {
            "id": n,
            "data": {"text": f"Siemens {n}"},
            "annotations": [
                {
                    "completed_by": 3,
                    "result": [ls_span(f"Siemens {n}", "Siemens", "ORG")],
                }
            ],
            "predictions": [10 + n, 20 + n],
            "drafts": [],
        }
        for n in (1, 2)
    ]
    summary = import_data(project=project, data=json.dumps(tasks).encode())
    assert (summary.articles_created, summary.annotations_created) == (2, 2)
    assert (summary.predictions_created, summary.predictions_skipped) == (0, 4)
    assert not Prediction.objects.exists()
    [warning] = summary.warnings
    assert warning.startswith("4 prediction(s) came as ids only")
    assert '"only_id": false' in warning
    assert "--export-serializer-context" in warning
    assert summary.as_dict()["predictions_skipped"] == 4


# --- 5. our own Label Studio export: annotators from meta.newsroom -----------------


def own_export_task():
    """A task as our labelstudio exporter writes it: completed_by null."""
    return {
        "id": 7,
        "data": {"text": TEXT, "title": "", "external_id": "own-7", "meta": {}},
        "meta": {
            "newsroom": {
                "article_id": 7,
                "annotations": [
                    {"id": 111, "annotator": "anna", "status": "submitted"},
                    {"id": 222, "annotator": "jörg", "status": "draft"},
                ],
            }
        },
        "annotations": [
            {
                "id": 111,
                "completed_by": None,
                "ground_truth": False,
                "result": [
                    ls_span(TEXT, "Siemens", "ORG"),
                    ls_choice("sentiment", "positive"),
                    ls_choice("bias", "non_biased"),
                ],
            },
            {
                # re-exported by Label Studio: its own id, ours kept as import_id
                "id": 9001,
                "import_id": 222,
                "completed_by": 1,
                "ground_truth": False,
                "lead_time": 12.5,
                "result": [
                    ls_span(TEXT, "Ende", "LOADED"),
                    ls_choice("sentiment", "negative"),
                    ls_choice("bias", "biased"),
                ],
            },
        ],
    }


def test_own_label_studio_export_keeps_who_annotated_what(project):
    summary = import_data(project=project, data=[own_export_task()])
    assert summary.annotations_created == 2
    stored = {
        a.annotator.username: a
        for a in Annotation.objects.prefetch_related("spans").order_by("id")
    }
    assert set(stored) == {"imported.labelstudio.anna", "imported.labelstudio.jörg"}
    anna, jorg = (
        stored["imported.labelstudio.anna"],
        stored["imported.labelstudio.jörg"],
    )
    assert [s.text for s in anna.spans.all()] == ["Siemens"]
    assert [s.text for s in jorg.spans.all()] == ["Ende"]
    assert (anna.status, jorg.status) == ("submitted", "draft")  # as exported
    assert jorg.lead_time_ms == 12500
    assert summary.drafts == [
        {
            "index": 0,
            "annotator": "imported.labelstudio.jörg",
            "missing": [],
            "reason": "marked as a draft in the file",
        }
    ]


def test_label_studio_lead_time_seconds_become_milliseconds(project):
    task = {
        "data": {"text": TEXT},
        "annotations": [
            {
                "completed_by": 5,
                "lead_time": 3.2071,
                "result": [ls_span(TEXT, "Ende", "ORG")],
            }
        ],
    }
    import_data(project=project, data=[task])
    assert Annotation.objects.get().lead_time_ms == 3207


# --- 6. drafts are listed with their reason -----------------------------------------


def test_drafts_name_the_item_line_annotator_and_missing_question(project):
    lines = jsonl(
        {
            "text": "BASF fiel.",
            "label": [[0, 4, "ORG"]],
            "cats": ["sentiment:negative"],
        },
        {
            "text": "SAP stieg.",
            "label": [[0, 3, "ORG"]],
            "cats": ["positive", "biased"],
        },
        {"text": "RWE schloss.", "label": [], "cats": [], "user": "kim"},
        {"text": "VW sank.", "label": [[0, 2, "ORG"]], "user": "kim"},
    )
    summary = import_data(
        project=project, data=b"\n" + lines, fmt="doccano", annotator="lena"
    )
    assert summary.annotations_created == 3
    assert summary.drafts == [
        {
            "index": 0,
            "line": 2,
            "annotator": "imported.doccano.lena",
            "missing": ["bias"],
            "reason": "required question(s) not answered: bias",
        },
        {
            "index": 3,
            "line": 5,
            "annotator": "imported.doccano.kim",
            "missing": ["sentiment", "bias"],
            "reason": "required question(s) not answered: sentiment, bias",
        },
    ]
    assert summary.as_dict()["drafts"] == summary.drafts
    assert Annotation.objects.filter(status="draft").count() == 2


# --- 7. Label Studio CSV export -------------------------------------------------------


def csv_rows():
    """Rows as Label Studio's CSV export writes them (its converter's csv2 columns)."""
    spans = [ls_span(TEXT, "Siemens", "ORG")["value"]]
    return [
        {
            "annotation_id": 31,
            "annotator": "anna@example.org",
            "bias": "non_biased",
            "created_at": "2025-01-02T10:00:00Z",
            "external_id": "csv-1",
            "id": 5,
            "label": json.dumps(spans, ensure_ascii=False),
            "lead_time": 4.5,
            "sentiment": "positive",
            "text": TEXT,
            "updated_at": "2025-01-02T10:00:00Z",
        },
        {
            "annotation_id": 32,
            "annotator": "17",
            "bias": "",
            "created_at": "",
            "external_id": "csv-1",
            "id": 5,
            "label": "[]",
            "lead_time": 1,
            "sentiment": "negative",
            "text": TEXT,
            "updated_at": "",
        },
    ]


def as_csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=sorted(rows[0]), quoting=csv.QUOTE_NONNUMERIC
    )
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_label_studio_csv_export_brings_its_annotations(project):
    summary = import_data(project=project, data=as_csv(csv_rows()), filename="p.csv")
    assert summary.format == "csv"
    assert (summary.articles_created, summary.annotations_created) == (1, 2)
    stored = {a.annotator.username: a for a in Annotation.objects.all()}
    anna = stored["imported.labelstudio.anna@example.org"]
    assert [(s.start, s.end, s.label) for s in anna.spans.all()] == [(0, 7, "ORG")]
    assert anna.labels == ANSWERS
    assert anna.lead_time_ms == 4500
    assert stored["imported.labelstudio.user17"].labels == {"sentiment": "negative"}
    article = Article.objects.get(external_id="csv-1")
    assert article.text == TEXT
    assert "label" not in article.meta
    assert "annotator" not in article.meta
    assert [d["line"] for d in summary.drafts] == [2]  # the task's first row


def test_label_studio_csv_columns_that_cannot_be_read_are_warned(project):
    rows = csv_rows()
    for row in rows:
        row["stimmung"] = json.dumps({"choices": [row.pop("sentiment")]})
    summary = import_data(project=project, data=as_csv(rows), fmt="csv")
    assert summary.warnings == [
        "Column(s) stimmung look like Label Studio annotation results but are not "
        "spans (JSON [{start, end, text, labels}]) or questions of the scheme: kept "
        "as article meta, not imported as annotations. Map them with label_mapping "
        "or export JSON from Label Studio."
    ]
    assert Article.objects.get().meta["stimmung"] == '{"choices": ["positive"]}'


def test_csv_needs_the_file_text(project):
    with pytest.raises(ImportFormatError, match="needs the file's text"):
        import_data(project=project, data=[{"text": "a"}], fmt="csv")
