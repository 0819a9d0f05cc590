"""Dataset exports: the automatic consensus, streamed exports and export jobs.

Imported by the API, commands and tasks; uses the ``exports`` selector, the
``exporters`` leaf package, the job services and Django's storage API.

**Automatic consensus** (``source=gold`` where an article has no adjudicated gold
yet), configured per project in ``Project.consensus``::

    {"question_threshold": 0.5, "span_min_annotators": 2}

- The article needs ``required = min(span_min_annotators, project.overlap)``
  submitted annotations, else it is left out of the gold export.
- A span ``(start, end, label)`` is kept when at least ``required`` annotators
  marked exactly it (exact offsets and label; no partial credit).
- Answers follow the canonical rule of ``services.gold.merge_annotations`` (the
  one that pre-fills the reviewer's gold draft): a single-choice question takes the
  most frequent answer when its share of the annotators who answered reaches
  ``question_threshold`` and no other answer ties with it; a multiple-choice
  question takes every choice picked by more than that share (at least, when the
  threshold is above 0.5). Where the project forbids overlapping spans, the better
  supported span wins.
- The row's guideline version is the lowest among the merged annotations (the
  oldest rules any of them followed), and ``meta["newsroom"]`` is
  ``{"gold": "consensus", "annotators": n, "rule": ...}``.

**Large exports** (more articles than ``settings.NEWSROOM_EXPORT_ASYNC_THRESHOLD``,
default 5,000) run as a Celery job: the file is written through
``default_storage`` to ``exports/<job id>/<file name>`` (a retry overwrites its
own file) and the job result carries the path, size, sha256 and download URL.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from annotations.choices import AnnotationStatus, JobKind
from annotations.exporters import DEFAULT_RATIOS, get_exporter, iter_export
from annotations.models import Job, Project
from annotations.selectors.exports import (
    GOLD_STATUSES,
    SOURCES,
    ConsensusResult,
    ExportFilters,
    SourceAnnotation,
    export_count,
    export_rows,
    export_scheme,
)
from annotations.services.gold import merge_annotations
from annotations.services.jobs import (
    job_claim,
    job_create,
    job_fail,
    job_finish,
    job_progress,
)

logger = logging.getLogger(__name__)

DEFAULT_CONSENSUS = {"question_threshold": 0.5, "span_min_annotators": 2}
DEFAULT_ASYNC_THRESHOLD = 5000
EXPORT_DIR = "exports"
CONSENSUS_RULE = (
    "spans marked identically by >= min(span_min_annotators, overlap) annotators; "
    "answers chosen by question_threshold of those who answered, ties dropped "
    "(services.gold.merge_annotations)"
)


def async_threshold() -> int:
    return int(
        getattr(settings, "NEWSROOM_EXPORT_ASYNC_THRESHOLD", DEFAULT_ASYNC_THRESHOLD)
    )


@dataclass(frozen=True)
class ConsensusSettings:
    question_threshold: float = 0.5
    span_min_annotators: int = 2

    @classmethod
    def for_project(cls, project: Project) -> ConsensusSettings:
        raw = {**DEFAULT_CONSENSUS, **(project.consensus or {})}
        threshold = float(raw["question_threshold"])
        minimum = int(raw["span_min_annotators"])
        return cls(
            question_threshold=threshold,
            span_min_annotators=max(1, min(minimum, project.overlap)),
        )


def consensus_merge(
    annotations: Sequence[SourceAnnotation],
    *,
    config: ConsensusSettings,
    multiple: dict[str, bool],
    allow_overlap: bool = True,
) -> ConsensusResult | None:
    """The automatic consensus of one article's submitted annotations (see module doc).

    The rule itself is ``services.gold.merge_annotations``, the same one that
    pre-fills the reviewer's gold draft; this adds the export's completeness
    gate. ``multiple`` maps question keys to whether they take several
    choices. Pure: no database access. Returns None when there are too few
    annotations.
    """
    required = config.span_min_annotators
    if len(annotations) < required:
        return None
    merged = merge_annotations(
        [(a.labels, a.spans) for a in annotations],
        questions=[(key, is_multiple, ()) for key, is_multiple in multiple.items()],
        question_threshold=config.question_threshold,
        min_annotators=required,
        allow_overlap=allow_overlap,
    )
    versions = [
        a.guideline_version for a in annotations if a.guideline_version is not None
    ]
    return ConsensusResult(
        spans=tuple(merged.spans),
        labels=merged.labels,
        guideline_version=min(versions) if versions else None,
        info={
            "annotators": len(annotations),
            "rule": CONSENSUS_RULE,
            "question_threshold": config.question_threshold,
            "span_min_annotators": required,
        },
    )


def project_consensus(project: Project):
    """The consensus function for ``export_rows`` bound to the project's settings."""
    config = ConsensusSettings.for_project(project)
    multiple = {q.key: q.multiple for q in project.parsed_scheme.questions}

    def merge(annotations: Sequence[SourceAnnotation]) -> ConsensusResult | None:
        return consensus_merge(
            annotations,
            config=config,
            multiple=multiple,
            allow_overlap=project.allow_overlapping_spans,
        )

    return merge


