"""Reads behind the export and releases page (``/projects/<slug>/exports/``).

Imported by ``views.exports``; imports the models, the exporter registry and the
export, release and access selectors. What a member may take out of the project
is never decided here: the sources offered are those ``export_access_check``
lets through, and the release button shows only where ``release_cut_check``
would let the cut through, so the page offers exactly what the API answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from annotations.choices import AnnotationStatus, JobKind
from annotations.exporters import REGISTRY
from annotations.models import Job, Project, Release
from annotations.selectors.access import User, job_get_for_user
from annotations.selectors.export_access import (
    ExportAccess,
    export_access_check,
    project_get_for_export,
)
from annotations.selectors.exports import GOLD_STATUSES, SOURCES
from annotations.selectors.guidelines import guideline_version_list
from annotations.selectors.releases import release_list_for_project

PAGE_JOB_KINDS = (JobKind.EXPORT, JobKind.RELEASE)


@dataclass(frozen=True)
class ExportOptions:
    """What the export form offers this member."""

    formats: tuple[str, ...]
    sources: tuple[str, ...]
    statuses: dict[str, tuple[str, ...]]  # source -> its status values
    labels: tuple[str, ...]
    guideline_versions: tuple[int, ...]


@dataclass(frozen=True)
class ExportPage:
    project: Project
    access: ExportAccess
    options: ExportOptions
    releases: list[Release]


def export_statuses(source: str) -> tuple[str, ...]:
    """The ``status`` values a source knows (gold kinds, or annotation states)."""
    if source == "gold":
        return tuple(GOLD_STATUSES)
    if source == "annotations":
        return tuple(AnnotationStatus.values)
    return ()


def export_options(*, project: Project) -> ExportOptions:
    """Formats of the registry, the sources the caller's role may export, filters."""
    sources = []
    for source in SOURCES:
        try:
            export_access_check(project=project, source=source)
        except PermissionDenied:
            continue
        sources.append(source)
    return ExportOptions(
        formats=tuple(REGISTRY),
        sources=tuple(sources),
        statuses={source: export_statuses(source) for source in sources},
        labels=tuple(project.parsed_scheme.span_label_keys),
        guideline_versions=tuple(
            guideline_version_list(project=project).values_list("number", flat=True)
        ),
    )


def export_page_read(*, user: User, slug: str) -> ExportPage:
    """The page's project, the caller's access, the form's options and the releases.

    Http404 for outsiders, PermissionDenied for roles that cannot export.
    """
    project = project_get_for_export(user=user, slug=slug)
    access = export_access_check(project=project)
    return ExportPage(
        project=project,
        access=access,
        options=export_options(project=project),
        releases=list(release_list_for_project(project=project)),
    )


def export_page_job_get(*, user: User, slug: str, job_id) -> tuple[Project, Job]:
    """An export or release job of this project, for a member who may export.

    Http404 for outsiders, for jobs of other projects and for other kinds of job
    (the same rule as ``GET /api/v1/jobs/{id}/``, narrowed to this page).
    """
    project = project_get_for_export(user=user, slug=slug)
    job = job_get_for_user(user=user, job_id=job_id)
    if job.project_id != project.pk or job.kind not in PAGE_JOB_KINDS:
        raise Http404("No such job.")
    return project, job
