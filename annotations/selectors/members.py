"""Reads of project members, for the members page and ``/api/v1/projects/{id}/members/``.

These take a ``project`` the caller fetched through ``selectors.projects
.project_get_for_admin`` (admin role checked); imports models only.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from annotations.models import Membership, Project


def member_list(*, project: Project) -> QuerySet[Membership]:
    """The project's memberships with their users, by username."""
    return (
        Membership.objects.filter(project=project)
        .select_related("user")
        .order_by("user__username")
    )


def member_get(*, project: Project, username: str) -> Membership:
    """The membership of ``username`` in the project, or Http404."""
    membership = member_list(project=project).filter(user__username=username).first()
    if membership is None:
        raise Http404("No such member.")
    return membership
