"""What every settings page shares: the admin-only project fetch, errors, rendering."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from annotations.errors import ConflictError
from annotations.models import Project
from annotations.selectors.projects import project_get_for_admin

T = TypeVar("T")


def admin_project(request: HttpRequest, slug: str) -> Project:
    """The project if the caller administers it; 404 for non-members, 403 otherwise."""
    return project_get_for_admin(user=request.user, slug=slug)


def error_messages(error: ValidationError) -> list[str]:
    """A ValidationError as lines for the page, ``field: message`` where a field is named."""
    if hasattr(error, "error_dict"):
        return [
            f"{field}: {message}" if field != "__all__" else message
            for field, field_messages in error.message_dict.items()
            for message in field_messages
        ]
    return list(error.messages)


def attempt(write: Callable[[], T]) -> tuple[T | None, list[str]]:
    """Run one service call; a refusal (ValidationError, ConflictError) as page lines.

    Returns ``(result, [])`` on success and ``(None, errors)`` when refused, so
    a page can show the errors in place next to what the admin typed.
    """
    try:
        return write(), []
    except ValidationError as error:
        return None, error_messages(error)
    except ConflictError as error:
        return None, [error.message]


def render_tab(
    request: HttpRequest, template: str, project: Project, tab: str, **context
) -> HttpResponse:
    """A settings template with the project and the active tab."""
    return render(
        request,
        f"annotations/settings/{template}",
        {"project": project, "tab": tab, **context},
    )
