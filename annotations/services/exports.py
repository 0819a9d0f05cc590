"""Dataset exports: the one export pipeline and everything that writes its bytes.

Imported by the API, the ``export_dataset`` command, tasks and the release and
training services; uses the export selectors, the ``exporters`` leaf package, the
job services and Django's storage API.

``export_stream`` is the only place where an export is assembled (check, rows,
scheme, split, exporter): the streamed HTTP export (``export_start``), export jobs
(``export_job_run``), the command (``export_file_write``) and every file of a
release call it, so the same filters give the same bytes on every door. Gold
exports fall back to the automatic consensus (``annotations.consensus``) where an
article has no adjudicated gold yet.

**Large exports** (more articles than ``settings.NEWSROOM_EXPORT_ASYNC_THRESHOLD``,
default 5,000) run as a Celery job: the file is written through
``default_storage`` to ``exports/<job id>/<file name>`` (a retry overwrites its
own file) and the job result carries the path, size, sha256 and download URL.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from annotations.choices import AnnotationStatus, JobKind
from annotations.exporters import ExportRow, get_exporter, iter_export
from annotations.models import Job, Project
from annotations.selectors.export_access import export_access_check
from annotations.selectors.export_rows import export_rows
from annotations.selectors.exports import (
    GOLD_STATUSES,
    SOURCES,
    ExportFilters,
    export_count,
    export_scheme,
    export_split_options,
)
from annotations.services.jobs import (
    JobCancelled,
    job_claim,
    job_create,
    job_enqueue,
    job_fail,
    job_finish,
    job_progress,
)

logger = logging.getLogger(__name__)

DEFAULT_ASYNC_THRESHOLD = 5000
EXPORT_DIR = "exports"
JOB_PROGRESS_EVERY = 1000

RowWatch = Callable[[Iterator[ExportRow]], Iterator[ExportRow]]


class ExportFailed(ValueError):
    """The rows cannot be written in the format (e.g. spans that fit no token)."""


def async_threshold() -> int:
    return int(
        getattr(settings, "NEWSROOM_EXPORT_ASYNC_THRESHOLD", DEFAULT_ASYNC_THRESHOLD)
    )


def export_filename(*, project: Project, fmt: str, filters: ExportFilters) -> str:
    exporter = get_exporter(fmt)
    return f"{project.slug}-{filters.source}-{fmt}{exporter.extension}"


def filters_from_params(params: dict[str, Any]) -> ExportFilters:
    """Build (and check) filters from plain values: used by commands and jobs."""
    since = params.get("updated_since")
    if isinstance(since, str):
        parsed = parse_datetime(since)
        if parsed is None:
            raise ValidationError({"updated_since": [f"Not a datetime: {since!r}."]})
        since = parsed
    return ExportFilters(
        source=params.get("source", "gold"),
        statuses=tuple(params.get("statuses") or ()),
        guideline_version=params.get("guideline_version"),
        labels=tuple(params.get("labels") or ()),
        updated_since=since,
    )


def filters_to_params(filters: ExportFilters) -> dict[str, Any]:
    data = asdict(filters)
    data["statuses"] = list(filters.statuses)
    data["labels"] = list(filters.labels)
    if filters.updated_since is not None:
        data["updated_since"] = filters.updated_since.isoformat()
    return data


def export_check(*, project: Project, fmt: str, filters: ExportFilters) -> None:
    """Raise ValidationError for an unknown format, source, status or label."""
    errors: dict[str, list[str]] = {}
    try:
        get_exporter(fmt)
    except ValueError as error:
        errors["format"] = [str(error)]
    if filters.source not in SOURCES:
        errors["source"] = [
            f"Unknown source {filters.source!r}; use one of {', '.join(SOURCES)}."
        ]
    elif filters.source == "predictions":  # no status, no guideline version
        for field, given in (
            ("status", filters.statuses),
            ("guideline_version", filters.guideline_version),
        ):
            if given not in ((), None):
                errors[field] = [f"source=predictions has no {field} filter."]
    else:
        allowed = GOLD_STATUSES if filters.source == "gold" else AnnotationStatus.values
        unknown = [s for s in filters.statuses if s not in allowed]
        if unknown:
            errors["status"] = [
                f"Unknown status {', '.join(map(repr, unknown))} for source "
                f"{filters.source}; use {', '.join(allowed)}."
            ]
    known_labels = project.parsed_scheme.span_label_keys
    unknown_labels = [label for label in filters.labels if label not in known_labels]
    if unknown_labels:
        errors["labels"] = [
            f"Unknown span label(s): {', '.join(unknown_labels)}; the scheme has "
            f"{', '.join(known_labels)}."
        ]
    if errors:
        raise ValidationError(errors)


def export_stream(
    *,
    project: Project,
    fmt: str,
    filters: ExportFilters,
    names_visible: bool = False,
    watch: RowWatch | None = None,
    chunk_size: int | None = None,
) -> Iterator[bytes]:
    """The export's bytes in chunks, reading the database lazily: THE export pipeline.

    Checks the request (ValidationError), reads ``export_rows`` (the project's
    consensus included), lets ``watch`` see every row on its way (progress, release
    counts) and writes them with the format's exporter, the project's scheme and
    its deterministic split. Callers never assemble these parts themselves.
    """
    export_check(project=project, fmt=fmt, filters=filters)
    options = {} if chunk_size is None else {"chunk_size": chunk_size}
    rows = export_rows(
        project=project, filters=filters, names_visible=names_visible, **options
    )
    return iter_export(
        get_exporter(fmt),
        watch(rows) if watch is not None else rows,
        scheme=export_scheme(project=project, labels=filters.labels),
        **export_split_options(project),
    )


def count_articles(report: Callable[[int], None], *, every: int = 1) -> RowWatch:
    """A ``watch`` that reports how many new articles went by, ``every`` at a time."""

    def watch(rows: Iterator[ExportRow]) -> Iterator[ExportRow]:
        last, pending = None, 0
        for row in rows:
            if row.article_id != last:
                last, pending = row.article_id, pending + 1
                if pending >= every:
                    report(pending)
                    pending = 0
            yield row
        if pending:
            report(pending)

    return watch


def export_needs_job(*, project: Project, filters: ExportFilters) -> bool:
    return export_count(project=project, filters=filters) > async_threshold()


@dataclass
class ExportDownload:
    """A streamed export ready to send: its first chunk is already written."""

    filename: str
    media_type: str
    chunks: Iterator[bytes]


def export_start(
    *, project: Project, fmt: str, filters: ExportFilters, mode: str, created_by
) -> Job | ExportDownload:
    """One export request of a member: a queued job (big, or ``mode=job``) or a stream.

    ``project`` comes from ``project_get_for_export``. Raises PermissionDenied when
    the role may not export ``filters.source``, ValidationError for bad filters and
    ExportFailed when the rows cannot be written in ``fmt``.
    """
    access = export_access_check(project=project, source=filters.source)
    export_check(project=project, fmt=fmt, filters=filters)
    if mode == "job" or (
        mode == "auto" and export_needs_job(project=project, filters=filters)
    ):
        return export_job_create(
            project=project,
            fmt=fmt,
            filters=filters,
            names_visible=access.names_visible,
            created_by=created_by,
        )
    chunks = export_stream(
        project=project, fmt=fmt, filters=filters, names_visible=access.names_visible
    )
    try:
        first = next(chunks, b"")
    except ValueError as error:
        raise ExportFailed(f"Cannot export: {error}") from error
    return ExportDownload(
        filename=export_filename(project=project, fmt=fmt, filters=filters),
        media_type=get_exporter(fmt).media_type,
        chunks=_prepend(first, chunks),
    )


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def export_job_create(
    *,
    project: Project,
    fmt: str,
    filters: ExportFilters,
    names_visible: bool,
    created_by=None,
) -> Job:
    """Queue an export job; the task is sent once the transaction commits."""
    export_check(project=project, fmt=fmt, filters=filters)
    job = job_create(
        kind=JobKind.EXPORT,
        project=project,
        created_by=created_by,
        total=export_count(project=project, filters=filters),
        params={
            "format": fmt,
            "filters": filters_to_params(filters),
            "names_visible": names_visible,
        },
    )
    return job_enqueue(job)


def export_job_path(job: Job) -> str:
    fmt = job.params["format"]
    filters = filters_from_params(job.params["filters"])
    name = export_filename(project=job.project, fmt=fmt, filters=filters)
    return f"{EXPORT_DIR}/{job.pk}/{name}"


def export_job_run(*, job_id: str) -> dict[str, Any]:
    """Write the export file of a queued job (idempotent: a claimed job is left alone)."""
    if not job_claim(job_id=job_id):
        return Job.objects.get(pk=job_id).result
    job = Job.objects.select_related("project").get(pk=job_id)
    try:
        path = export_job_path(job)
        chunks = export_stream(
            project=job.project,
            fmt=job.params["format"],
            filters=filters_from_params(job.params["filters"]),
            names_visible=bool(job.params.get("names_visible")),
            watch=count_articles(
                lambda n: job_progress(job_id=job_id, done=n),
                every=JOB_PROGRESS_EVERY,
            ),
        )
        size, sha256 = storage_write_chunks(path, chunks, overwrite=True)
    except JobCancelled:  # an admin cancelled it; the row already says so
        return {}
    except Exception as error:
        logger.exception("export job %s failed", job_id)
        job_fail(job_id=job_id, error=f"{type(error).__name__}: {error}")
        raise
    result = {
        "path": path,
        "name": path.rsplit("/", 1)[-1],
        "size": size,
        "sha256": sha256,
        "download_url": reverse("api:job-download", kwargs={"job_id": job.pk}),
    }
    job_finish(job_id=job_id, result=result)
    return result


def export_file_write(
    *,
    project: Project,
    fmt: str,
    filters: ExportFilters,
    out: Path,
    names_visible: bool = False,
    overwrite: bool = False,
    progress=None,
) -> int:
    """Write an export to a local file (the command); return how many rows.

    The bytes go to ``<out>.partial`` first and replace ``out`` once complete, so a
    failed export leaves no half-written file. ``progress`` is a tqdm-like object:
    its ``total`` is set to the number of articles and ``update()`` called per
    article. ValidationError for bad filters or paths, ExportFailed when the rows
    cannot be written in ``fmt``.
    """
    if out.exists() and not overwrite:
        raise ValidationError(f"{out} exists; pass --force to overwrite it.")
    if not out.parent.is_dir():
        raise ValidationError(f"No such directory: {out.parent}")
    export_check(project=project, fmt=fmt, filters=filters)
    written = 0

    def watch(rows: Iterator[ExportRow]) -> Iterator[ExportRow]:
        nonlocal written
        for row in rows:
            written += 1
            yield row

    if progress is not None:
        progress.total = export_count(project=project, filters=filters)
        articles = count_articles(progress.update)
        watch = _chain_watches(articles, watch)
    partial = out.with_name(out.name + ".partial")
    try:
        with partial.open("wb") as handle:
            for chunk in export_stream(
                project=project,
                fmt=fmt,
                filters=filters,
                names_visible=names_visible,
                watch=watch,
            ):
                handle.write(chunk)
    except ValueError as error:
        partial.unlink(missing_ok=True)
        raise ExportFailed(f"Cannot export: {error}") from error
    partial.replace(out)
    return written


def _chain_watches(*watches: RowWatch) -> RowWatch:
    def watch(rows: Iterator[ExportRow]) -> Iterator[ExportRow]:
        for each in watches:
            rows = each(rows)
        return rows

    return watch


def storage_write_chunks(
    path: str, chunks: Iterable[bytes], *, overwrite: bool = False
) -> tuple[int, str]:
    """Write chunks to ``default_storage`` at ``path``; return (size, sha256).

    The chunks go through a spooled temporary file, so any storage backend works
    (S3 included) and memory stays bounded. ``overwrite`` deletes an old file at the
    path first (exports: a retried job); releases never overwrite.
    """
    digest = hashlib.sha256()
    size = 0
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as buffer:
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            buffer.write(chunk)
        buffer.seek(0)
        if overwrite and default_storage.exists(path):
            default_storage.delete(path)
        saved = default_storage.save(path, File(buffer, name=path.rsplit("/", 1)[-1]))
    if saved != path:
        raise RuntimeError(f"storage saved {saved!r} instead of {path!r}")
    return size, digest.hexdigest()
