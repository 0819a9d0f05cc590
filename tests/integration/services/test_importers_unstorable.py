"""Imports refuse text no database can store, per item and line, writing nothing (issue 16)."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Article
from annotations.services.importers import ArticleImportError, import_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fmt", "body", "field", "line"),
    [
        ("jsonl", '{"text": "ok"}\n{"text": "a\\u0000b"}\n', "text", 2),
        ("jsonl", '{"text": "ok", "meta": {"x": ["\\ud800"]}}\n', "meta", 1),
        ("doccano", '{"text": "ok", "label": [[0, 2, "\\u0000"]]}\n', "label", 1),
        ("csv", 'text,title\n"a\x00b",t\n', "text", 2),
        ("articles", '[{"text": "ok", "title": "\\udfff"}]', "title", None),
        ("labelstudio", '[{"data": {"text": "ok\\u0000"}}]', "data", None),
    ],
)
def test_an_import_with_unstorable_text_names_item_field_and_line(
    project, fmt, body, field, line
):
    with pytest.raises(ArticleImportError) as caught:
        import_data(project=project, data=body.encode(), fmt=fmt)
    [entry] = caught.value.errors
    assert field in entry["errors"]
    assert entry.get("line") == line
    assert not Article.objects.filter(project=project).exists()


def test_the_command_exits_non_zero_naming_the_problem(project, tmp_path):
    path = tmp_path / "items.jsonl"
    path.write_text(json.dumps({"text": "a\x00b", "external_id": "x"}) + "\n")
    with pytest.raises(CommandError, match="NUL"):
        call_command("import_articles", str(path), "--project", project.slug)
    assert not Article.objects.filter(project=project).exists()
