"""Saving an annotator's work: the one use case every door calls, and the write under it.

``annotation_submit`` is the annotator's save (draft, submit or skip) as the
annotation page and the API ``PUT my-annotation`` both call it: in one
transaction it locks the article, takes the annotator's slot
(``services.queue.assignment_claim``), refuses changes once the article is
adjudicated (``annotation_freeze_check``), checks the optimistic lock
(``services.versioning.version_check``) and saves. ``annotation_save`` is the
write under it (validation, lock, spans) for services and test set-ups; no
door calls it.

Concurrency: every save locks the article row first (``select_for_update``), so
two first saves of one annotation (double click, autosave + submit) run one
after the other: the first creates it, the second is refused with
ConflictError (409) instead of hitting the unique constraint.

Imported by views, the API and ``services.workspace``; imports models, the
queue, the access selectors and the pure ``offsets``/``scheme`` rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from annotations import permissions
from annotations.choices import AnnotationStatus, Role, SpanOrigin
from annotations.errors import ConflictError
from annotations.models import Annotation, AnnotationSpan, Article
from annotations.offsets import SpanError, parse_spans
from annotations.scheme import SchemeError, validate_answers
from annotations.selectors import guideline_current, role_in_project
from annotations.selectors.workspace import article_adjudicated
from annotations.services.history import history_record
from annotations.services.queue import assignment_claim, assignment_record_status
from annotations.services.versioning import article_lock, version_check


@dataclass(frozen=True)
class AnnotationInput:
    """An annotator's save as any door parsed it (API body, page form).

    ``version`` is None to create the annotation, else the version it replaces.
    """

    spans: list[dict] = field(default_factory=list)
    labels: dict = field(default_factory=dict)
    status: str = AnnotationStatus.DRAFT
    version: int | None = None
    lead_time_ms: int | None = None
    skip_reason: str = ""


def annotation_freeze_check(*, article: Article) -> None:
    """Raise ConflictError once the article is adjudicated (a gold annotation exists).

    From then on its annotations are the record the gold was made from: no
    door may change, empty or reopen them.
    """
    if article_adjudicated(article=article):
        raise ConflictError(
            _("This article has been adjudicated; it can no longer change.")
        )


@transaction.atomic
def annotation_submit(
    *, user: AbstractBaseUser, article: Article, data: AnnotationInput
) -> Annotation:
    """Save the user's annotation of the article (draft, submit or skip).

    The one use case behind the annotation page and ``PUT my-annotation``:
    members who may not annotate get PermissionDenied; annotators take a slot
    on the article first (ConflictError when every slot is someone else's);
    an adjudicated article refuses every change (ConflictError); then
    ``annotation_save`` (optimistic lock, validation, spans). All in one
    transaction: a refused save leaves no claim behind.
    """
    role = role_in_project(user=user, project=article.project)
    if not permissions.can_annotate(role):
        raise PermissionDenied("Your role in this project cannot annotate.")
    article_lock(article)
    if role == Role.ANNOTATOR:
        assignment_claim(article=article, user=user)
    annotation_freeze_check(article=article)
    return annotation_save(
        article=article,
        annotator=user,
        spans=data.spans,
        labels=data.labels,
        status=data.status,
        version=data.version,
        lead_time_ms=data.lead_time_ms,
        skip_reason=data.skip_reason,
    )


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

    The write under ``annotation_submit`` (doors call that one: it adds the
    claim and the adjudication freeze). Locks the article row first, so
    concurrent first saves cannot both insert. ``version=None`` creates it
    (ConflictError if one exists); otherwise ``version`` must equal the stored
    one (ConflictError when stale), and the saved annotation gets
    ``version + 1``. Submitting checks that every required
    question is answered. Spans and answers are validated against the project's
    scheme and the article's text; invalid input raises ValidationError and
    leaves the stored annotation as it was.
    """
    article_lock(article)
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
