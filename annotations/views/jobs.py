"""The jobs page of a project (admins): every background job, its state, retry and cancel.

Reads through ``selectors.jobs``; retry and cancel are ``services.job_control``'s
use-cases, the same the API calls (``POST /api/v1/jobs/{id}/retry|cancel/``).
A POST from htmx answers with the job's row and triggers ``jobChanged`` (the
pre-annotation panel refreshes on it); without JavaScript it redirects back.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from annotations import permissions, selectors
from annotations.errors import ConflictError
from annotations.selectors.jobs import job_get_for_admin, job_list_for_project
from annotations.services.job_control import job_cancel, job_retry

ACTIONS = {"retry": job_retry, "cancel": job_cancel}


@require_GET
@login_required
def job_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The page; with ``HX-Request`` only its table (polled while a job is active)."""
    project = selectors.project_get_for_user(user=request.user, slug=slug)
    if not permissions.can_manage_project(project.user_role):
        raise PermissionDenied
    jobs = list(job_list_for_project(project=project))
    context = {
        "project": project,
        "jobs": jobs,
        "any_active": any(job.status in ("queued", "running") for job in jobs),
    }
    template = (
        "annotations/jobs/_table.html" if request.htmx else "annotations/jobs/list.html"
    )
    return render(request, template, context)


@require_POST
@login_required
def job_action(request: HttpRequest, slug: str, job_id, action: str) -> HttpResponse:
    """Retry or cancel one job (admins); a refused transition is shown in place."""
    if action not in ACTIONS:
        raise Http404("No such action.")
    project = selectors.project_get_for_user(user=request.user, slug=slug)
    job = job_get_for_admin(user=request.user, job_id=job_id, project=project)
    error = ""
    try:
        job = ACTIONS[action](job=job, user=request.user)
    except ConflictError as exc:
        error = exc.message
    if request.htmx:
        context = {"project": project, "job": job, "error": error}
        response = render(request, "annotations/jobs/_row.html", context)
        return trigger_client_event(response, "jobChanged")
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{job.get_kind_display()}: {job.state}")
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        return redirect(back)
    return redirect("annotations:jobs", slug=project.slug)
