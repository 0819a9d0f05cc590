"""Account pages around Django's auth views: the lockout page, password reset.

The lockout page is django-axes' ``AXES_LOCKOUT_CALLABLE`` (a styled page with
status 429 instead of a bare message); the reset views add how long a link
lasts to the e-mail and lift a login lockout once a new password is set.
Imported by ``newsroom/urls.py`` and, by dotted path, by django-axes.
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from annotations.services.accounts import login_lockout_clear

LOCKED_OUT_STATUS = 429


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """The page a locked-out login gets: why, how long, and the way out (reset)."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": (
            max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
        ),
    }
    return render(
        request, "registration/locked_out.html", context, status=LOCKED_OUT_STATUS
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset form; the e-mail also says how many hours the link works."""

    @property
    def extra_email_context(self) -> dict[str, Any]:
        return {"valid_hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's set-a-new-password page; a new password also ends a lockout."""

    def form_valid(self, form):
        response = super().form_valid(form)
        login_lockout_clear(username=form.user.get_username())
        return response
