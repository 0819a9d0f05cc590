"""Importers: per-annotator files keep who annotated what; an import never reports
success when what it brings differs from what is stored under the same key."""

from __future__ import annotations

import json

import pytest

from annotations.models import Annotation, Article
from annotations.services.importers import (
    ArticleImportError,
    ImportConflictError,
    import_data,
)
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

TEXTS = ("BASF fiel um 5 %.", "SAP stieg.", "RWE schloss.")
ANSWERS = ["sentiment:neutral", "bias:non_biased"]


def doccano_file(first_word_only: bool) -> bytes:
    """doccano's per-annotator export: no user field in the lines."""
    lines = []
    for text in TEXTS:
        end = len(text.split()[0])
        spans = [[0, end, "ORG"]] if first_word_only else []
        lines.append({"text": text, "label": spans, "cats": ANSWERS})
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


def spans_by_user():
    return {
        (a.annotator.username, a.article.text): sorted(
            (s.start, s.end, s.label) for s in a.spans.all()
        )
        for a in Annotation.objects.select_related("annotator", "article")
    }


def test_each_per_annotator_file_keeps_its_annotator(project):
    """The file name names the annotator; the caller's ``annotator`` wins over it."""
    anna = import_data(project=project, data=doccano_file(True), filename="anna.jsonl")
    ben = import_data(project=project, data=doccano_file(False), filename="ben.jsonl")
    kim = import_data(
        project=project,
        data=doccano_file(False),
        filename="export.jsonl",
        annotator="kim",
    )
    assert (anna.annotations_created, ben.annotations_created) == (3, 3)
    assert (kim.annotations_created, kim.annotations_existing) == (3, 0)
    assert kim.annotators == ["imported.doccano.kim"]
    stored = spans_by_user()
    assert len(stored) == 9
    assert stored["imported.doccano.anna", TEXTS[1]] == [(0, 3, "ORG")]
    assert stored["imported.doccano.ben", TEXTS[1]] == []


def test_a_second_file_for_the_same_annotator_is_a_conflict(project):
    """The old importer answered 200 with annotations_existing: 3 and dropped them."""
    import_data(project=project, data=doccano_file(True), fmt="doccano")
    with pytest.raises(ImportConflictError) as caught:
        import_data(project=project, data=doccano_file(False), fmt="doccano")
    conflicts = caught.value.conflicts
    assert [(c["index"], c["line"]) for c in conflicts] == [(0, 1), (1, 2), (2, 3)]
    assert {c["annotator"] for c in conflicts} == {"imported.doccano.doccano"}
    assert conflicts[0]["article"] == Article.objects.get(text=TEXTS[0]).pk
    assert "imports never overwrite" in conflicts[0]["reason"]
    assert "3 conflict(s)" in str(caught.value)
    assert isinstance(caught.value, ArticleImportError)  # per-item errors too
    assert caught.value.errors[0]["errors"]["conflict"]
    assert Annotation.objects.count() == 3
    assert all(spans for spans in spans_by_user().values())


def test_the_same_file_again_is_existing_not_a_conflict(project):
    import_data(project=project, data=doccano_file(True), fmt="doccano")
    again = import_data(project=project, data=doccano_file(True), fmt="doccano")
    assert (again.annotations_created, again.annotations_existing) == (0, 3)


def test_an_external_id_with_another_text_is_reported_with_its_line(project):
    """Issue 16: counted as existing and dropped before; now a conflict."""
    first = json.dumps({"text": "Alt.", "external_id": "e-1"}) + "\n"
    import_data(project=project, data=first.encode(), fmt="jsonl")
    changed = (
        json.dumps({"text": "Neu.", "external_id": "e-2"})
        + "\n"
        + json.dumps({"text": "Anders.", "external_id": "e-1"})
        + "\n"
    )
    with pytest.raises(ImportConflictError) as caught:
        import_data(project=project, data=changed.encode(), fmt="jsonl")
    [conflict] = caught.value.conflicts
    assert (conflict["index"], conflict["line"], conflict["external_id"]) == (
        1,
        2,
        "e-1",
    )
    assert not Article.objects.filter(external_id="e-2").exists()


def test_bad_annotator_names_are_refused():
    project = ProjectFactory()
    with pytest.raises(Exception, match="annotator") as caught:
        import_data(project=project, data=doccano_file(True), annotator="x" * 101)
    assert "annotator" in caught.value.message_dict
