"""The guidelines tab: Markdown editor with live preview, publish, diff between versions.

Publishing is ``services.guidelines.guideline_version_publish`` (the service
of ``POST /api/v1/projects/{id}/guidelines/``); the preview is the one
sanitiser of ``annotations.guideline_text``; the diff page reads
``selectors.guidelines.guideline_version_diff``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from annotations.guideline_text import guidelines_render
from annotations.selectors.guidelines import (
    guideline_version_diff,
    guideline_version_list,
)
from annotations.services.guidelines import guideline_version_publish
from annotations.views.settings.common import admin_project, attempt, render_tab


@require_http_methods(["GET", "POST"])
@login_required
def guidelines_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The Markdown editor with live preview, publish with changelog, the version list."""
    project = admin_project(request, slug)
    versions = list(guideline_version_list(project=project))
    current = versions[0] if versions else None
    text = current.text if current else ""
    changelog = ""
    errors: list[str] = []
    if request.method == "POST":
        text = request.POST.get("text", "")
        changelog = request.POST.get("changelog", "").strip()
        version, errors = attempt(
            lambda: guideline_version_publish(
                project=project, author=request.user, text=text, changelog=changelog
            )
        )
        if version is not None:
            messages.success(
                request,
                _("Guidelines version %(n)s published.") % {"n": version.number},
            )
            return redirect("annotations:settings-guidelines", slug=project.slug)
        errors = errors or [_("Nothing changed since the current version.")]
    return render_tab(
        request,
        "guidelines.html",
        project,
        "guidelines",
        versions=versions,
        current=current,
        text=text,
        changelog=changelog,
        preview_html=guidelines_render(text),
        errors=errors,
    )


@require_POST
@login_required
def guidelines_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """htmx: the sanitised HTML of the posted Markdown (``text``)."""
    admin_project(request, slug)
    return render(
        request,
        "annotations/settings/_guidelines_preview.html",
        {"preview_html": guidelines_render(request.POST.get("text", ""))},
    )


def _version_number(value: str | None) -> int | None:
    """A version number from the query string; None when absent or not a number."""
    try:
        return int(value) if value else None
    except ValueError:
        return None


@require_GET
@login_required
def guidelines_diff(request: HttpRequest, slug: str) -> HttpResponse:
    """The diff between two versions (``?from=N&to=M``; default: previous → current)."""
    project = admin_project(request, slug)
    diff = guideline_version_diff(
        project=project,
        from_number=_version_number(request.GET.get("from")),
        to_number=_version_number(request.GET.get("to")),
    )
    return render_tab(
        request,
        "guidelines_diff.html",
        project,
        "guidelines",
        versions=diff.versions,
        old=diff.old,
        new=diff.new,
        diff_html=diff.diff_html,
        scheme_changes=diff.scheme_changes,
    )
