"""The scheme tab: edit → preview with counts and an action per removal in use → apply.

The preview is ``services.scheme_changes.scheme_change_preview``; applying is
``scheme_change_apply`` (the service behind the API's scheme changes too),
which publishes a new guideline version freezing the new scheme.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from annotations.models import Project
from annotations.scheme import LEVELS, SHORTCUTS
from annotations.scheme_diff import SchemeChangeBlocked, SchemePreview
from annotations.scheme_migration import SchemeActionsInvalid
from annotations.services.scheme_changes import (
    scheme_change_apply,
    scheme_change_preview,
)
from annotations.views.settings.common import admin_project, error_messages, render_tab
from annotations.views.settings.scheme_form import (
    scheme_form_rows,
    scheme_from_form,
    scheme_keys,
)


def _edit_page(
    request: HttpRequest, project: Project, scheme: Any, errors: list[str]
) -> HttpResponse:
    """The editor showing ``scheme`` (what was submitted; empty when not an object)."""
    scheme = scheme if isinstance(scheme, dict) else {}
    return render_tab(
        request,
        "scheme.html",
        project,
        "scheme",
        errors=errors,
        levels=LEVELS,
        shortcuts=SHORTCUTS,
        scheme_json=json.dumps(scheme, indent=2, ensure_ascii=False),
        **scheme_form_rows(scheme, scheme_keys(project.scheme)),
    )


def _preview_page(
    request: HttpRequest,
    project: Project,
    preview: SchemePreview,
    scheme: dict,
    errors: list[str] = (),
    changelog: str = "",
) -> HttpResponse:
    return render_tab(
        request,
        "scheme_preview.html",
        project,
        "scheme",
        preview=preview,
        scheme_json=json.dumps(scheme, ensure_ascii=False),
        errors=list(errors),
        changelog=changelog,
    )


@require_http_methods(["GET", "POST"])
@login_required
def scheme_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the scheme editor. POST: the migration preview of the submitted scheme."""
    project = admin_project(request, slug)
    if request.method == "GET":
        return _edit_page(request, project, project.scheme, [])
    if "scheme_json" in request.POST:
        try:
            scheme = json.loads(request.POST["scheme_json"])
        except (json.JSONDecodeError, RecursionError) as error:
            message = getattr(error, "msg", "nested too deeply")
            return _edit_page(
                request, project, project.scheme, [_("Not valid JSON: %s") % message]
            )
    else:
        scheme = scheme_from_form(request.POST, project.scheme)
    try:
        preview = scheme_change_preview(project=project, new_scheme=scheme)
    except ValidationError as error:
        return _edit_page(request, project, scheme, error_messages(error))
    return _preview_page(request, project, preview, scheme)


def _posted_actions(post: QueryDict) -> dict[str, str]:
    """``action-<change id>`` fields of the preview form, the empty ones left out."""
    return {
        name.removeprefix("action-"): value
        for name, value in post.items()
        if name.startswith("action-") and value
    }


@require_POST
@login_required
def scheme_apply(request: HttpRequest, slug: str) -> HttpResponse:
    """Apply a previewed scheme change with the actions chosen for removals in use."""
    project = admin_project(request, slug)
    try:
        scheme = json.loads(request.POST.get("scheme", ""))
    except (json.JSONDecodeError, RecursionError):
        return redirect("annotations:settings-scheme", slug=project.slug)
    changelog = request.POST.get("changelog", "").strip()
    try:
        result = scheme_change_apply(
            project=project,
            new_scheme=scheme,
            actions=_posted_actions(request.POST),
            author=request.user,
            changelog=changelog,
        )
    except SchemeChangeBlocked as error:
        return _preview_page(
            request, project, error.preview, scheme, [error.message], changelog
        )
    except SchemeActionsInvalid as error:
        return _preview_page(
            request, project, error.preview, scheme, error_messages(error), changelog
        )
    except ValidationError as error:
        return _edit_page(request, project, scheme, error_messages(error))
    if result.version is None:
        messages.info(request, _("Nothing changed."))
    else:
        messages.success(
            request,
            _("Scheme changed; guidelines version %(n)s published.")
            % {"n": result.version.number},
        )
    return redirect("annotations:settings-scheme", slug=project.slug)
