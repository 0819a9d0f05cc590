"""Walking a project's articles in keyset chunks for the export row selectors.

Imported by ``selectors.export_rows`` and ``selectors.export_predictions``; imports
the models and the ``exporters`` row types. Each chunk is a range of article ids; the rows of a chunk are read by
id range within the project (one query per kind of row), never with long IN lists.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from annotations.exporters import ExportRow, ExportSpan
from annotations.models import Article, Project

ARTICLE_FIELDS = ("id", "external_id", "language", "title", "text", "meta")


def id_chunks(project: Project, chunk_size: int) -> Iterator[list[int]]:
    """The project's article ids in ascending keyset chunks (an index range scan).

    Deliberately without the "has rows" condition: an EXISTS filter under ORDER BY
    ... LIMIT lets the planner scan every article of the project per chunk; the
    chunk's rows are looked up by id instead and articles without any are skipped.
    """
    last = 0
    while True:
        ids = list(
            Article.objects.filter(project=project, pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:chunk_size]
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def chunk_filter(project: Project, ids: list[int]) -> dict[str, Any]:
    """Rows of the chunk's articles: an id range within the project, not a long IN list.

    ``ids`` is a keyset chunk of the project's article ids, so the range and the
    project select exactly those articles, without sending thousands of parameters.
    """
    return {
        "article__project": project,
        "article_id__gte": ids[0],
        "article_id__lte": ids[-1],
    }


def chunk_articles(project: Project, ids) -> dict[int, dict[str, Any]]:
    """The chunk's articles among ``ids`` (read by id range, filtered here)."""
    wanted = set(ids)
    if not wanted:
        return {}
    return {
        article["id"]: article
        for article in Article.objects.filter(
            project=project, pk__gte=min(wanted), pk__lte=max(wanted)
        )
        .order_by()
        .values(*ARTICLE_FIELDS)
        if article["id"] in wanted
    }


def article_row(
    article: dict[str, Any],
    *,
    spans: tuple[ExportSpan, ...],
    labels: dict[str, Any],
    guideline_version: int | None,
    meta: dict[str, Any] | None = None,
    **extra: Any,
) -> ExportRow:
    """The export row of a chunk article (``chunk_articles``); ``meta`` defaults to
    the article's, ``extra`` sets ``annotator``, ``status`` or ``prediction``."""
    return ExportRow(
        article_id=article["id"],
        external_id=article["external_id"],
        language=article["language"],
        title=article["title"],
        text=article["text"],
        spans=spans,
        labels=labels or {},
        meta=(article["meta"] or {}) if meta is None else meta,
        guideline_version=guideline_version,
        **extra,
    )
