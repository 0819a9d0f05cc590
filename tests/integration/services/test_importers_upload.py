"""importers.readers.read_request_body and importers.import_upload (the API's import)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from annotations.models import Article
from annotations.services.importers import (
    ImportBodyError,
    ImportTooLarge,
    import_upload,
    read_request_body,
)

TEXT = "Siemens raised its guidance."
TASK = {"id": 1, "data": {"text": TEXT}}


def read(body, content_type="application/json", fmt=None, label_mapping=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return read_request_body(
        raw, content_type=content_type, fmt=fmt, label_mapping=label_mapping
    )


def test_a_json_list_is_decoded_and_the_query_mapping_parsed():
    body = read([{"text": TEXT}], label_mapping='{"B-ORG": "ORG"}')
    assert body.data == [{"text": TEXT}]
    assert body.fmt is None
    assert body.label_mapping == {"B-ORG": "ORG"}


def test_an_items_object_brings_its_format_and_mapping():
    body = read(
        {"items": [TASK], "format": "labelstudio", "label_mapping": {"X": None}},
        content_type="application/json; charset=utf-8",
        label_mapping='{"ignored": "ORG"}',
    )
    assert (body.data, body.fmt, body.label_mapping) == (
        [TASK],
        "labelstudio",
        {"X": None},
    )


def test_one_label_studio_task_becomes_a_list():
    assert read(TASK).data == [TASK]


@pytest.mark.parametrize(
    ("content_type", "fmt"),
    [
        ("text/csv", "csv"),
        ("application/x-ndjson", None),
        ("application/json", "jsonl"),
    ],
)
def test_other_bodies_stay_bytes_for_the_file_readers(content_type, fmt):
    raw = b'{"text": "a"}\n{"text": "b"}\n'
    body = read(raw, content_type=content_type, fmt=fmt)
    assert body.data == raw
    assert body.fmt == fmt


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        (b'[{"text": "a"', "Malformed JSON at line 1"),
        (b"\xff\xfe[]", "not UTF-8"),
        (b'{"text": "a"}', "Expected a JSON list"),
    ],
)
def test_unreadable_json_bodies_are_named(raw, needle):
    with pytest.raises(ImportBodyError, match=needle):
        read(raw)


def test_a_mapping_that_is_not_json_is_a_field_error():
    with pytest.raises(ValidationError) as caught:
        read([], label_mapping="{nope")
    assert "label_mapping" in caught.value.message_dict


def upload(project, body: bytes, *, content_type: str, fmt=None, max_items: int):
    return import_upload(
        project=project,
        body=body,
        content_type=content_type,
        fmt=fmt,
        label_mapping=None,
        max_items=max_items,
    )


@pytest.mark.django_db
def test_upload_counts_items_before_and_after_parsing(project):
    lines = "".join(json.dumps({"text": f"{TEXT} {i}"}) + "\n" for i in range(3))
    jsonl = {"content_type": "application/x-ndjson", "fmt": "jsonl"}
    with pytest.raises(ImportTooLarge, match="3 items in one request; the limit is 2"):
        upload(project, lines.encode(), **jsonl, max_items=2)
    two = json.dumps([{"text": "a"}, {"text": "b"}]).encode()
    with pytest.raises(ImportTooLarge, match="the limit is 1 per request"):
        upload(project, two, content_type="application/json", max_items=1)
    assert not Article.objects.filter(project=project).exists()
    summary = upload(project, lines.encode(), **jsonl, max_items=3)
    assert summary.articles_created == 3
