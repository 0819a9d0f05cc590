"""Project settings pages (/projects/{slug}/settings/...): project admins only.

Anonymous users are sent to the login page, non-members get 404, members in
another role 403. Every write goes through a service: settings
(``project_admin.project_update``), the scheme (``scheme_changes``: edit →
preview with counts and an action per removal in use → apply, which publishes
a new guideline version), members (``project_admin.member_*``) and guidelines
(``guidelines.guideline_version_publish``). Site staff also get
``/new-project/`` (the German/English template) and every admin a clone form.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from annotations import permissions, selectors
from annotations.choices import Role
from annotations.errors import ConflictError
from annotations.models import Membership, Project
from annotations.scheme import LEVELS, SHORTCUTS, SchemeError, parse_scheme
from annotations.selectors.guidelines import (
    guideline_version_get,
    guideline_version_list,
)
from annotations.services import project_admin
from annotations.services.guidelines import (
    guideline_diff_html,
    guideline_version_publish,
    guidelines_render,
)
from annotations.services.scheme_changes import (
    SchemeChangeBlocked,
    scheme_change_apply,
    scheme_change_preview,
    scheme_diff,
)

NEW_LABEL_ROWS = 1
NEW_QUESTION_ROWS = 1


def _admin_project(request: HttpRequest, slug: str) -> Project:
    project = selectors.project_get_for_user(user=request.user, slug=slug)
    if not permissions.can_manage_project(project.user_role):
        raise PermissionDenied(_("Only project admins can change the settings."))
    return project


def _errors(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{field}: {message}" if field != "__all__" else message
            for field, field_messages in error.message_dict.items()
            for message in field_messages
        ]
    return list(error.messages)


def _render(request, template: str, project: Project, tab: str, **context):
    return render(
        request,
        f"annotations/settings/{template}",
        {"project": project, "tab": tab, **context},
    )


# --- general -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def settings_general(request: HttpRequest, slug: str) -> HttpResponse:
    """Name, description, overlap, overlapping spans, pipeline and its label mapping."""
    project = _admin_project(request, slug)
    errors: list[str] = []
    values: dict[str, Any] = {
        "name": project.name,
        "description": project.description,
        "overlap": project.overlap,
        "allow_overlapping_spans": project.allow_overlapping_spans,
        "ml_can_see_annotations": project.ml_can_see_annotations,
        "pipeline": project.pipeline,
        "label_mapping": json.dumps(project.label_mapping or {}, indent=2),
    }
    if request.method == "POST":
        post = request.POST
        values = {
            "name": post.get("name", "").strip(),
            "description": post.get("description", ""),
            "overlap": post.get("overlap", ""),
            "allow_overlapping_spans": post.get("allow_overlapping_spans") == "on",
            "ml_can_see_annotations": post.get("ml_can_see_annotations") == "on",
            "pipeline": post.get("pipeline", "").strip(),
            "label_mapping": post.get("label_mapping", "").strip() or "{}",
        }
        data = dict(values)
        try:
            data["overlap"] = int(values["overlap"])
        except (TypeError, ValueError):
            errors.append(_("overlap: a whole number from 1 to 10."))
        try:
            data["label_mapping"] = json.loads(values["label_mapping"])
        except json.JSONDecodeError as error:
            errors.append(_("label_mapping: not valid JSON (%s).") % error.msg)
        if not errors:
            try:
                project_admin.project_update(project=project, data=data)
            except ValidationError as error:
                errors = _errors(error)
            else:
                messages.success(request, _("Settings saved."))
                return redirect("annotations:settings", slug=project.slug)
    return _render(
        request,
        "general.html",
        project,
        "general",
        values=values,
        errors=errors,
        label_keys=project.parsed_scheme.span_label_keys,
    )


# --- scheme ------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _scheme_from_form(post, current: dict) -> dict:
    """The scheme the admin submitted; unknown fields of existing entries are kept."""
    existing_labels = {
        label.get("key"): label for label in current.get("span_labels", [])
    }
    existing_questions = {q.get("key"): q for q in current.get("questions", [])}
    labels = []
    for index in range(int(post.get("label-count", 0) or 0)):
        prefix = f"label-{index}-"
        key = post.get(prefix + "key", "").strip()
        if not key or post.get(prefix + "remove") == "on":
            continue
        label = dict(existing_labels.get(key, {}))
        label.update(
            key=key,
            name=post.get(prefix + "name", "").strip() or key,
            description=post.get(prefix + "description", "").strip(),
            color=post.get(prefix + "color", "").strip() or "#888888",
            shortcut=post.get(prefix + "shortcut", "").strip(),
        )
        positive = _lines(post.get(prefix + "positive", ""))
        negative = _lines(post.get(prefix + "negative", ""))
        if positive or negative:
            label["examples"] = {"positive": positive, "negative": negative}
        else:
            label.pop("examples", None)
        labels.append(label)
    questions = []
    for index in range(int(post.get("question-count", 0) or 0)):
        prefix = f"question-{index}-"
        key = post.get(prefix + "key", "").strip()
        if not key or post.get(prefix + "remove") == "on":
            continue
        question = dict(existing_questions.get(key, {}))
        choices = []
        for line in _lines(post.get(prefix + "choices", "")):
            choice_key, _sep, name = line.partition("=")
            choices.append(
                {"key": choice_key.strip(), "name": name.strip() or choice_key.strip()}
            )
        question.update(
            key=key,
            name=post.get(prefix + "name", "").strip() or key,
            level=post.get(prefix + "level", "nominal"),
            multiple=post.get(prefix + "multiple") == "on",
            required=post.get(prefix + "required") == "on",
            choices=choices,
        )
        questions.append(question)
    scheme = {k: v for k, v in current.items() if k not in ("span_labels", "questions")}
    scheme.update(span_labels=labels, questions=questions)
    return scheme


def _scheme_rows(scheme: dict, current_keys: set[str]) -> dict[str, Any]:
    labels = []
    for label in scheme.get("span_labels", []):
        examples = label.get("examples") or {}
        labels.append(
            {
                "key": label.get("key", ""),
                "existing": label.get("key") in current_keys,
                "name": label.get("name", ""),
                "description": label.get("description", ""),
                "color": label.get("color") or "#888888",
                "shortcut": label.get("shortcut", ""),
                "positive": "\n".join(examples.get("positive") or []),
                "negative": "\n".join(examples.get("negative") or []),
            }
        )
    labels.extend(
        {"key": "", "existing": False, "color": "#888888"}
        for _ in range(NEW_LABEL_ROWS)
    )
    questions = []
    for question in scheme.get("questions", []):
        questions.append(
            {
                "key": question.get("key", ""),
                "existing": question.get("key") in current_keys,
                "name": question.get("name", ""),
                "level": question.get("level", "nominal"),
                "multiple": bool(question.get("multiple")),
                "required": bool(question.get("required")),
                "choices": "\n".join(
                    f"{c.get('key', '')} = {c.get('name', '')}"
                    for c in question.get("choices", [])
                    if isinstance(c, dict)
                ),
            }
        )
    questions.extend(
        {"key": "", "existing": False, "level": "nominal"}
        for _ in range(NEW_QUESTION_ROWS)
    )
    return {"label_rows": labels, "question_rows": questions}


def _current_keys(project: Project) -> set[str]:
    scheme = project.scheme
    return {label.get("key") for label in scheme.get("span_labels", [])} | {
        q.get("key") for q in scheme.get("questions", [])
    }


def _scheme_edit_page(request, project, scheme: dict, errors: list[str]):
    return _render(
        request,
        "scheme.html",
        project,
        "scheme",
        errors=errors,
        levels=LEVELS,
        shortcuts=SHORTCUTS,
        scheme_json=json.dumps(scheme, indent=2, ensure_ascii=False),
        **_scheme_rows(scheme, _current_keys(project)),
    )


def _preview_page(request, project, preview, scheme: dict, errors=(), changelog=""):
    return _render(
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
    project = _admin_project(request, slug)
    if request.method == "GET":
        return _scheme_edit_page(request, project, project.scheme, [])
    if "scheme_json" in request.POST:
        try:
            scheme = json.loads(request.POST["scheme_json"])
        except json.JSONDecodeError as error:
            return _scheme_edit_page(
                request, project, project.scheme, [_("Not valid JSON: %s") % error.msg]
            )
    else:
        scheme = _scheme_from_form(request.POST, project.scheme)
    try:
        preview = scheme_change_preview(project=project, new_scheme=scheme)
    except ValidationError as error:
        return _scheme_edit_page(
            request, project, scheme if isinstance(scheme, dict) else {}, _errors(error)
        )
    return _preview_page(request, project, preview, scheme)


@require_POST
@login_required
def scheme_apply(request: HttpRequest, slug: str) -> HttpResponse:
    """Apply a previewed scheme change with the actions chosen for removals in use."""
    project = _admin_project(request, slug)
    try:
        scheme = json.loads(request.POST.get("scheme", ""))
    except json.JSONDecodeError:
        return redirect("annotations:settings-scheme", slug=project.slug)
    actions = {
        name.removeprefix("action-"): value
        for name, value in request.POST.items()
        if name.startswith("action-") and value
    }
    changelog = request.POST.get("changelog", "").strip()
    try:
        result = scheme_change_apply(
            project=project,
            new_scheme=scheme,
            actions=actions,
            author=request.user,
            changelog=changelog,
        )
    except SchemeChangeBlocked as error:
        return _preview_page(
            request, project, error.preview, scheme, [error.message], changelog
        )
    except ValidationError as error:
        try:
            preview = scheme_change_preview(project=project, new_scheme=scheme)
        except ValidationError:
            return _scheme_edit_page(request, project, scheme, _errors(error))
        return _preview_page(
            request, project, preview, scheme, _errors(error), changelog
        )
    if result.version is None:
        messages.info(request, _("Nothing changed."))
    else:
        messages.success(
            request,
            _("Scheme changed; guidelines version %(n)s published.")
            % {"n": result.version.number},
        )
    return redirect("annotations:settings-scheme", slug=project.slug)


# --- members -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """The member list; POST invites an existing user by username."""
    project = _admin_project(request, slug)
    errors: list[str] = []
    if request.method == "POST":
        try:
            membership = project_admin.member_add(
                project=project,
                username=request.POST.get("user", "").strip(),
                role=request.POST.get("role", ""),
            )
        except ValidationError as error:
            errors = _errors(error)
        except ConflictError as error:
            errors = [error.message]
        else:
            messages.success(
                request,
                _("%(user)s added as %(role)s.")
                % {"user": membership.user.get_username(), "role": membership.role},
            )
            return redirect("annotations:settings-members", slug=project.slug)
    memberships = (
        Membership.objects.filter(project=project)
        .select_related("user")
        .order_by("user__username")
    )
    return _render(
        request,
        "members.html",
        project,
        "members",
        memberships=memberships,
        roles=Role.choices,
        errors=errors,
    )


def _member_user(project: Project, username: str) -> AbstractBaseUser:
    membership = (
        Membership.objects.select_related("user")
        .filter(project=project, user__username=username)
        .first()
    )
    if membership is None:
        raise Http404("No such member.")
    return membership.user


@require_POST
@login_required
def member_change(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    """Change a member's role (``role``) or remove them (``remove``)."""
    project = _admin_project(request, slug)
    user = _member_user(project, username)
    try:
        if "remove" in request.POST:
            project_admin.member_remove(project=project, user=user)
            messages.success(request, _("%(user)s removed.") % {"user": username})
        else:
            project_admin.member_role_change(
                project=project, user=user, role=request.POST.get("role", "")
            )
            messages.success(
                request, _("Role of %(user)s changed.") % {"user": username}
            )
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    except ConflictError as error:
        messages.error(request, error.message)
    if (
        user == request.user
        and not Membership.objects.filter(
            project=project, user=user, role=Role.ADMIN
        ).exists()
    ):
        return redirect("annotations:home")
    return redirect("annotations:settings-members", slug=project.slug)


