"""Reads behind the article manager and the import page (``/projects/<slug>/articles/``).

Imported by ``views.articles`` and ``views.article_import``; imports the models,
the access helpers and ``selectors.article_list``. Who may open what is decided
here, once: admins and reviewers read the manager, admins act on it and import
(``permissions.can_review`` / ``can_manage_project``, the same rules as the
navigation); outsiders get 404, other members a styled 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from annotations import permissions
from annotations.choices import JobKind
from annotations.models import (
    Annotation,
    Article,
    GoldAnnotation,
    GuidelineVersion,
    Job,
    Membership,
    Project,
)
from annotations.selectors.access import User, job_get_for_user, project_get_for_user


@dataclass(frozen=True)
class ManagerOptions:
    """The choices of the manager's filters and bulk forms for this project."""

    annotators: tuple[str, ...]  # members who may annotate (assign targets)
    labels: tuple[str, ...]
    guideline_versions: tuple[int, ...]
    batches: tuple[tuple[str, str], ...]  # (job id, "file name · date")


@dataclass(frozen=True)
class DeletePreview:
    articles: int
    annotations: int
    gold: int


def article_manager_project(*, user: User, slug: str, manage: bool = False) -> Project:
    """The project for the manager (reviewers and admins), or for its actions (admins).

    Http404 for non-members, PermissionDenied for members whose role may not.
    """
    project = project_get_for_user(user=user, slug=slug)
    if manage and not permissions.can_manage_project(project.user_role):
        raise PermissionDenied(_("Only the project's admins change its articles."))
    if not permissions.can_review(project.user_role):
        raise PermissionDenied(_("Only reviewers and admins see the article manager."))
    return project


def manager_options(*, project: Project) -> ManagerOptions:
    """Annotators, span labels, guideline versions and import batches (three queries)."""
    username = get_user_model().USERNAME_FIELD
    annotate_roles = [
        role
        for role, _label in Membership._meta.get_field("role").choices
        if permissions.can_annotate(role)
    ]
    annotators = (
        Membership.objects.filter(project=project, role__in=annotate_roles)
        .order_by(f"user__{username}")
        .values_list(f"user__{username}", flat=True)
    )
    versions = GuidelineVersion.objects.filter(project=project).values_list(
        "number", flat=True
    )
    batches = Job.objects.filter(project=project, kind=JobKind.IMPORT).order_by(
        "-created_at"
    )[:50]
    return ManagerOptions(
        annotators=tuple(annotators),
        labels=tuple(project.parsed_scheme.span_label_keys),
        guideline_versions=tuple(sorted(versions, reverse=True)),
        batches=tuple(
            (
                str(job.pk),
                f"{job.params.get('filename') or _('pasted text')} · "
                f"{job.created_at:%Y-%m-%d %H:%M}",
            )
            for job in batches
        ),
    )


def article_ids_in_project(*, project: Project, ids: list[int]) -> list[int]:
    """The subset of ``ids`` that are articles of ``project`` (sorted)."""
    return sorted(
        Article.objects.filter(project=project, pk__in=ids).values_list("pk", flat=True)
    )


def article_delete_preview(*, project: Project, ids: list[int]) -> DeletePreview:
    """What deleting these articles takes with it, shown before the admin confirms."""
    return DeletePreview(
        articles=Article.objects.filter(project=project, pk__in=ids).count(),
        annotations=Annotation.objects.filter(
            article__project=project, article_id__in=ids
        ).count(),
        gold=GoldAnnotation.objects.filter(
            article__project=project, article_id__in=ids
        ).count(),
    )


def import_job_get(*, user: User, slug: str, job_id) -> tuple[Project, Job]:
    """An import job of this project for its admins; Http404 for anything else."""
    project = article_manager_project(user=user, slug=slug, manage=True)
    job = job_get_for_user(user=user, job_id=job_id)
    if job.project_id != project.pk or job.kind != JobKind.IMPORT:
        raise Http404("No such job.")
    return project, job
