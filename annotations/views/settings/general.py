"""The general settings tab: name, description, overlap, pipeline and its label mapping."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from annotations.models import Project
from annotations.services import project_admin
from annotations.views.settings.common import admin_project, attempt, render_tab


def _current_values(project: Project) -> dict[str, Any]:
    return {
        "name": project.name,
        "description": project.description,
        "overlap": project.overlap,
        "allow_overlapping_spans": project.allow_overlapping_spans,
        "ml_can_see_annotations": project.ml_can_see_annotations,
        "ml_can_cut_releases": project.ml_can_cut_releases,
        "pipeline": project.pipeline,
        "label_mapping": json.dumps(project.label_mapping or {}, indent=2),
    }


def _posted_values(post: QueryDict) -> dict[str, Any]:
    return {
        "name": post.get("name", "").strip(),
        "description": post.get("description", ""),
        "overlap": post.get("overlap", ""),
        "allow_overlapping_spans": post.get("allow_overlapping_spans") == "on",
        "ml_can_see_annotations": post.get("ml_can_see_annotations") == "on",
        "ml_can_cut_releases": post.get("ml_can_cut_releases") == "on",
        "pipeline": post.get("pipeline", "").strip(),
        "label_mapping": post.get("label_mapping", "").strip() or "{}",
    }


def _parse(values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The form's text fields as the service's data, and what could not be read."""
    data, errors = dict(values), []
    try:
        data["overlap"] = int(values["overlap"])
    except (TypeError, ValueError):
        errors.append(_("overlap: a whole number from 1 to 10."))
    try:
        data["label_mapping"] = json.loads(values["label_mapping"])
    except (json.JSONDecodeError, RecursionError) as error:
        message = getattr(error, "msg", "nested too deeply")
        errors.append(_("label_mapping: not valid JSON (%s).") % message)
    return data, errors


@require_http_methods(["GET", "POST"])
@login_required
def settings_general(request: HttpRequest, slug: str) -> HttpResponse:
    """Name, description, overlap, overlapping spans, pipeline and its label mapping."""
    project = admin_project(request, slug)
    errors: list[str] = []
    values = _current_values(project)
    if request.method == "POST":
        values = _posted_values(request.POST)
        data, errors = _parse(values)
        if not errors:
            _saved, errors = attempt(
                lambda: project_admin.project_patch(
                    project=project, author=request.user, data=data
                )
            )
        if not errors:
            messages.success(request, _("Settings saved."))
            return redirect("annotations:settings", slug=project.slug)
    return render_tab(
        request,
        "general.html",
        project,
        "general",
        values=values,
        errors=errors,
        label_keys=project.parsed_scheme.span_label_keys,
    )
