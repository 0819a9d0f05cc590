"""Writing an import: articles, imported annotators, annotations and predictions.

Imported by the package (``import_apply``, ``import_data``, ``import_upload`` are
its write entry points for the API and the ``import_articles`` command); imports
the models, the article service and the package's readers and checks. Everything
is written in one transaction, so a rejected import writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annotations.choices import AnnotationStatus, Role, SpanOrigin
from annotations.models import (
    Annotation,
    AnnotationSpan,
    Article,
    Membership,
    Prediction,
    Project,
)
from annotations.models.article import text_sha256
from annotations.selectors import guideline_current
from annotations.services.articles import (
    ArticleImportError,
    ImportResult,
    articles_import,
)

from .checks import CheckedAnnotation, check_import, merge_errors
from .parsed import ImportedPrediction, ImportSummary, ParsedImport
from .readers import parse_import, read_request_body

USERNAME_MAX = 150
PREDICTION_PIPELINE = "labelstudio"
_NAME_CLEAN = re.compile(r"[^\w.@+-]+")


class ImportTooLarge(ValueError):
    """More items in one upload than allowed (HTTP 413)."""


@transaction.atomic
def import_apply(
    *,
    project: Project,
    parsed: ParsedImport,
    created_by=None,
    preannotate: bool = True,
) -> ImportSummary:
    """Write a parsed import all-or-nothing (articles, annotations, predictions).

    New articles are queued for pre-annotation after the commit unless
    ``preannotate`` is False (see ``articles_import``).
    """
    checked, errors = check_import(parsed, project)
    try:
        result = articles_import(
            project=project,
            items=parsed.articles,
            created_by=created_by,
            preannotate=preannotate,
        )
    except ArticleImportError as error:
        raise ArticleImportError(merge_errors(error.errors, errors)) from error
    if errors:
        raise ArticleImportError(errors)
    summary = _summary(parsed, result)
    if not checked and not parsed.predictions:
        return summary
    articles = _articles_by_index(project, parsed, checked)
    users = _imported_annotators(project, parsed.tool, checked)
    summary.annotators = sorted(user.get_username() for user in users.values())
    summary.annotations_created, summary.annotations_existing = _write_annotations(
        project, checked, articles, users
    )
    summary.predictions_created = _write_predictions(parsed.predictions, articles)
    return summary


def _summary(parsed: ParsedImport, result: ImportResult) -> ImportSummary:
    job = result.preannotation_job
    return ImportSummary(
        format=parsed.format,
        articles_created=result.created_count,
        articles_existing=result.existing,
        ignored_results=parsed.ignored_results,
        created_ids=[article.pk for article in result.created],
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


def _imported_annotators(
    project: Project, tool: str, checked: list[CheckedAnnotation]
) -> dict[str, Any]:
    """Source name → inactive ``imported.<tool>.<name>`` user, a project annotator."""
    users: dict[str, Any] = {}
    for entry in checked:
        name = entry.item.annotator
        if name not in users:
            users[name] = _imported_user(tool, name)
    for user in users.values():
        Membership.objects.get_or_create(
            project=project, user=user, defaults={"role": Role.ANNOTATOR}
        )
    return users


def _imported_user(tool: str, name: str):
    User = get_user_model()
    cleaned = _NAME_CLEAN.sub("_", name).strip("_") or "unknown"
    username = f"imported.{tool}.{cleaned}"[:USERNAME_MAX]
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, is_active=False)
        user.set_unusable_password()
        user.save()
    elif user.is_active:
        raise ValidationError(
            {
                "annotations": [
                    f"The username {username!r} belongs to an active account; "
                    "imported annotations are never attributed to one."
                ]
            }
        )
    return user


def _write_annotations(
    project: Project,
    checked: list[CheckedAnnotation],
    articles: dict[int, Article],
    users: dict[str, Any],
) -> tuple[int, int]:
    """Create the annotations not stored yet; return (created, already there)."""
    existing = set(
        Annotation.objects.filter(
            article__in=[a.pk for a in articles.values()],
            annotator__in=[u.pk for u in users.values()],
        ).values_list("article_id", "annotator_id")
    )
    guideline = guideline_current(project=project)
    now = timezone.now()
    new_annotations, span_lists = [], []
    for entry in checked:
        article, user = articles[entry.item.index], users[entry.item.annotator]
        if (article.pk, user.pk) in existing:
            continue
        existing.add((article.pk, user.pk))
        submitted = entry.status == AnnotationStatus.SUBMITTED
        new_annotations.append(
            Annotation(
                article=article,
                annotator=user,
                status=entry.status,
                labels=entry.labels,
                guideline_version=guideline,
                text_sha256=article.content_hash,
                submitted_at=now if submitted else None,
            )
        )
        span_lists.append(entry.spans)
    Annotation.objects.bulk_create(new_annotations, batch_size=500)
    AnnotationSpan.objects.bulk_create(
        (
            AnnotationSpan(
                annotation=annotation,
                start=span.start,
                end=span.end,
                label=span.label,
                text=span.text,
                origin=SpanOrigin.MANUAL,
            )
            for annotation, spans in zip(new_annotations, span_lists, strict=True)
            for span in spans
        ),
        batch_size=1000,
    )
    return len(new_annotations), len(checked) - len(new_annotations)


def _write_predictions(
    predictions: list[ImportedPrediction], articles: dict[int, Article]
) -> int:
    """Create the predictions not stored yet (one per article and model version)."""
    seen = set(
        Prediction.objects.filter(
            article__in=[a.pk for a in articles.values()], pipeline=PREDICTION_PIPELINE
        ).values_list("article_id", "pipeline_version")
    )
    new = []
    for prediction in predictions:
        article = articles[prediction.index]
        key = (article.pk, prediction.version)
        if key in seen:
            continue
        seen.add(key)
        new.append(
            Prediction(
                article=article,
                pipeline=PREDICTION_PIPELINE,
                pipeline_version=prediction.version,
                spans=sorted(
                    prediction.spans, key=lambda s: (s["start"], s["end"], s["label"])
                ),
                labels=prediction.labels,
            )
        )
    Prediction.objects.bulk_create(new, batch_size=500)
    return len(new)


def import_data(
    *,
    project: Project,
    data: bytes | str | list,
    fmt: str | None = None,
    filename: str | None = None,
    label_mapping: dict[str, str | None] | None = None,
    created_by=None,
    preannotate: bool = True,
    on_stage: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Parse and write in one go (see the package doc); raises before writing anything.

    ``on_stage`` hears ``"checking"`` before the file is read and ``"writing N
    article(s)"`` before anything is written (the command's progress bar).
    """
    stage = on_stage or (lambda _: None)
    stage("checking")
    parsed = parse_import(
        data, project=project, fmt=fmt, filename=filename, label_mapping=label_mapping
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
    created_by=None,
) -> ImportSummary:
    """An import sent over HTTP (see ``readers.read_request_body``), all or nothing.

    Raises ImportTooLarge above ``max_items`` items, ImportBodyError for a JSON body
    that cannot be read, ValidationError/ImportFormatError for a bad file and
    ArticleImportError for bad items.
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
        label_mapping=request.label_mapping,
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
