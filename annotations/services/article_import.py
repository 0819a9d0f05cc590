"""The import page's use-cases: keep an upload, preview it, run it as a job.

Imported by ``views.article_import`` and ``tasks.import_task``; imports the
importers package (the only parser: ``parse_import`` and ``import_apply``), the
job service and the models. The upload is kept under ``MEDIA_ROOT/imports/`` so
the worker reads the very bytes the admin previewed; a small JSON file next to
it names the project and the user, so nobody else can start an import of it.
The job's ``result`` is the report (created, existing, drafts and why, errors
with line numbers) that the page shows and offers as a JSON download.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from annotations.choices import JobKind
from annotations.models import Article, Job, Project
from annotations.services import importers
from annotations.services.jobs import (
    job_claim,
    job_create,
    job_enqueue,
    job_fail,
    job_finish,
)

PREVIEW_ROWS = 10
#: Files up to this many items are tried (written and rolled back) in the preview.
DRY_RUN_MAX = 5000
TOKEN_BYTES = 18


@dataclass
class ImportPreview:
    """What the file holds, before anything is written."""

    format: str = ""
    articles: int = 0
    annotations: int = 0
    predictions: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)
    unknown_spans: list[str] = field(default_factory=list)
    unknown_choices: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    file_error: str = ""
    warnings: list[str] = field(default_factory=list)
    tried: bool = False  # the dry run ran: the counts below are what would happen
    new: int = 0
    existing: int = 0
    drafts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        """True when the import can start as it is (the worker checks again)."""
        return not (
            self.file_error
            or self.errors
            or self.conflicts
            or self.unknown_spans
            or self.unknown_choices
        )


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def import_upload_store(
    *, project: Project, user: AbstractBaseUser, data: bytes, filename: str | None
) -> str:
    """Keep an upload for the preview and the job; returns its unguessable token."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    folder = _folder()
    (folder / f"{token}.data").write_bytes(data)
    owner = {"project": project.pk, "user": user.pk, "filename": filename or ""}
    (folder / f"{token}.json").write_text(json.dumps(owner))
    return token


def import_upload_read(
    *, project: Project, user: AbstractBaseUser | None, token: str
) -> tuple[bytes, str | None]:
    """The kept bytes and file name; ValidationError when the token is not theirs.

    ``user`` None skips the owner check (the worker, for a job an admin started).
    """
    missing = ValidationError(
        {"token": ["This upload is no longer here; choose the file again."]}
    )
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        raise missing
    folder = _folder()
    try:
        owner = json.loads((folder / f"{token}.json").read_text())
        data = (folder / f"{token}.data").read_bytes()
    except (OSError, ValueError) as error:
        raise missing from error
    if owner.get("project") != project.pk or (
        user is not None and owner.get("user") != user.pk
    ):
        raise missing
    return data, owner.get("filename") or None


def _upload_delete(token: str) -> None:
    for suffix in (".data", ".json"):
        (_folder() / f"{token}{suffix}").unlink(missing_ok=True)


