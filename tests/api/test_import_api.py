"""POST /api/v1/projects/{id}/articles/: bulk import and bad input (nothing written)."""

from __future__ import annotations

import json

import pytest

from annotations.choices import Role
from annotations.models import Annotation, Article, Prediction

pytestmark = pytest.mark.django_db

TEXT = "Siemens raised its guidance."


def post(api_client, project, payload, content_type="application/json", **query):
    suffix = "&".join(f"{k}={v}" for k, v in query.items())
    data = payload if isinstance(payload, bytes | str) else json.dumps(payload)
    return api_client.generic(
        "POST",
        f"/api/v1/projects/{project.pk}/articles/?{suffix}",
        data,
        content_type=content_type,
    )


@pytest.fixture
def admin(api_client, members):
    api_client.force_authenticate(members[Role.ADMIN])
    return api_client


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (Role.ADMIN, 201),
        (Role.REVIEWER, 403),
        (Role.ANNOTATOR, 403),
        (Role.ML_ENGINEER, 403),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_import_permission_matrix(login_as, api_client, project, who, status):
    login_as(who)
    response = post(api_client, project, [{"text": TEXT}])
    assert response.status_code == status


def test_bulk_import_is_idempotent_on_external_id(admin, project):
    items = [{"title": "a", "text": TEXT, "external_id": "r-1", "meta": {"k": 1}}]
    first = post(admin, project, items)
    assert first.status_code == 201
    assert (first.json()["created"], first.json()["existing"]) == (1, 0)
    again = post(admin, project, items)
    assert again.status_code == 200
    assert (again.json()["created"], again.json()["existing"]) == (0, 1)
    assert Article.objects.filter(project=project).count() == 1


def test_per_item_errors_and_nothing_written(admin, project):
    items = [{"text": TEXT}, {"text": TEXT + " 2"}, {"title": 3}, {"text": 5}]
    response = post(admin, project, items)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [e["index"] for e in errors] == [2, 3]
    assert "text" in errors[1]["errors"]
    assert "title" in errors[0]["errors"]
    assert not Article.objects.filter(project=project).exists()


def test_too_many_items_is_413_with_the_limit(admin, project, settings):
    settings.NEWSROOM_IMPORT_MAX_ITEMS = 5
    response = post(admin, project, [{"text": f"{TEXT} {i}"} for i in range(6)])
    assert response.status_code == 413
    assert "limit is 5" in response.json()["detail"]
    assert not Article.objects.exists()


def test_default_limit_is_a_thousand(admin, project):
    response = post(admin, project, [{"text": f"{TEXT} {i}"} for i in range(1001)])
    assert response.status_code == 413
    assert "limit is 1,000" in response.json()["detail"]


def test_hundred_megabyte_body_is_413(admin, project):
    body = b"[" + b" " * (100 * 1024 * 1024) + b"]"
    response = post(admin, project, body)
    assert response.status_code == 413
    assert "import limit" in response.json()["detail"]
    assert not Article.objects.exists()


def test_body_above_django_form_limit_but_within_ours_is_accepted(
    admin, project, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    items = [{"text": "x" * 500 + str(i)} for i in range(10)]
    response = post(admin, project, items)
    assert response.status_code == 201
    assert response.json()["created"] == 10


@pytest.mark.parametrize(
    ("payload", "content_type", "query", "needle"),
    [
        (b'[{"text": "a"', "application/json", {}, "Malformed JSON"),
        (b"title,text\nA,B\n", "application/json", {}, "Malformed JSON"),
        (b'{"text": 5}', "application/json", {}, "JSON list"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "application/octet-stream", {}, "UTF-8"),
        (b"title;body\nA;B\n", "text/csv", {"format": "csv"}, "'text' column"),
        (
            b'{"text": "a"}\n{"text": ',
            "application/x-ndjson",
            {"format": "jsonl"},
            "line 2",
        ),
        (b"[]", "application/json", {"format": "yaml"}, "Unknown import format"),
    ],
)
def test_bad_files_are_named(admin, project, payload, content_type, query, needle):
    response = post(admin, project, payload, content_type=content_type, **query)
    assert response.status_code == 400
    assert needle in json.dumps(response.json())
    assert not Article.objects.exists()


def test_wrong_types_are_per_item(admin, project):
    response = post(admin, project, [{"text": ["not", "a", "string"], "meta": "x"}])
    assert response.status_code == 400
    assert set(response.json()["errors"][0]["errors"]) >= {"text", "meta"}


def labelstudio_task(start=0, end=7, label="ORG", text="Siemens"):
    return {
        "id": 9,
        "data": {"text": TEXT, "external_id": "ls-9"},
        "annotations": [
            {
                "completed_by": "anna@example.org",
                "result": [
                    {
                        "from_name": "label",
                        "to_name": "text",
                        "type": "labels",
                        "value": {
                            "start": start,
                            "end": end,
                            "text": text,
                            "labels": [label],
                        },
                    },
                    {
                        "from_name": "sentiment",
                        "to_name": "text",
                        "type": "choices",
                        "value": {"choices": ["positive"]},
                    },
                ],
            }
        ],
        "predictions": [
            {
                "model_version": "m1",
                "score": 0.8,
                "result": [
                    {
                        "from_name": "label",
                        "to_name": "text",
                        "type": "labels",
                        "value": {
                            "start": 0,
                            "end": 7,
                            "text": "Siemens",
                            "labels": [label],
                        },
                    }
                ],
            }
        ],
    }


def test_label_studio_tasks_through_the_api(admin, project):
    response = post(admin, project, [labelstudio_task()])
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["format"], body["annotations_created"], body["predictions_created"]) == (
        "labelstudio", 1, 1,
    )  # fmt: skip
    annotation = Annotation.objects.get()
    assert annotation.annotator.username == "imported.labelstudio.anna@example.org"
    assert annotation.status == "draft"  # bias (required) unanswered
    assert [(s.start, s.end, s.label) for s in annotation.spans.all()] == [
        (0, 7, "ORG")
    ]
    assert Prediction.objects.get().spans[0]["score"] == 0.8


