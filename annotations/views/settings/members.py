"""The members tab: invite by e-mail, create an account, add a user, change roles, remove.

Reads through ``selectors.members``; writes with ``project_admin.member_add``,
``member_role_change`` and ``member_remove`` (the services of
``/api/v1/projects/{id}/members/`` too) and ``services.people``
(``member_invite``, ``member_create``, ``invitation_resend``). The last admin can
be neither removed nor demoted (409 in the API, a message here). Each form's
refusal is shown inside that form, with what the admin typed (not the password).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from annotations.choices import Role
from annotations.models import Project
from annotations.selectors.members import member_get, member_list
from annotations.services import people, project_admin
from annotations.views.settings.common import admin_project, attempt, render_tab

FORM_FIELDS = ("user", "email", "username", "role")


def _site_url(request: HttpRequest) -> str:
    """The site's address as the admin reaches it: the invitation links use it."""
    return request.build_absolute_uri("/")


def _add(request: HttpRequest, project: Project) -> str:
    membership = project_admin.member_add(
        project=project,
        username=request.POST.get("user", "").strip(),
        role=request.POST.get("role", ""),
    )
    return _("%(user)s added as %(role)s.") % {
        "user": membership.user.get_username(),
        "role": membership.get_role_display(),
    }


def _invite(request: HttpRequest, project: Project) -> str:
    invitation = people.member_invite(
        project=project,
        email=request.POST.get("email", ""),
        username=request.POST.get("username", ""),
        role=request.POST.get("role", ""),
        invited_by=request.user,
        site_url=_site_url(request),
    )
    user = invitation.membership.user
    if invitation.new_account:
        return _(
            "Invitation sent to %(email)s: %(user)s chooses a password through "
            "the link in it."
        ) % {"email": user.email, "user": user.get_username()}
    return _("%(user)s has an account already: added and told by e-mail.") % {
        "user": user.get_username()
    }


def _create(request: HttpRequest, project: Project) -> str:
    membership = people.member_create(
        project=project,
        username=request.POST.get("username", ""),
        email=request.POST.get("email", ""),
        password=request.POST.get("password", ""),
        role=request.POST.get("role", ""),
    )
    return _(
        "Account %(user)s created and added as %(role)s; tell them their first "
        "password."
    ) % {
        "user": membership.user.get_username(),
        "role": membership.get_role_display(),
    }


ACTIONS: dict[str, Callable[[HttpRequest, Project], str]] = {
    "add": _add,
    "invite": _invite,
    "create": _create,
}


@require_http_methods(["GET", "POST"])
@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """The member list; POST ``action``: ``add`` (by username), ``invite``, ``create``."""
    project = admin_project(request, slug)
    action = request.POST.get("action", "add")
    errors: list[str] = []
    page_errors: list[str] = []
    if request.method == "POST":
        run = ACTIONS.get(action)
        if run is None:
            page_errors = [_("Unknown action %(action)s.") % {"action": action}]
        else:
            success, errors = attempt(lambda: run(request, project))
            if success is not None:
                messages.success(request, success)
                return redirect("annotations:settings-members", slug=project.slug)
    return render_tab(
        request,
        "members.html",
        project,
        "members",
        memberships=member_list(project=project),
        roles=Role.choices,
        errors=page_errors,
        failed=action if errors else "",
        form_errors=errors,
        values={key: request.POST.get(key, "") for key in FORM_FIELDS},
    )


@require_POST
@login_required
def member_change(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    """Change a member's role (``role``), remove them (``remove``) or resend the link.

    An admin who removes or demotes themselves is sent to "my projects", since
    the settings are no longer theirs to see.
    """
    project = admin_project(request, slug)
    user = member_get(project=project, username=username).user
    user_still_admin = True
    if "resend" in request.POST:
        _sent, errors = attempt(
            lambda: people.invitation_resend(
                project=project,
                user=user,
                invited_by=request.user,
                site_url=_site_url(request),
            )
        )
        success = _("A new link was sent to %(email)s.") % {"email": user.email}
    elif "remove" in request.POST:
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
