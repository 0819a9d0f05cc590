"""Writing an import: articles, imported annotators, annotations and predictions.

Imported by the package (``import_apply``, ``import_data``, ``import_upload`` are
its write entry points for the API and the ``import_articles`` command); imports
the models, the article service and the package's readers and checks. Everything
is written in one transaction, so a rejected import writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from annotations.models import Article, Project
from annotations.models.article import text_sha256
from annotations.services.articles import (
    ArticleImportError,
    ImportConflictError,
    ImportResult,
    articles_import,
)

from .checks import CheckedAnnotation, check_import, merge_errors
from .parsed import ImportSummary, ParsedImport
from .readers import parse_import, read_request_body
from .writes import annotations_write, imported_annotators, predictions_write


class ImportTooLarge(ValueError):
    """More items in one upload than allowed (HTTP 413)."""


def import_apply(
    *,
    project: Project,
    parsed: ParsedImport,
    created_by=None,
    preannotate: bool = True,
) -> ImportSummary:
    """Write a parsed import all-or-nothing (articles, annotations, predictions).

    New articles are queued for pre-annotation after the commit unless
    ``preannotate`` is False (see ``articles_import``). Raises ArticleImportError
    for items that do not fit, ImportConflictError (a subclass) for items that
    differ from what is stored under the same key. Plain articles (the big
    imports) are checked first and written in short batches; a file that brings
    annotations or predictions is written in one transaction, because their
    conflicts show only against what the articles' writes leave.
    """
    checked, errors = check_import(parsed, project)
    if not checked and not parsed.predictions and not errors:
        return _articles_only(project, parsed, created_by, preannotate)
    with transaction.atomic():
        return _apply_all(project, parsed, checked, errors, created_by, preannotate)


def _apply_all(project, parsed, checked, errors, created_by, preannotate):
    """Articles, imported annotators, annotations and predictions, in one transaction."""
    summary = _articles_only(project, parsed, created_by, preannotate, errors)
    if errors:
        raise ArticleImportError(errors)
    articles = _articles_by_index(project, parsed, checked)
    users = imported_annotators(project, parsed.tool, checked)
    summary.annotators = sorted(user.get_username() for user in users.values())
    written = annotations_write(
        project=project, parsed=parsed, checked=checked, articles=articles, users=users
    )
    summary.annotations_created = written.created
    summary.annotations_existing = written.existing
    summary.drafts = written.drafts
    summary.predictions_created = predictions_write(parsed.predictions, articles)
    return summary


def _articles_only(project, parsed, created_by, preannotate, errors=()):
    """The articles of ``parsed``; the file's other ``errors`` join the articles' own."""
    try:
        result = articles_import(
            project=project,
            items=parsed.articles,
            created_by=created_by,
            preannotate=preannotate,
        )
    except ImportConflictError as error:
        for conflict in error.conflicts:
            conflict.update(parsed.where(conflict["index"]))
        raise
    except ArticleImportError as error:
        if not errors:
            raise
        raise ArticleImportError(merge_errors(error.errors, list(errors))) from error
    return _summary(parsed, result)


def _summary(parsed: ParsedImport, result: ImportResult) -> ImportSummary:
    job = result.preannotation_job
    return ImportSummary(
        format=parsed.format,
        articles_created=result.created_count,
        articles_existing=result.existing,
        ignored_results=parsed.ignored_results,
        predictions_skipped=parsed.predictions_skipped,
        warnings=list(parsed.warnings),
        created_ids=list(result.created_ids),
        preannotation_job=str(job.pk) if job is not None else None,
    )


def _articles_by_index(
    project: Project, parsed: ParsedImport, checked: list[CheckedAnnotation]
) -> dict[int, Article]:
    """The stored article of every item that carries annotations or predictions."""
    indexes = {c.item.index for c in checked} | {p.index for p in parsed.predictions}
    return {
        index: _article_for(project, parsed.articles[index])
        for index in sorted(indexes)
    }


def _article_for(project: Project, item: dict[str, Any]) -> Article:
    external_id = item.get("external_id")
    if external_id not in (None, ""):
        return Article.objects.get(project=project, external_id=str(external_id))
    return (
        Article.objects.filter(
            project=project,
            external_id__isnull=True,
            content_hash=text_sha256(item["text"]),
        )
        .order_by("id")
        .first()
    )


def import_data(
    *,
    project: Project,
    data: bytes | str | list,
    fmt: str | None = None,
    filename: str | None = None,
    label_mapping: dict[str, str | None] | None = None,
    annotator: str | None = None,
    created_by=None,
    preannotate: bool = True,
    on_stage: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Parse and write in one go (see the package doc); raises before writing anything.

    ``annotator`` names the annotator of items that name nobody (see
    ``parse_import``). ``on_stage`` hears ``"checking"`` before the file is read
    and ``"writing N article(s)"`` before anything is written (the command's
    progress bar).
    """
    stage = on_stage or (lambda _: None)
    stage("checking")
    parsed = parse_import(
        data,
        project=project,
        fmt=fmt,
        filename=filename,
        label_mapping=label_mapping,
        annotator=annotator,
    )
    stage(f"writing {len(parsed.articles)} article(s)")
    return import_apply(
        project=project, parsed=parsed, created_by=created_by, preannotate=preannotate
    )


def import_upload(
    *,
    project: Project,
    body: bytes,
    content_type: str,
    fmt: str | None,
    label_mapping: str | None,
    max_items: int,
    annotator: str | None = None,
    filename: str | None = None,
    created_by=None,
) -> ImportSummary:
    """An import sent over HTTP (see ``readers.read_request_body``), all or nothing.

    ``filename`` is the uploaded file's name (a multipart upload): it helps to
    detect the format and names a doccano file's annotator when ``annotator`` is
    not given. Raises ImportTooLarge above ``max_items`` items, ImportBodyError
    for a JSON body that cannot be read, ValidationError/ImportFormatError for a
    bad file, ArticleImportError for bad items and ImportConflictError for items
    that differ from what is stored.
    """
    request = read_request_body(
        body, content_type=content_type, fmt=fmt, label_mapping=label_mapping
    )
    if isinstance(request.data, list):
        _check_item_count(len(request.data), max_items)
    parsed = parse_import(
        request.data,
        project=project,
        fmt=request.fmt,
        filename=filename,
        label_mapping=request.label_mapping,
        annotator=annotator,
    )
    _check_item_count(len(parsed.articles), max_items)
    return import_apply(project=project, parsed=parsed, created_by=created_by)


def _check_item_count(count: int, limit: int) -> None:
    if count > limit:
        raise ImportTooLarge(
            f"{count:,} items in one request; the limit is {limit:,} per request. "
            "Split the list (imports are idempotent on external_id, so resending "
            "is safe)."
        )
