"""Two database errors that are not server bugs, answered as such instead of a 500.

- ``database is locked`` (SQLite; another transaction held the write lock past the
  timeout): the request is run once more if the error came within
  ``NEWSROOM_LOCKED_RETRY_WITHIN_S`` of its start (a busy snapshot, not the 30 s
  wait), else answered **503** with ``Retry-After``: JSON
  ``{"detail": ...}`` under ``/api/``, a short page elsewhere.
- ``OverflowError`` (a number past 64 bits reached the database): **404** when
  it is a path segment (no such object can exist), else **400**.

Bodies within Django's memory limit are read before the view so that the
retry sees them again; larger ones (imports) are never retried.
"""

from __future__ import annotations

import io
import logging
import time

from django.conf import settings
from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

from newsroom.ids import DB_INT_MAX

logger = logging.getLogger("newsroom.db")
RETRY_AFTER_SECONDS = 5
BUSY_MESSAGE = "The database is busy right now; please try again in a few seconds."
RANGE_MESSAGE = "A number in the request is out of range."


def is_database_locked(error: BaseException) -> bool:
    return isinstance(error, OperationalError) and "database is locked" in str(error)


def path_has_unstorable_number(path: str) -> bool:
    return any(
        part.isdigit() and int(part) > DB_INT_MAX for part in path.split("/") if part
    )


class DatabaseErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.newsroom_started = time.monotonic()
        request.newsroom_retry = False
        request.newsroom_replayable = self._cache_small_body(request)
        response = self.get_response(request)
        if request.newsroom_retry:
            logger.warning("database is locked at once; retrying %s", request.path)
            request.newsroom_retry = False
            request._stream = io.BytesIO(request.body)
            request._read_started = False
            response = self.get_response(request)
        return response

    @staticmethod
    def _cache_small_body(request) -> bool:
        """Read a body within Django's memory limit now, so a retry can read it again.

        Larger bodies (imports) stay streamed; their requests are not retried.
        """
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        small = length <= (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440)
        if length and small:
            request.body  # noqa: B018 — cached on the request
        return small

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError):
            if path_has_unstorable_number(request.path):
                return error_response(request, 404, "Not found.")
            return error_response(request, 400, RANGE_MESSAGE)
        if not is_database_locked(exception):
            return None
        waited = time.monotonic() - getattr(request, "newsroom_started", 0)
        retried = getattr(request, "newsroom_retried", False)
        replayable = getattr(request, "newsroom_replayable", False)
        if (
            waited < settings.NEWSROOM_LOCKED_RETRY_WITHIN_S
            and replayable
            and not retried
        ):
            request.newsroom_retry = request.newsroom_retried = True
            return HttpResponse(status=503)  # replaced by the retry in __call__
        logger.error(
            "database is locked after %.1f s: 503 for %s", waited, request.path
        )
        response = error_response(request, 503, BUSY_MESSAGE)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


def error_response(request, status: int, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    try:
        body = render_to_string(
            "errors/request_error.html",
            {"status": status, "message": message},
            request=request,
        )
    except Exception:  # the page must not fail in turn (e.g. the session read)
        body = f"<!DOCTYPE html><title>{status}</title><p>{message}</p>"
    return HttpResponse(body, status=status)


TOO_LARGE_MESSAGE = (
    "The request body is {length:,} bytes; this endpoint takes at most {limit:,}."
)


class BodyLimitMiddleware:
    """413 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE, before any view reads it.

    Django would raise RequestDataTooBig where the body is first read, which
    became a generic HTML 400 even under ``/api/`` (issue 16). Views that read
    large bodies themselves under their own limit (the article import) say so
    with ``reads_large_bodies = True``; page uploads (multipart) are limited by
    Django per field, not here. The refused body is read and dropped (up to
    ``NEWSROOM_IMPORT_MAX_BYTES``) so the client gets the answer rather than a
    reset connection.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is None:
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if length <= limit or _reads_large_bodies(view_func):
            return None
        is_api = request.path.startswith("/api/")
        if not is_api and request.content_type == "multipart/form-data":
            return None
        _drain(request, length)
        message = TOO_LARGE_MESSAGE.format(length=length, limit=limit)
        return error_response(request, 413, message)


def _reads_large_bodies(view_func) -> bool:
    view_class = getattr(view_func, "view_class", None) or getattr(
        view_func, "cls", None
    )
    return bool(getattr(view_class, "reads_large_bodies", False))


def _drain(request, length: int, chunk: int = 64 * 1024) -> None:
    """Read the refused body off the connection (bounded), without keeping it."""
    budget = min(length, getattr(settings, "NEWSROOM_IMPORT_MAX_BYTES", 50 << 20))
    while budget > 0:
        try:
            data = request.read(min(chunk, budget))
        except OSError:  # the client gave up; nothing left to answer
            return
        if not data:
            return
        budget -= len(data)


class RequestTextMiddleware:
    """NUL in the path or the query string: 404 / 400 before any view.

    No object has a NUL in its name and no filter takes one, but PostgreSQL
    refuses the character in a query: ``/members/a%00b/`` was a 500 there.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return error_response(request, 404, "Not found.")
        if any("\x00" in key + "".join(values) for key, values in request.GET.lists()):
            return error_response(
                request, 400, "The query string must not contain NUL (%00)."
            )
        return self.get_response(request)
