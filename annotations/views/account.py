"""The account page: a user sees their API token and rotates it.

Imported by the URLconf only; reads the token through ``selectors.accounts``
and rotates it with ``services.accounts.api_token_rotate`` (the same service
the ``create_api_token`` command uses).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from annotations.selectors.accounts import api_token_get
from annotations.services.accounts import api_token_rotate


@require_http_methods(["GET", "POST"])
@login_required
def api_token(request: HttpRequest) -> HttpResponse:
    """GET shows the token (none until created); POST creates or rotates it."""
    if request.method == "POST":
        api_token_rotate(user=request.user)
        messages.success(
            request,
            _("A new API token was created; the previous one no longer works."),
        )
        return redirect("annotations:account-token")
    token = api_token_get(user=request.user)
    response = render(request, "annotations/account/token.html", {"token": token})
    response["Cache-Control"] = "no-store"
    return response
