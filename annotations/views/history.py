"""History pages: who changed what in a project or an article, and the export.

``/projects/<slug>/history/`` lists every change (settings, members, releases,
annotations, gold) newest first, 50 a page; ``/projects/<slug>/articles/<id>/history/``
the changes of one article's annotations and gold with their spans before and
after; ``/projects/<slug>/history/export/?format=jsonl|csv`` downloads the
project's whole history, oldest first. Admins and reviewers only; everyone else
gets 404.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from annotations.changes import CSV_HEADER, entry_as_csv_row, entry_as_dict, to_json
from annotations.selectors.history import (
    history_article_get,
    history_page,
    history_project_get,
    history_stream,
)

PER_PAGE = 50
EXPORT_FORMATS = {"jsonl": "application/x-ndjson", "csv": "text/csv"}


@require_GET
@login_required
def project_history(request: HttpRequest, slug: str) -> HttpResponse:
    project = history_project_get(user=request.user, slug=slug)
    paginator = Paginator(history_page(project=project), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "annotations/history/project.html",
        {"project": project, "page": page, "entries": page.object_list},
    )


@require_GET
@login_required
def article_history(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = history_project_get(user=request.user, slug=slug)
    article = history_article_get(project=project, article_id=pk)
    paginator = Paginator(history_page(project=project, article_id=pk), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "annotations/history/article.html",
        {
            "project": project,
            "article": article,
            "page": page,
            "entries": page.object_list,
        },
    )


class _Echo:
    """A file-like object whose write returns the line (for csv.writer streaming)."""

    def write(self, value: str) -> str:
        return value


def _jsonl(entries) -> Iterator[str]:
    for entry in entries:
        yield to_json(entry_as_dict(entry)) + "\n"


def _csv(entries) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for entry in entries:
        yield writer.writerow(entry_as_csv_row(entry))


@require_GET
@login_required
def project_history_export(request: HttpRequest, slug: str) -> HttpResponse:
    project = history_project_get(user=request.user, slug=slug)
    fmt = request.GET.get("format", "jsonl")
    if fmt not in EXPORT_FORMATS:
        return HttpResponse(
            f"Unknown format {fmt!r}; use jsonl or csv.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    entries = history_stream(project=project)
    body = _jsonl(entries) if fmt == "jsonl" else _csv(entries)
    response = StreamingHttpResponse(
        body, content_type=f"{EXPORT_FORMATS[fmt]}; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{project.slug}-history.{fmt}"'
    )
    return response