# --- guidelines --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def guidelines_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The Markdown editor with live preview, publish with changelog, the version list."""
    project = _admin_project(request, slug)
    versions = list(guideline_version_list(project=project))
    current = versions[0] if versions else None
    text = current.text if current else ""
    changelog = ""
    errors: list[str] = []
    if request.method == "POST":
        text = request.POST.get("text", "")
        changelog = request.POST.get("changelog", "").strip()
        try:
            version = guideline_version_publish(
                project=project, author=request.user, text=text, changelog=changelog
            )
        except ValidationError as error:
            errors = _errors(error)
        except ConflictError as error:
            errors = [error.message]
        else:
            if version is None:
                errors = [_("Nothing changed since the current version.")]
            else:
                messages.success(
                    request,
                    _("Guidelines version %(n)s published.") % {"n": version.number},
                )
                return redirect("annotations:settings-guidelines", slug=project.slug)
    return _render(
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
    _admin_project(request, slug)
    return render(
        request,
        "annotations/settings/_guidelines_preview.html",
        {"preview_html": guidelines_render(request.POST.get("text", ""))},
    )


def _version_number(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


@require_GET
@login_required
def guidelines_diff(request: HttpRequest, slug: str) -> HttpResponse:
    """The diff between two versions (``?from=N&to=M``; default: previous → current)."""
    project = _admin_project(request, slug)
    versions = list(guideline_version_list(project=project))
    latest = versions[0].number if versions else 1
    to_number = _version_number(request.GET.get("to"), latest)
    from_number = _version_number(request.GET.get("from"), max(to_number - 1, 1))
    old = guideline_version_get(project=project, number=from_number)
    new = guideline_version_get(project=project, number=to_number)
    try:
        changes = scheme_diff(parse_scheme(old.scheme), parse_scheme(new.scheme))
    except SchemeError:
        changes = []
    return _render(
        request,
        "guidelines_diff.html",
        project,
        "guidelines",
        versions=versions,
        old=old,
        new=new,
        diff_html=guideline_diff_html(old.text, new.text),
        scheme_changes=changes,
    )


# --- new project and clone ---------------------------------------------------------


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
        try:
            project = project_admin.project_create_from_template(
                created_by=request.user, **values
            )
        except ValidationError as error:
            errors = _errors(error)
        else:
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
    project = _admin_project(request, slug)
    if not project_admin.can_create_projects(request.user):
        raise PermissionDenied(_("Only site staff create projects."))
    values = {"slug": f"{project.slug}-copy"[:64], "name": f"{project.name} (copy)"}
    errors: list[str] = []
    if request.method == "POST":
        values = {key: request.POST.get(key, "").strip() for key in ("slug", "name")}
        try:
            clone = project_admin.project_clone(
                source=project, created_by=request.user, **values
            )
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, _("Project cloned."))
            return redirect("annotations:settings", slug=clone.slug)
    return _render(
        request, "clone.html", project, "clone", values=values, errors=errors
    )
