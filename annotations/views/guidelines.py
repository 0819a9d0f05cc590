"""Annotator-facing guideline pages: read the guidelines, acknowledge a new version.

The "guidelines changed" notice itself is the partial
``annotations/settings/_guidelines_notice.html``; pages include it with
``{% load guideline_tags %}{% guidelines_notice project %}`` (the tag asks
``selectors.guideline_notice_for_user`` and renders nothing when there is
nothing new). The acknowledge button posts here; with htmx the notice is
replaced by nothing, without it the browser returns to ``next``.

Reads through ``selectors.guidelines`` (``guideline_reading``,
``guideline_version_get``); acknowledging is ``services.guidelines
.guideline_acknowledge``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from annotations import selectors
from annotations.selectors.guidelines import guideline_reading, guideline_version_get
from annotations.services.guidelines import guideline_acknowledge


@require_GET
@login_required
def guidelines_read(request: HttpRequest, slug: str) -> HttpResponse:
    """The guidelines in force (or ``?version=N``) with per-label help; every member."""
    project = selectors.project_get_for_user(user=request.user, slug=slug)
    number = request.GET.get("version")
    reading = guideline_reading(
        project=project, number=int(number) if number and number.isdigit() else None
    )
    return render(
        request,
        "annotations/settings/guidelines_read.html",
        {
            "project": project,
            "version": reading.version,
            "versions": reading.versions,
            "html": reading.html,
            "labels": reading.labels,
        },
    )


@require_POST
@login_required
def guidelines_acknowledge(request: HttpRequest, slug: str) -> HttpResponse:
    """Record that the caller has read guideline version ``version`` (a member)."""
    project = selectors.project_get_for_user(user=request.user, slug=slug)
    number = request.POST.get("version", "")
    version = guideline_version_get(
        project=project, number=int(number) if number.isdigit() else 0
    )
    guideline_acknowledge(user=request.user, version=version)
    if getattr(request, "htmx", False):
        return HttpResponse("")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect("annotations:project-detail", slug=project.slug)
    return redirect(target)
