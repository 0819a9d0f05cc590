"""Writes of the annotator's workspace beyond a plain save: reopening finished work.

Imported by ``annotations.views.workspace``; calls ``annotation_save`` so the
same validation, locking and assignment bookkeeping apply.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from annotations.choices import AnnotationStatus
from annotations.errors import ConflictError
from annotations.models import Annotation, GoldAnnotation
from annotations.services.annotations import annotation_save


def annotation_reopen(
    *, annotation: Annotation, annotator: AbstractBaseUser, version: int
) -> Annotation:
    """Turn the annotator's submitted or skipped annotation back into a draft.

    Allowed until the article is adjudicated (a gold annotation exists); the
    spans and answers stay as they were. ``version`` is the optimistic lock,
    as for every save (ConflictError when stale).
    """
    if annotation.annotator_id != annotator.pk:
        raise ConflictError("Only its annotator can reopen an annotation.")
    if GoldAnnotation.objects.filter(article_id=annotation.article_id).exists():
        raise ConflictError(
            "This article has been adjudicated; its annotations can no longer change."
        )
    if annotation.status == AnnotationStatus.DRAFT:
        return annotation
    spans = [
        {
            "start": span.start,
            "end": span.end,
            "label": span.label,
            "text": span.text,
            "origin": span.origin,
            "attributes": span.attributes,
        }
        for span in annotation.spans.all()
    ]
    return annotation_save(
        article=annotation.article,
        annotator=annotator,
        spans=spans,
        labels=annotation.labels,
        status=AnnotationStatus.DRAFT,
        version=version,
    )
