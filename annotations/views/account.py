"""The account page: a user sees their API token and rotates it.

Imported by the URLconf only; uses rest_framework's Token model directly (the token
is the user's own credential, not project data).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token


@transaction.atomic
def api_token_rotate(*, user) -> Token:
    """Replace the user's token: the old key stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


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
    token = Token.objects.filter(user=request.user).first()
    response = render(request, "annotations/account/token.html", {"token": token})
    response["Cache-Control"] = "no-store"
    return response