def split_options(project: Project) -> dict[str, Any]:
    """Seed and ratios of the project's deterministic split."""
    ratios = tuple(project.split_ratios) if project.split_ratios else DEFAULT_RATIOS
    return {"seed": project.split_seed or project.slug, "ratios": ratios}


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


def export_iter(
    *,
    project: Project,
    fmt: str,
    filters: ExportFilters,
    names_visible: bool,
    chunk_size: int | None = None,
) -> Iterator[bytes]:
    """The export's bytes in chunks, reading the database lazily."""
    export_check(project=project, fmt=fmt, filters=filters)
    options = {} if chunk_size is None else {"chunk_size": chunk_size}
    rows = export_rows(
        project=project,
        filters=filters,
        names_visible=names_visible,
        consensus=project_consensus(project),
        **options,
    )
    return iter_export(
        get_exporter(fmt),
        rows,
        scheme=export_scheme(project=project, labels=filters.labels),
        **split_options(project),
    )


def export_needs_job(*, project: Project, filters: ExportFilters) -> bool:
    return export_count(project=project, filters=filters) > async_threshold()


def export_job_create(
    *,
    project: Project,
    fmt: str,
    filters: ExportFilters,
    names_visible: bool,
    created_by=None,
) -> Job:
    """Queue an export job; the task is sent once the transaction commits."""
    from annotations.tasks import export_task

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
    transaction.on_commit(lambda: export_task.delay(str(job.pk)))
    return job


def export_job_path(job: Job) -> str:
    fmt = job.params["format"]
    filters = filters_from_params(job.params["filters"])
    name = export_filename(project=job.project, fmt=fmt, filters=filters)
    return f"{EXPORT_DIR}/{job.pk}/{name}"


class _CountingRows:
    """Wrap the rows to report progress to the job every ``every`` rows."""

    def __init__(self, rows, job_id: str, every: int = 1000):
        self.rows, self.job_id, self.every = rows, job_id, every

    def __iter__(self):
        article_ids: set[int] = set()
        pending = 0
        for row in self.rows:
            if row.article_id not in article_ids:
                article_ids.add(row.article_id)
                pending += 1
                if pending >= self.every:
                    job_progress(job_id=self.job_id, done=pending)
                    pending = 0
            yield row
        if pending:
            job_progress(job_id=self.job_id, done=pending)


def export_job_run(*, job_id: str) -> dict[str, Any]:
    """Write the export file of a queued job (idempotent: a claimed job is left alone)."""
    if not job_claim(job_id=job_id):
        return Job.objects.get(pk=job_id).result
    job = Job.objects.select_related("project").get(pk=job_id)
    try:
        fmt = job.params["format"]
        filters = filters_from_params(job.params["filters"])
        project = job.project
        export_check(project=project, fmt=fmt, filters=filters)
        rows = export_rows(
            project=project,
            filters=filters,
            names_visible=bool(job.params.get("names_visible")),
            consensus=project_consensus(project),
        )
        path = export_job_path(job)
        size, sha256 = storage_write_chunks(
            path,
            iter_export(
                get_exporter(fmt),
                _CountingRows(rows, job_id),
                scheme=export_scheme(project=project, labels=filters.labels),
                **split_options(project),
            ),
            overwrite=True,
        )
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


def storage_write_chunks(
    path: str, chunks: Iterator[bytes], *, overwrite: bool = False
) -> tuple[int, str]:
    """Write chunks to ``default_storage`` at ``path``; return (size, sha256).

    The chunks go through a spooled temporary file, so any storage backend works
    (S3 included) and memory stays bounded. ``overwrite`` deletes an old file at the
    path first (exports: a retried job); releases never overwrite.
    """
    import tempfile

    from django.core.files import File

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