def _item_errors(parsed, errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Item errors with the file line (JSON Lines, CSV) or the item number."""
    placed = []
    for entry in errors:
        index = entry.get("index", 0)
        where = parsed.where(index) if parsed is not None else {"index": index}
        placed.append({**where, "item": index + 1, "errors": entry.get("errors", {})})
    return placed


def _parse(project, data, *, filename, fmt, label_mapping, annotator):
    return importers.parse_import(
        data,
        project=project,
        fmt=fmt or None,
        filename=filename,
        label_mapping=label_mapping,
        annotator=annotator or None,
    )


def import_preview(
    *,
    project: Project,
    data: bytes,
    filename: str | None,
    fmt: str = "",
    label_mapping: dict[str, str | None] | None = None,
    annotator: str = "",
) -> ImportPreview:
    """Read the file as the import will, without writing: format, counts, first
    rows, labels the scheme lacks (the mapping form), errors with lines."""
    preview = ImportPreview()
    mapping = dict(label_mapping or {})
    options = {"filename": filename, "fmt": fmt, "annotator": annotator}
    try:
        try:
            parsed = _parse(project, data, label_mapping=mapping, **options)
        except importers.ImportFormatError as error:
            if not hasattr(error, "unknown_spans"):
                raise
            preview.unknown_spans = error.unknown_spans
            preview.unknown_choices = error.unknown_choices
            dropped = dict.fromkeys(error.unknown_spans + error.unknown_choices)
            parsed = _parse(project, data, label_mapping=mapping | dropped, **options)
    except importers.ArticleImportError as error:
        preview.errors = _item_errors(None, error.errors)
        return preview
    except ValidationError as error:
        preview.file_error = " ".join(error.messages)
        return preview
    preview.format = parsed.format
    preview.articles = len(parsed.articles)
    preview.annotations = len(parsed.annotations)
    preview.predictions = len(parsed.predictions)
    preview.warnings = list(parsed.warnings)
    if preview.articles <= DRY_RUN_MAX:
        _dry_run(project, parsed, preview)
    for index, item in enumerate(parsed.articles[:PREVIEW_ROWS]):
        item = item if isinstance(item, dict) else {}
        preview.rows.append(
            {
                **parsed.where(index),
                "title": str(item.get("title") or ""),
                "text": str(item.get("text") or "")[:300],
                "external_id": item.get("external_id"),
            }
        )
    return preview


def _dry_run(project: Project, parsed, preview: ImportPreview) -> None:
    """Write the import and roll it back: exact counts, drafts, item errors and
    conflicts before the admin commits to it (nothing is queued: on_commit
    callbacks of a rolled-back block never run)."""
    try:
        with transaction.atomic():
            summary = importers.import_apply(
                project=project, parsed=parsed, preannotate=False
            )
            transaction.set_rollback(True)
    except importers.ImportConflictError as error:
        preview.conflicts = error.conflicts
    except importers.ArticleImportError as error:
        preview.errors = _item_errors(parsed, error.errors)
    else:
        preview.tried = True
        preview.new = summary.articles_created
        preview.existing = summary.articles_existing
        preview.drafts = summary.drafts


@transaction.atomic
def import_job_start(
    *,
    project: Project,
    user: AbstractBaseUser,
    token: str,
    fmt: str = "",
    label_mapping: dict[str, str | None] | None = None,
    annotator: str = "",
) -> Job:
    """Queue the import of a kept upload (after the commit); ValidationError unless
    its preview is ready, so a job never starts that must fail on labels."""
    data, filename = import_upload_read(project=project, user=user, token=token)
    preview = import_preview(
        project=project,
        data=data,
        filename=filename,
        fmt=fmt,
        label_mapping=label_mapping,
        annotator=annotator,
    )
    if not preview.ready:
        raise ValidationError(
            {"label_mapping": ["Map every unknown label and fix the errors first."]}
        )
    job = job_create(
        kind=JobKind.IMPORT,
        project=project,
        created_by=user,
        total=preview.articles,
        params={
            "token": token,
            "filename": filename or "",
            "format": preview.format,
            "label_mapping": label_mapping or {},
            "annotator": annotator,
        },
    )
    return job_enqueue(job)


def import_job_run(*, job_id: str) -> dict[str, Any]:
    """Do a queued import (the worker): all or nothing, then the report.

    A redelivered message finds the job claimed and does nothing; an import that
    the importers refuse ends the job as failed with every error in the report.
    """
    if not job_claim(job_id=job_id):
        return Job.objects.get(pk=job_id).result
    job = Job.objects.select_related("project", "created_by").get(pk=job_id)
    params = job.params
    report: dict[str, Any] = {"format": params.get("format", "")}
    parsed = None
    try:
        data, filename = import_upload_read(
            project=job.project, user=None, token=params.get("token", "")
        )
        parsed = _parse(
            job.project,
            data,
            filename=filename,
            fmt=params.get("format", ""),
            label_mapping=params.get("label_mapping") or {},
            annotator=params.get("annotator", ""),
        )
        Job.objects.filter(pk=job_id).update(total=len(parsed.articles))
        with transaction.atomic():
            summary = importers.import_apply(
                project=job.project, parsed=parsed, created_by=job.created_by
            )
            Article.objects.filter(pk__in=summary.created_ids).update(import_job=job)
    except importers.ImportConflictError as error:
        report["conflicts"] = error.conflicts
        return _failed(job_id, report, str(error))
    except importers.ArticleImportError as error:
        report["errors"] = _item_errors(parsed, error.errors)
        return _failed(job_id, report, str(error))
    except ValidationError as error:
        report["errors"] = [{"errors": {"file": error.messages}}]
        return _failed(job_id, report, " ".join(error.messages))
    report.update(summary.as_dict())
    report.pop("ids", None)  # the batch filter finds them; 100,000 ids bloat a report
    report.update(errors=[], conflicts=[])
    Job.objects.filter(pk=job_id).update(done=len(parsed.articles))
    job_finish(job_id=job_id, result=report)
    _upload_delete(params.get("token", ""))
    return report


def _failed(job_id: str, report: dict[str, Any], message: str) -> dict[str, Any]:
    report.setdefault("errors", [])
    report.setdefault("conflicts", [])
    Job.objects.filter(pk=job_id).update(result=report)
    job_fail(job_id=job_id, error=message)
    return report
