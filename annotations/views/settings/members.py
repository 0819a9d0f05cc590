"""The members tab: invite an existing user, change a member's role, remove a member.

Reads through ``selectors.members``; writes with ``project_admin.member_add``,
``member_role_change`` and ``member_remove``, the services of
``/api/v1/projects/{id}/members/`` too. The last admin can be neither removed
nor demoted (409 in the API, a message here).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from annotations.choices import Role
from annotations.selectors.members import member_get, member_list
from annotations.services import project_admin
from annotations.views.settings.common import admin_project, attempt, render_tab


@require_http_methods(["GET", "POST"])
@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """The member list; POST invites an existing user by username."""
    project = admin_project(request, slug)
    errors: list[str] = []
    if request.method == "POST":
        membership, errors = attempt(
            lambda: project_admin.member_add(
                project=project,
                username=request.POST.get("user", "").strip(),
                role=request.POST.get("role", ""),
            )
        )
        if membership is not None:
            messages.success(
                request,
                _("%(user)s added as %(role)s.")
                % {"user": membership.user.get_username(), "role": membership.role},
            )
            return redirect("annotations:settings-members", slug=project.slug)
    return render_tab(
        request,
        "members.html",
        project,
        "members",
        memberships=member_list(project=project),
        roles=Role.choices,
        errors=errors,
    )


@require_POST
@login_required
def member_change(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    """Change a member's role (``role``) or remove them (``remove``).

    An admin who removes or demotes themselves is sent to "my projects", since
    the settings are no longer theirs to see.
    """
    project = admin_project(request, slug)
    user = member_get(project=project, username=username).user
    if "remove" in request.POST:
        _removed, errors = attempt(
            lambda: project_admin.member_remove(project=project, user=user)
        )
        user_still_admin = bool(errors)  # refused: nothing changed
        success = _("%(user)s removed.") % {"user": username}
    else:
        membership, errors = attempt(
            lambda: project_admin.member_role_change(
                project=project, user=user, role=request.POST.get("role", "")
            )
        )
        user_still_admin = membership is None or membership.role == Role.ADMIN
        success = _("Role of %(user)s changed.") % {"user": username}
    for message in errors:
        messages.error(request, message)
    if not errors:
        messages.success(request, success)
    if user == request.user and not user_still_admin:
        return redirect("annotations:home")
    return redirect("annotations:settings-members", slug=project.slug)
