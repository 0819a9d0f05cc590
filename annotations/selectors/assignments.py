"""Reads of work distribution for project admins: the assignments of a project.

Imported by the API (``api/review.py``); imports models. Callers have already
proved that the user manages the project.
"""

from __future__ import annotations

from django.db.models import QuerySet

from annotations.choices import AssignmentState
from annotations.models import Assignment, Project

LIST_LIMIT = 1000


def assignment_list_for_project(
    *, project: Project, article_id: int | None = None
) -> QuerySet[Assignment]:
    """Active (not released) assignments of the project, by article, at most 1000."""
    assignments = (
        Assignment.objects.filter(article__project=project)
        .exclude(state=AssignmentState.RELEASED)
        .select_related("annotator", "assigned_by")
        .order_by("article_id", "pk")
    )
    if article_id is not None:
        assignments = assignments.filter(article_id=article_id)
    return assignments[:LIST_LIMIT]


def assignment_get_in_project(
    *, project: Project, assignment_id: int
) -> Assignment | None:
    """One assignment of the project (with its article and project), or None."""
    return (
        Assignment.objects.filter(pk=assignment_id, article__project=project)
        .select_related("article__project")
        .first()
    )
