"""The account page: a user sees their API token's dates and creates or rotates it.

Imported by the URLconf only; reads the token through ``selectors.accounts``
and issues one with ``services.accounts.api_token_rotate`` (the service behind
``create_api_token`` too). Only a hash is stored, so the key appears once: in the
answer to the POST that created it (never cached), not on later visits.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from annotations.selectors.accounts import api_token_get
from annotations.services.accounts import api_token_rotate


@require_http_methods(["GET", "POST"])
@login_required
def api_token(request: HttpRequest) -> HttpResponse:
    """GET shows the token's prefix and dates; POST issues a new one and shows its key."""
    new_key = None
    if request.method == "POST":
        issued = api_token_rotate(user=request.user)
        token, new_key = issued.token, issued.key
    else:
        token = api_token_get(user=request.user)
    response = render(
        request,
        "annotations/account/token.html",
        {"token": token, "new_key": new_key},
    )
    response["Cache-Control"] = "no-store"
    return response
