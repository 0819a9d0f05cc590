"""Reads for job control: the jobs page of a project, a job an admin may act on.

Imported by views and the API; imports models, the role predicates and the
access helpers. Visibility follows ``access.job_get_for_user`` (outsiders get
404); acting on a job needs the admin role in its project (site superusers for
jobs without a project).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from annotations import permissions
from annotations.models import Job, Project
from annotations.selectors.access import job_get_for_user, role_in_project

#: How many jobs the jobs page lists.
JOBS_SHOWN = 50


def job_get_for_admin(*, user, job_id, project: Project | None = None) -> Job:
    """A job the user may retry or cancel; Http404 if unseen, PermissionDenied if not admin.

    With ``project`` (the pages, whose URL names one) a job of another project is 404.
    """
    job = job_get_for_user(user=user, job_id=job_id)
    if project is not None and job.project_id != project.pk:
        raise Http404("No such job.")
    if job.project_id is None:
        allowed = user.is_superuser
    else:
        role = role_in_project(user=user, project=job.project)
        allowed = permissions.can_manage_project(role)
    if not allowed:
        raise PermissionDenied("Only the project's admins can retry or cancel jobs.")
    return job


def job_list_for_project(*, project: Project) -> QuerySet[Job]:
    """The project's latest jobs, newest first, with who started or cancelled them."""
    return (
        Job.objects.filter(project=project)
        .select_related("created_by", "cancelled_by")
        .defer("params", "result")
        .order_by("-created_at")[:JOBS_SHOWN]
    )


def job_latest_for_project(*, project: Project, kind: str) -> Job | None:
    return (
        Job.objects.filter(project=project, kind=kind).order_by("-created_at").first()
    )
