import pytest

from annotations.models import Article
from annotations.models.article import text_sha256
from annotations.services.articles import (
    ArticleImportError,
    ImportConflictError,
    articles_import,
)
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def items(n, prefix="x"):
    return [
        {"external_id": f"{prefix}-{i}", "title": f"T{i}", "text": f"Text {i} 📈"}
        for i in range(n)
    ]


def test_import_is_idempotent_on_external_id():
    project = ProjectFactory(language="de")
    first = articles_import(project=project, items=items(5))
    again = articles_import(project=project, items=items(7))
    assert (first.created_count, first.existing) == (5, 0)
    assert (again.created_count, again.existing) == (2, 5)
    assert Article.objects.filter(project=project).count() == 7
    assert set(Article.objects.values_list("language", flat=True)) == {"de"}


def test_items_without_external_id_are_deduplicated_by_text():
    project = ProjectFactory()
    payload = [{"title": "a", "text": "Same text"}, {"title": "b", "text": "Same text"}]
    assert articles_import(project=project, items=payload).created_count == 1
    assert articles_import(project=project, items=payload).created_count == 0


def test_invalid_items_reject_the_whole_import_with_per_item_errors():
    project = ProjectFactory()
    payload = [
        *items(2),
        {"title": "no text"},
        {"text": "ok", "meta": "not an object"},
        "just a string",
        {"text": "ok", "colour": "red"},
    ]
    with pytest.raises(ArticleImportError) as caught:
        articles_import(project=project, items=payload)
    errors = {e["index"]: e["errors"] for e in caught.value.errors}
    assert set(errors) == {2, 3, 4, 5}
    assert "text" in errors[2]
    assert "meta" in errors[3]
    assert "Unknown field(s): colour" in errors[5]["non_field_errors"][0]
    assert not Article.objects.filter(project=project).exists()


def test_on_created_runs_after_commit_with_new_ids(django_capture_on_commit_callbacks):
    project = ProjectFactory()
    seen = []
    with django_capture_on_commit_callbacks(execute=True):
        result = articles_import(
            project=project, items=items(3), on_created=seen.extend
        )
    assert seen == result.created_ids


def test_an_external_id_with_another_text_is_a_conflict_not_existing():
    """Issue 16: the stored text stays, and the import says why it wrote nothing."""
    project = ProjectFactory()
    articles_import(project=project, items=items(2))
    changed = [*items(1, prefix="new"), {"external_id": "x-1", "text": "Rewritten"}]
    with pytest.raises(ImportConflictError) as caught:
        articles_import(project=project, items=changed)
    assert caught.value.conflicts == [
        {
            "index": 1,
            "external_id": "x-1",
            "reason": "external_id 'x-1' is stored with another text; an article's "
            "text never changes on import (give this text its own external_id).",
        }
    ]
    assert caught.value.errors[0]["errors"]["conflict"]
    assert not Article.objects.filter(external_id="new-0").exists()
    assert Article.objects.get(external_id="x-1").text == "Text 1 📈"


def test_an_external_id_repeated_with_another_text_in_one_import():
    project = ProjectFactory()
    payload = [
        {"external_id": "a", "text": "one"},
        {"external_id": "a", "text": "one"},
        {"external_id": "a", "text": "two"},
    ]
    with pytest.raises(ImportConflictError, match="1 conflict") as caught:
        articles_import(project=project, items=payload)
    assert [c["index"] for c in caught.value.conflicts] == [2]
    assert "item 0 of this import" in caught.value.conflicts[0]["reason"]
    assert not Article.objects.filter(project=project).exists()


def test_imported_rows_read_back_as_the_model_would_create_them():
    """The multi-row INSERT writes every column: per-item values, else the field default."""
    from django.utils import timezone

    project = ProjectFactory(language="de")
    before = timezone.now()
    result = articles_import(
        project=project,
        items=[
            {"title": "Ü", "text": "Kurs 📈 steigt", "meta": {"q": ["ä", 1, None]}},
            {"external_id": "e-1", "text": "Zweiter", "language": "en"},
        ],
    )
    first, second = Article.objects.filter(pk__in=result.created_ids).order_by("id")
    assert (first.title, first.text, first.language) == ("Ü", "Kurs 📈 steigt", "de")
    assert first.meta == {"q": ["ä", 1, None]}
    assert first.external_id is None
    assert (second.external_id, second.language, second.meta) == ("e-1", "en", {})
    assert first.content_hash == text_sha256("Kurs 📈 steigt")
    assert before <= first.imported_at <= timezone.now()
    per_item = {"id", "project", "title", "text", "language", "external_id", "meta",
                "content_hash", "imported_at"}  # fmt: skip
    for field in Article._meta.concrete_fields:
        if field.name not in per_item:
            assert getattr(first, field.attname) == field.get_default(), field.name
