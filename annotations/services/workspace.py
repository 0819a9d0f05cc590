"""Writes of the annotator's workspace beyond a plain save: reopening finished work.

Imported by ``annotations.views.workspace``; goes through ``annotation_submit``
so the same claim, adjudication freeze, locking and assignment bookkeeping
apply.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from annotations.choices import AnnotationStatus
from annotations.models import Annotation, Article
from annotations.services.annotations import (
    AnnotationInput,
    annotation_freeze_check,
    annotation_submit,
)
from annotations.services.versioning import article_lock


@transaction.atomic
def annotation_reopen(
    *, user: AbstractBaseUser, article: Article, version: int | None = None
) -> Annotation:
    """Turn the user's submitted or skipped annotation of the article back into a draft.

    Allowed until the article is adjudicated (ConflictError after); the spans
    and answers stay as they were. ``version`` is the optimistic lock, as for
    every save (ConflictError when stale; None: the stored one).
    ``Annotation.DoesNotExist`` when the user has no annotation of the article.
    """
    article_lock(article)
    annotation = Annotation.objects.get(article=article, annotator=user)
    annotation_freeze_check(article=article)
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
    data = AnnotationInput(
        spans=spans,
        labels=annotation.labels,
        status=AnnotationStatus.DRAFT,
        version=annotation.version if version is None else version,
    )
    return annotation_submit(user=user, article=article, data=data)
