"""Site-wide doors: the 400/403/404/500 answers and ``/favicon.ico``.

``newsroom/urls.py`` names these views as Django's ``handler400``…``handler500``,
so a PermissionDenied or Http404 raised by any page (or a URL that matches
nothing) gets the site's layout: the navigation, what happened, and a way back.
The 500 page is ``templates/500.html``, rendered without a request context or
the database. Under ``/api/`` every one of them is JSON ``{"detail": …}``
instead (docs/api-errors.md): DRF answers the errors its views raise, these
handlers the rest (a URL no route matches, a crash, a body Django refused).
"""

from __future__ import annotations

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from annotations.models import Project
from annotations.selectors import project_get_for_user

API_PREFIX = "/api/"
API_MESSAGES = {
    400: "Bad request.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    500: "Server error; the request was not completed. Please report it.",
}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(status: int, detail: str | None = None) -> JsonResponse:
    """The API's one error shape, for answers DRF does not make itself."""
    return JsonResponse({"detail": detail or API_MESSAGES[status]}, status=status)


def _back_url(request: HttpRequest) -> str | None:
    """The page the user came from, if it is one of ours and not this one."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or referer == request.build_absolute_uri():
        return None
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return referer


def _refused_project(request: HttpRequest) -> Project | None:
    """The project whose page refused a member, so the navigation can show it."""
    match = request.resolver_match
    slug = match.kwargs.get("slug") if match is not None else None
    if not slug or match.namespace != "annotations":
        return None
    try:
        return project_get_for_user(user=request.user, slug=slug)
    except Http404:
        return None


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """403: the refusal's reason (our messages say who may), the way back.

    On a project's page the member keeps the project's navigation and a link to
    the project page (non-members never get here: they get 404).
    """
    if is_api(request):
        return api_error(403)
    context = {
        "reason": str(exception) if exception is not None else "",
        "back_url": _back_url(request),
        "project": _refused_project(request),
    }
    return render(request, "403.html", context, status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: never says whether the object exists elsewhere; the way back."""
    if is_api(request):
        return api_error(404)
    context = {"back_url": _back_url(request), "request_path": request.path}
    return render(request, "404.html", context, status=404)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 for what Django refuses before a view (e.g. too many form fields)."""
    if is_api(request):
        return api_error(400, str(exception) or None)
    from django.views.defaults import bad_request as default_bad_request

    return default_bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: JSON under ``/api/``; elsewhere the static page (no context, no database)."""
    if is_api(request):
        return api_error(500)
    return HttpResponseServerError(loader.get_template("500.html").render())


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico`` for clients that ask the site root: the static icon."""
    return HttpResponseRedirect(static("favicon.ico"))
