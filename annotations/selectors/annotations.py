"""Reading other people's annotations: the scoped annotation list of a project.

Imported by the API (``GET /api/v1/projects/{id}/annotations/``); imports the models
and the export role policy (``selectors.export_access``), so the list and the
``source=annotations`` export answer the same question the same way.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from annotations.choices import Role
from annotations.models import Annotation, Project
from annotations.selectors.access import role_in_project
from annotations.selectors.export_access import export_access


def annotation_list_empty() -> QuerySet[Annotation]:
    """No annotations: what the list answers while drf-spectacular inspects the view."""
    return Annotation.objects.none()


def annotation_list_for_user(
    *, user, project: Project
) -> tuple[QuerySet[Annotation], bool]:
    """Annotations of ``project`` the user may read, and whether names are visible.

    Reviewers and admins: all, with names. Annotators: their own only. ML engineers:
    all, pseudonymised, only where ``project.ml_can_see_annotations``; otherwise
    ``PermissionDenied``. ``project`` must come from ``project_get_for_user`` (the
    membership check, 404 for outsiders).
    """
    role = role_in_project(user=user, project=project)
    queryset = (
        Annotation.objects.filter(article__project=project)
        .select_related("guideline_version", "annotator")
        .prefetch_related("spans")
    )
    access = export_access(project=project, role=role)
    if access.read_individual:
        return queryset, access.names_visible
    if role == Role.ANNOTATOR:
        return queryset.filter(annotator=user), True
    raise PermissionDenied(
        "Your role cannot read individual annotations in this project."
        if role != Role.ML_ENGINEER
        else "This project does not let ML engineers read individual annotations; "
        "use the gold export."
    )
