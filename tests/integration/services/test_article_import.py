"""The import page's use-cases: keep an upload, preview it, map labels, run the job."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from annotations.choices import JobKind, JobStatus, Role
from annotations.models import Annotation, Article, Job
from annotations.services.article_import import (
    import_job_run,
    import_job_start,
    import_preview,
    import_upload_read,
    import_upload_store,
)

pytestmark = pytest.mark.django_db

TEXT = "Siemens hebt die Prognose an."


def doccano(*lines) -> bytes:
    return "".join(
        json.dumps(line, ensure_ascii=False) + "\n" for line in lines
    ).encode()


DOCCANO = doccano(
    {"text": TEXT, "label": [[0, 7, "COMPANY"]], "user": "anna"},
    {"text": "Zweiter Text.", "label": [], "user": "anna"},
)


@pytest.fixture
def admin(project, members):
    return members[Role.ADMIN]


def test_preview_names_the_format_counts_rows_and_unknown_labels(project):
    preview = import_preview(project=project, data=DOCCANO, filename="anna.jsonl")
    assert preview.format == "doccano"
    assert preview.articles == 2
    assert preview.unknown_spans == ["COMPANY"]
    assert preview.ready is False
    assert [row["line"] for row in preview.rows] == [1, 2]
    assert preview.rows[0]["text"] == TEXT
    mapped = import_preview(
        project=project,
        data=DOCCANO,
        filename="anna.jsonl",
        label_mapping={"COMPANY": "ORG"},
    )
    assert mapped.unknown_spans == []
    assert mapped.annotations == 1  # the second line has nothing to import
    assert mapped.ready is True


def test_preview_reports_bad_files_bad_items_and_conflicts_with_lines(project, admin):
    broken = import_preview(project=project, data=b"not json at all", filename=None)
    assert broken.file_error.startswith("Unrecognised file")
    bad = doccano({"text": TEXT}, {"title": "no text"})
    preview = import_preview(project=project, data=bad, filename="x.jsonl", fmt="jsonl")
    assert preview.format == "jsonl"
    assert [(e["line"], list(e["errors"])) for e in preview.errors] == [(2, ["text"])]
    assert preview.ready is False
    clash = doccano(
        {"text": "a", "external_id": "x"}, {"text": "b", "external_id": "x"}
    )
    preview = import_preview(project=project, data=clash, filename="x.jsonl")
    assert preview.conflicts[0]["line"] == 2
    token = import_upload_store(
        project=project, user=admin, data=bad, filename="x.jsonl"
    )
    with pytest.raises(ValidationError, match="fix the errors first"):
        import_job_start(project=project, user=admin, token=token)
    assert not Article.objects.filter(project=project).exists()
    assert not Job.objects.filter(project=project).exists()


def test_the_dry_run_counts_new_and_existing_and_writes_nothing(project):
    Article.objects.create(project=project, text=TEXT, language="de")
    preview = import_preview(
        project=project,
        data=DOCCANO,
        filename="anna.jsonl",
        label_mapping={"COMPANY": "ORG"},
    )
    assert preview.tried is True
    assert (preview.new, preview.existing) == (1, 1)
    assert [d["line"] for d in preview.drafts] == [1]
    assert Article.objects.filter(project=project).count() == 1
    assert not Annotation.objects.exists()
    assert not Job.objects.exists()  # no pre-annotation job either


def test_an_upload_is_only_readable_by_its_owner_in_its_project(
    project, admin, members
):
    token = import_upload_store(
        project=project, user=admin, data=b"x", filename="f.csv"
    )
    assert import_upload_read(project=project, user=admin, token=token) == (
        b"x",
        "f.csv",
    )
    for user, token_ in [
        (members[Role.REVIEWER], token),
        (admin, "../etc"),
        (admin, "nope"),
    ]:
        with pytest.raises(ValidationError, match="no longer here"):
            import_upload_read(project=project, user=user, token=token_)


def test_the_job_imports_marks_the_batch_and_reports(
    project, admin, django_capture_on_commit_callbacks
):
    token = import_upload_store(
        project=project, user=admin, data=DOCCANO, filename="anna.jsonl"
    )
    with django_capture_on_commit_callbacks() as callbacks:
        job = import_job_start(
            project=project, user=admin, token=token, label_mapping={"COMPANY": "ORG"}
        )
    assert len(callbacks) == 1  # queued after the commit only
    assert (job.kind, job.status, job.total) == (JobKind.IMPORT, JobStatus.QUEUED, 2)
    assert Article.objects.filter(project=project).count() == 0
    report = import_job_run(job_id=str(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.done == 2
    assert (report["created"], report["existing"]) == (2, 0)
    assert report["annotations_created"] == 1
    assert "ids" not in report
    assert [d["line"] for d in report["drafts"]] == [1]  # no answers: why
    assert all(d["reason"] for d in report["drafts"])
    assert set(
        Article.objects.filter(import_job=job).values_list("text", flat=True)
    ) == {
        TEXT,
        "Zweiter Text.",
    }
    spans = Annotation.objects.get(article__text=TEXT).spans.all()
    assert [(s.label, s.text) for s in spans] == [("ORG", "Siemens")]
    # a redelivered message does nothing more
    assert import_job_run(job_id=str(job.pk)) == job.result
    assert Article.objects.filter(project=project).count() == 2


def test_a_refused_import_fails_with_errors_by_line_and_writes_nothing(project, admin):
    data = doccano(
        {"text": "eins", "external_id": "a"}, {"text": "zwei", "external_id": "a"}
    )
    token = import_upload_store(
        project=project, user=admin, data=data, filename="x.jsonl"
    )
    job = Job.objects.create(
        project=project,
        kind=JobKind.IMPORT,
        created_by=admin,
        params={"token": token, "format": "jsonl", "label_mapping": {}},
    )
    report = import_job_run(job_id=str(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "conflict" in job.error
    assert report["conflicts"][0]["line"] == 2
    assert job.result["conflicts"] == report["conflicts"]
    assert not Article.objects.filter(project=project).exists()