def test_unknown_labels_are_listed_and_can_be_mapped(admin, project):
    response = post(admin, project, [labelstudio_task(label="COMPANY")])
    assert response.status_code == 400
    assert "COMPANY" in json.dumps(response.json())
    assert not Article.objects.exists()
    mapped = post(
        admin,
        project,
        {
            "items": [labelstudio_task(label="COMPANY")],
            "label_mapping": {"COMPANY": "ORG"},
        },
    )
    assert mapped.status_code == 201
    assert Annotation.objects.get().spans.get().label == "ORG"


def test_offsets_outside_the_text_are_refused(admin, project):
    response = post(admin, project, [labelstudio_task(start=20, end=90, text="x")])
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["index"] == 0
    assert "outside the text" in json.dumps(error)
    assert not Article.objects.exists()


def test_csv_and_doccano_bodies(admin, project):
    csv_body = "title,text,external_id,source\nA,Siemens raised.,c-1,wire\n"
    response = post(admin, project, csv_body, content_type="text/csv", format="csv")
    assert response.status_code == 201
    assert Article.objects.get(external_id="c-1").meta == {"source": "wire"}
    doccano = json.dumps({"text": TEXT, "label": [[0, 7, "ORG"]]}) + "\n"
    response = post(admin, project, doccano, content_type="application/x-ndjson")
    assert response.status_code == 201, response.json()
    assert response.json()["format"] == "doccano"
    assert Annotation.objects.get().annotator.username == "imported.doccano.doccano"


DOCCANO_LINES = (
    json.dumps({"text": TEXT, "label": [[0, 7, "ORG"]], "cats": ["positive"]})
    + "\n"
    + json.dumps({"text": "SAP fiel.", "label": [], "cats": ["negative"]})
    + "\n"
)


def upload(api_client, project, files: dict, query: str = "", **fields):
    """A multipart upload as ``curl -F file=@name`` sends it."""
    return api_client.post(
        f"/api/v1/projects/{project.pk}/articles/?{query}",
        {**files, **fields},
        format="multipart",
    )


def named_file(name: str, content: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content.encode(), "application/octet-stream")


def test_multipart_upload_reads_the_file_part(admin, project):
    """curl -F file=@anna.jsonl: format detected, the file name names the annotator."""
    response = upload(admin, project, {"file": named_file("anna.jsonl", DOCCANO_LINES)})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["format"], body["created"], body["annotations_created"]) == (
        "doccano", 2, 2,
    )  # fmt: skip
    assert body["annotators"] == ["imported.doccano.anna"]
    assert [d["line"] for d in body["drafts"]] == [1, 2]  # bias unanswered


def test_multipart_format_and_annotator_from_query_or_form(admin, project):
    csv_file = named_file("articles.txt", "title,text\nA,Siemens stieg.\n")
    response = upload(admin, project, {"file": csv_file}, query="format=csv")
    assert response.status_code == 201, response.json()
    assert response.json()["format"] == "csv"
    doccano = named_file("export.jsonl", DOCCANO_LINES)
    response = upload(admin, project, {"upload": doccano}, annotator="kim")
    assert response.status_code == 201, response.json()
    assert response.json()["annotators"] == ["imported.doccano.kim"]


def test_multipart_without_a_file_names_the_part(admin, project):
    response = upload(admin, project, {}, format="jsonl")
    assert response.status_code == 400
    assert "part named file" in json.dumps(response.json())


def test_jsonl_sent_as_json_points_to_the_format_parameter(admin, project):
    response = post(admin, project, DOCCANO_LINES.encode())
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith("Malformed JSON at line 2, column 1: Extra data.")
    assert "looks like JSON Lines" in detail
    assert "?format=jsonl" in detail
    assert "-F file=@" in detail
    fixed = post(admin, project, DOCCANO_LINES.encode(), format="doccano")
    assert fixed.status_code == 201, fixed.json()


def test_annotator_query_parameter_and_conflicts_are_409(admin, project):
    first = post(
        admin, project, DOCCANO_LINES, "application/x-ndjson", annotator="anna"
    )
    assert first.status_code == 201, first.json()
    assert first.json()["annotators"] == ["imported.doccano.anna"]
    changed = DOCCANO_LINES.replace('"positive"', '"neutral"')
    response = post(admin, project, changed, "application/x-ndjson", annotator="anna")
    assert response.status_code == 409
    body = response.json()
    assert body["detail"].startswith("1 conflict(s)")
    [conflict] = body["conflicts"]
    assert (conflict["index"], conflict["line"]) == (0, 1)
    assert conflict["annotator"] == "imported.doccano.anna"
    assert Annotation.objects.count() == 2
    ben = post(admin, project, changed, "application/x-ndjson", annotator="ben")
    assert ben.status_code == 200, ben.json()
    assert ben.json()["annotations_created"] == 2


def test_an_external_id_with_another_text_is_409(admin, project):
    assert post(admin, project, [{"text": TEXT, "external_id": "x"}]).status_code == 201
    response = post(admin, project, [{"text": "Anders.", "external_id": "x"}])
    assert response.status_code == 409
    assert response.json()["conflicts"][0]["external_id"] == "x"
    assert Article.objects.get(external_id="x").text == TEXT
