"""Reads for dataset releases: the list, one release, one file, the manifest's agreement.

Imported by the API, the export page's selector and the release service; imports the models, the ``agreement``
leaf package and the access and export-policy selectors.
Outsiders get Http404 (never 403); members whose role cannot export get
PermissionDenied (``selectors.export_access``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from annotations import agreement
from annotations.choices import AnnotationStatus
from annotations.models import Annotation, AnnotationSpan, Project, Release
from annotations.models.releases import ReleaseFile
from annotations.selectors.access import User, project_get_for_user
from annotations.selectors.export_access import export_access_check

CANNOT_READ_RELEASES = "Your role cannot read releases."


def release_list_for_project(*, project: Project) -> QuerySet[Release]:
    """The project's releases, newest first, with their files and authors.

    ``project`` is one the caller may export from (``project_get_for_export``).
    """
    return (
        Release.objects.filter(project=project)
        .select_related("created_by")
        .prefetch_related("files")
        .order_by("-number")
    )


def release_list_for_user(*, user: User, project_id: int) -> QuerySet[Release]:
    """The project's releases for a member whose role may read them."""
    project = project_get_for_user(user=user, pk=project_id)
    export_access_check(project=project, denied=CANNOT_READ_RELEASES)
    return release_list_for_project(project=project)


def release_get_for_user(*, user: User, release_id: int) -> Release:
    """A release the user may read (``project.user_role`` set), or Http404/403."""
    release = (
        Release.objects.filter(pk=release_id, project__memberships__user=user)
        .select_related("created_by")
        .first()
        if user.is_authenticated
        else None
    )
    if release is None:
        raise Http404("No such release.")
    release.project = project_get_for_user(user=user, pk=release.project_id)
    export_access_check(project=release.project, denied=CANNOT_READ_RELEASES)
    return release


def release_file_get_for_user(*, user: User, release_id: int, name: str) -> ReleaseFile:
    """One stored file of a release the user may read, or Http404."""
    release = release_get_for_user(user=user, release_id=release_id)
    stored = release.files.filter(name=name).first()
    if stored is None:
        raise Http404("No such file in this release.")
    return stored


def release_agreement(project: Project) -> dict[str, Any]:
    """Agreement of the submitted annotations (contract shape, without annotators)."""
    scheme = project.parsed_scheme
    ratings: dict[str, list] = defaultdict(list)
    span_items: list[tuple[int, int, list]] = []
    submitted = Annotation.objects.filter(
        article__project=project, status=AnnotationStatus.SUBMITTED
    ).order_by("article_id", "id")
    spans_by_annotation: dict[int, list] = defaultdict(list)
    for owner, start, end, label in (
        AnnotationSpan.objects.filter(annotation__in=submitted)
        .order_by()
        .values_list("annotation_id", "start", "end", "label")
    ):
        spans_by_annotation[owner].append((start, end, label))
    for pk, article_id, annotator_id, labels in submitted.values_list(
        "id", "article_id", "annotator_id", "labels"
    ):
        for key, value in (labels or {}).items():
            ratings[key].append((article_id, annotator_id, value))
        span_items.append((article_id, annotator_id, spans_by_annotation.get(pk, [])))
    questions = {}
    for question in scheme.questions:
        result = agreement.question_agreement(
            ratings.get(question.key, []),
            level=question.level,
            categories=list(question.choice_keys),
        )
        questions[question.key] = result.as_dict()
    spans = {
        label: result.as_dict()
        for label, result in agreement.span_agreement(
            span_items, labels=list(scheme.span_label_keys)
        ).items()
    }
    return {
        "questions": questions,
        "spans": spans,
        "computed_at": timezone.now().isoformat(),
    }
