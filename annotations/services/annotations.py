"""Saving an annotator's work, with validation and optimistic locking."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annotations.choices import AnnotationStatus, SpanOrigin
from annotations.models import Annotation, AnnotationSpan, Article
from annotations.offsets import SpanError, parse_spans
from annotations.scheme import SchemeError, validate_answers
from annotations.selectors import guideline_current
from annotations.services.history import history_record
from annotations.services.queue import assignment_record_status
from annotations.services.versioning import version_check


def _validated_spans(article: Article, spans: Any) -> list[tuple[Any, str, dict]]:
    project = article.project
    try:
        parsed = parse_spans(
            spans,
            text=article.text,
            label_keys=project.parsed_scheme.span_label_keys,
            allow_overlap=project.allow_overlapping_spans,
        )
    except SpanError as error:
        raise ValidationError({"spans": error.errors}) from error
    extras = {}
    for raw in spans:
        key = (raw["start"], raw["end"], raw["label"])
        origin = raw.get("origin") or SpanOrigin.MANUAL
        if origin not in SpanOrigin.values:
            raise ValidationError(
                {
                    "spans": [
                        f"Unknown origin {origin!r}; use {', '.join(SpanOrigin.values)}."
                    ]
                }
            )
        attributes = raw.get("attributes") or {}
        if not isinstance(attributes, dict):
            raise ValidationError({"spans": ["Span attributes must be an object."]})
        extras[key] = (origin, attributes)
    return [(span, *extras[(span.start, span.end, span.label)]) for span in parsed]


@transaction.atomic
def annotation_save(
    *,
    article: Article,
    annotator: AbstractBaseUser,
    spans: list[dict],
    labels: dict,
    status: str = AnnotationStatus.DRAFT,
    version: int | None = None,
    lead_time_ms: int | None = None,
    skip_reason: str = "",
) -> Annotation:
    """Create or replace the annotator's annotation of the article.

    ``version=None`` creates it (ConflictError if one exists); otherwise
    ``version`` must equal the stored one (ConflictError when stale), and the
    saved annotation gets ``version + 1``. Submitting checks that every required
    question is answered. Spans and answers are validated against the project's
    scheme and the article's text; invalid input raises ValidationError and
    leaves the stored annotation as it was.
    """
    if status not in AnnotationStatus.values:
        raise ValidationError({"status": [f"Unknown status {status!r}."]})
    if status == AnnotationStatus.SKIPPED and not skip_reason.strip():
        raise ValidationError({"skip_reason": ["Say why you skip this article."]})
    try:
        clean_labels = validate_answers(
            article.project.parsed_scheme,
            labels,
            require_complete=status == AnnotationStatus.SUBMITTED,
        )
    except SchemeError as error:
        raise ValidationError(error.errors) from error
    clean_spans = _validated_spans(article, spans)

    existing = (
        Annotation.objects.select_for_update()
        .filter(article=article, annotator=annotator)
        .first()
    )
    version_check(
        stored=existing.version if existing else None, given=version, noun="annotation"
    )

    annotation = existing or Annotation(article=article, annotator=annotator, version=0)
    annotation.status = status
    annotation.labels = clean_labels
    annotation.skip_reason = skip_reason if status == AnnotationStatus.SKIPPED else ""
    annotation.version += 1
    annotation.text_sha256 = article.content_hash
    annotation.guideline_version = guideline_current(project=article.project)
    if lead_time_ms is not None:
        if lead_time_ms < 0:
            raise ValidationError({"lead_time_ms": ["Must not be negative."]})
        annotation.lead_time_ms = lead_time_ms
    if status == AnnotationStatus.SUBMITTED:
        annotation.submitted_at = timezone.now()
    annotation.save()
    AnnotationSpan.objects.filter(annotation=annotation).delete()
    AnnotationSpan.objects.bulk_create(
        AnnotationSpan(
            annotation=annotation,
            start=span.start,
            end=span.end,
            label=span.label,
            text=span.text,
            origin=origin,
            attributes=attributes,
        )
        for span, origin, attributes in clean_spans
    )
    history_record(annotation, user=annotator)
    assignment_record_status(article=article, user=annotator, status=status)
    return annotation
