"""What an export covers: its filters, the articles it touches, its scheme and settings.

Imported by services (exports, releases, training), selectors (``export_rows``) and
the API; imports the models, the ``exporters`` and ``consensus`` leaves, the access
selectors and the export role policy. The rows themselves are built in
``selectors.export_rows``; who may export what is decided in
``selectors.export_access``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from annotations.choices import AnnotationStatus, GoldStatus, JobKind, JobStatus
from annotations.consensus import ConsensusSettings
from annotations.errors import ConflictError
from annotations.exporters import DEFAULT_RATIOS, ExportQuestion, ExportScheme
from annotations.models import (
    Annotation,
    Article,
    GoldAnnotation,
    Job,
    Prediction,
    Project,
)
from annotations.selectors.access import job_get_for_user, project_get_for_user
from annotations.selectors.export_access import export_access_check

SOURCES = ("gold", "annotations", "predictions")
#: ``status`` values of a gold export: which kinds of gold rows to include.
GOLD_STATUSES = (GoldStatus.FINAL, GoldStatus.DRAFT, "consensus")
DEFAULT_GOLD_STATUSES = (GoldStatus.FINAL, "consensus")
DEFAULT_ANNOTATION_STATUSES = (AnnotationStatus.SUBMITTED,)


@dataclass(frozen=True)
class ExportFilters:
    """What to export. ``statuses`` empty means the source's default."""

    source: str = "gold"
    statuses: tuple[str, ...] = ()
    guideline_version: int | None = None  # at most this version
    labels: tuple[str, ...] = ()  # keep only spans with these labels; empty = all
    updated_since: datetime | None = None

    @property
    def effective_statuses(self) -> tuple[str, ...]:
        if self.statuses:
            return self.statuses
        return (
            DEFAULT_GOLD_STATUSES
            if self.source == "gold"
            else DEFAULT_ANNOTATION_STATUSES
        )

    @property
    def gold_statuses(self) -> list[str]:
        """The requested statuses that name kinds of stored gold (final, draft)."""
        return [s for s in self.effective_statuses if s in GoldStatus.values]

    @property
    def annotation_statuses(self) -> tuple[str, ...]:
        """Statuses of the annotations read: gold exports merge submitted ones."""
        if self.source == "gold":
            return (AnnotationStatus.SUBMITTED,)
        return self.effective_statuses


def export_scheme(*, project: Project, labels: Sequence[str] = ()) -> ExportScheme:
    """The project's scheme for the exporters (span labels limited to ``labels``)."""
    scheme = project.parsed_scheme
    span_labels = tuple(
        key for key in scheme.span_label_keys if not labels or key in labels
    )
    return ExportScheme(
        language=project.language,
        span_labels=span_labels,
        questions=tuple(
            ExportQuestion(key=q.key, choices=q.choice_keys, multiple=q.multiple)
            for q in scheme.questions
        ),
    )


def export_split_options(project: Project) -> dict[str, Any]:
    """Seed and ratios of the project's deterministic split."""
    ratios = tuple(project.split_ratios) if project.split_ratios else DEFAULT_RATIOS
    return {"seed": project.split_seed or project.slug, "ratios": ratios}


def consensus_settings_for_project(project: Project) -> ConsensusSettings:
    """The project's consensus settings (``Project.consensus``, capped by its overlap)."""
    return ConsensusSettings.from_raw(project.consensus, overlap=project.overlap)


def annotation_q(filters: ExportFilters) -> Q:
    """Annotations of the filters' statuses and guideline versions."""
    q = Q(status__in=list(filters.annotation_statuses))
    if filters.guideline_version is not None:
        q &= Q(guideline_version__number__lte=filters.guideline_version)
    return q


def _gold_q(filters: ExportFilters) -> Q:
    q = Q(status__in=filters.gold_statuses)
    if filters.guideline_version is not None:
        q &= Q(guideline_version__number__lte=filters.guideline_version)
    return q


def export_article_queryset(
    *, project: Project, filters: ExportFilters
) -> QuerySet[Article]:
    """Articles that may produce at least one row (ordered by id)."""
    articles = Article.objects.filter(project=project)
    annotations = Annotation.objects.filter(
        annotation_q(filters), article=OuterRef("pk")
    )
    if filters.updated_since is not None:
        annotations = annotations.filter(updated_at__gte=filters.updated_since)
    if filters.source == "annotations":
        return articles.filter(Exists(annotations)).order_by("id")
    if filters.source == "predictions":
        predictions = Prediction.objects.filter(article=OuterRef("pk"))
        if filters.updated_since is not None:
            predictions = predictions.filter(created_at__gte=filters.updated_since)
        return articles.filter(Exists(predictions)).order_by("id")
    condition = Q(pk__in=[])
    if filters.gold_statuses:
        gold = GoldAnnotation.objects.filter(_gold_q(filters), article=OuterRef("pk"))
        if filters.updated_since is not None:
            gold = gold.filter(updated_at__gte=filters.updated_since)
        condition |= Q(Exists(gold))
    if "consensus" in filters.effective_statuses:
        condition |= Q(Exists(annotations))
    return articles.filter(condition).order_by("id")


def export_count(*, project: Project, filters: ExportFilters) -> int:
    """How many articles the export touches (an upper bound for gold exports)."""
    return export_article_queryset(project=project, filters=filters).count()


def export_job_file_get_for_user(*, user, job_id) -> Job:
    """A finished export job whose file the user may download.

    Http404 for jobs of other projects and jobs without a file, PermissionDenied for
    roles that cannot export, ConflictError (409) while the job is not done.
    """
    job = job_get_for_user(user=user, job_id=job_id)
    if job.kind != JobKind.EXPORT or job.project_id is None:
        raise Http404("This job has no file.")
    project = project_get_for_user(user=user, pk=job.project_id)
    export_access_check(project=project)
    if job.status != JobStatus.DONE:
        raise ConflictError(
            f"The export is {job.status}; download it once the job is done."
        )
    return job
