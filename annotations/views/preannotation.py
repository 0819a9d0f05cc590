"""The pre-annotation panel of the project page: job progress, skipped articles, a run button.

Reads through ``selectors.preannotation.preannotation_panel``; a run starts with
``services.preannotation.preannotation_schedule``, the service the API uses too.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from annotations import permissions, selectors
from annotations.selectors.preannotation import preannotation_panel as panel_read
from annotations.services.preannotation import preannotation_schedule


@require_http_methods(["GET", "POST"])
@login_required
def preannotation_panel(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the panel (polled while a job runs). POST (admins): queue a new run."""
    project = selectors.project_get_for_user(user=request.user, slug=slug)
    if not permissions.can_review(project.user_role):
        raise PermissionDenied
    can_manage = permissions.can_manage_project(project.user_role)
    error = ""
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        try:
            preannotation_schedule(project=project, created_by=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        if not request.htmx:  # plain form post without JavaScript
            if error:
                messages.error(request, error)
            return redirect("annotations:project-detail", slug=project.slug)
    panel = panel_read(project=project)
    context = {
        "project": project,
        "panel": panel,
        "error": error,
        "can_manage": can_manage,
        "panel_actions": [
            ("retry", _("Retry"), panel.job is not None and panel.job.can_retry),
            ("cancel", _("Cancel"), panel.job is not None and panel.job.can_cancel),
        ],
    }
    return render(request, "annotations/_preannotation_panel.html", context)
