"""The model section of the project page: comparison table and chart, switch, rollback, settings.

Reads through ``selectors.training.model_panel``; writes through
``services.model_switch`` (the services the API uses too). Every POST answers
with the panel (htmx) or redirects to the project page (plain form).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from annotations import permissions, selectors
from annotations.choices import QueueOrder
from annotations.selectors.training import model_panel as panel_read
from annotations.selectors.training import trained_pipeline_get
from annotations.services.model_switch import (
    model_loop_settings_set,
    model_rollback,
    model_switch,
)
from newsroom.ids import parse_db_int


def _project(request: HttpRequest, slug: str, *, manage: bool):
    project = selectors.project_get_for_user(user=request.user, slug=slug)
    allowed = (permissions.can_manage_project if manage else permissions.can_review)(
        project.user_role
    )
    if not allowed:
        raise PermissionDenied
    return project


def _panel(request: HttpRequest, project, *, error: str = "", model_id=None):
    context = {
        "project": project,
        "panel": panel_read(project=project, model_id=model_id),
        "can_manage": permissions.can_manage_project(project.user_role),
        "queue_orders": QueueOrder.choices,
        "error": error,
    }
    return render(request, "annotations/_model_panel.html", context)


def _answer(request: HttpRequest, project, error: str, done: str) -> HttpResponse:
    if request.htmx:
        return _panel(request, project, error=error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect("annotations:project-detail", slug=project.slug)


@require_GET
@login_required
def model_panel(request: HttpRequest, slug: str) -> HttpResponse:
    """The panel (admins and reviewers); ``?model=<id>`` shows that model's comparison."""
    project = _project(request, slug, manage=False)
    try:
        model_id = parse_db_int(request.GET.get("model", ""))
    except ValueError:
        model_id = None  # no or a bad choice: the newest compared model
    return _panel(request, project, model_id=model_id)


@require_POST
@login_required
def model_switch_view(request: HttpRequest, slug: str, model_id: int) -> HttpResponse:
    """Admins: pre-annotate with this model from now on, and run it."""
    project = _project(request, slug, manage=True)
    model = trained_pipeline_get(project=project, model_id=model_id)
    error = ""
    try:
        model_switch(project=project, model=model, user=request.user)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    return _answer(
        request, project, error, f"Switched to {model.name} {model.version}."
    )


@require_POST
@login_required
def model_rollback_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Admins: return to the pipeline the last switch replaced, and run it."""
    project = _project(request, slug, manage=True)
    error = ""
    try:
        model_rollback(project=project, user=request.user)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    return _answer(request, project, error, "Rolled back.")


@require_POST
@login_required
def model_settings_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Admins: automatic switch and margin, annotators' queue order."""
    project = _project(request, slug, manage=True)
    error = ""
    try:
        margin = float(request.POST.get("model_switch_margin", ""))
    except ValueError:
        margin = None
    if margin is None or not 0.0 <= margin <= 1.0:
        error = "The margin must be a number between 0 and 1 (e.g. 0.02)."
    else:
        try:
            model_loop_settings_set(
                project=project,
                auto_switch=request.POST.get("model_auto_switch") == "on",
                margin=margin,
                queue_order=request.POST.get("queue_order", ""),
                user=request.user,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return _answer(request, project, error, "Model loop settings saved.")
