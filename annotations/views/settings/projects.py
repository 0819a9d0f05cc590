"""New projects: ``/new-project/`` (site staff, from the German/English template) and clones.

Both call ``services.project_admin`` (``project_create_from_template``, the
service of ``POST /api/v1/projects/`` too, and ``project_clone``); who may
create projects is ``project_admin.can_create_projects``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from annotations.services import project_admin
from annotations.views.settings.common import admin_project, attempt, render_tab


@require_http_methods(["GET", "POST"])
@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    """New project from the default template (German or English); site staff only."""
    if not project_admin.can_create_projects(request.user):
        raise PermissionDenied(_("Only site staff create projects."))
    values = {"slug": "", "name": "", "language": "de", "description": ""}
    errors: list[str] = []
    if request.method == "POST":
        values = {
            key: request.POST.get(key, "").strip()
            for key in ("slug", "name", "language", "description")
        }
        project, errors = attempt(
            lambda: project_admin.project_create_from_template(
                created_by=request.user, **values
            )
        )
        if project is not None:
            messages.success(request, _("Project created."))
            return redirect("annotations:settings", slug=project.slug)
    return render(
        request,
        "annotations/settings/project_new.html",
        {"values": values, "errors": errors},
    )


@require_http_methods(["GET", "POST"])
@login_required
def project_clone(request: HttpRequest, slug: str) -> HttpResponse:
    """Clone this project's scheme, guidelines and settings (not its articles)."""
    project = admin_project(request, slug)
    if not project_admin.can_create_projects(request.user):
        raise PermissionDenied(_("Only site staff create projects."))
    values = {"slug": f"{project.slug}-copy"[:64], "name": f"{project.name} (copy)"}
    errors: list[str] = []
    if request.method == "POST":
        values = {key: request.POST.get(key, "").strip() for key in ("slug", "name")}
        clone, errors = attempt(
            lambda: project_admin.project_clone(
                source=project, created_by=request.user, **values
            )
        )
        if clone is not None:
            messages.success(request, _("Project cloned."))
            return redirect("annotations:settings", slug=clone.slug)
    return render_tab(
        request, "clone.html", project, "clone", values=values, errors=errors
    )
