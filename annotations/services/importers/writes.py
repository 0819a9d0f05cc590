"""Writing checked annotations and predictions of an import.

Imported by ``importers.apply`` (inside its one transaction); imports the models
and the package's plain types. Imported annotators are inactive users
``imported.<tool>.<name>``; an annotation stored under the same (article,
imported annotator) is kept when the incoming one is equal and is a conflict
(``ImportConflictError``, nothing written) when it differs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
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
from annotations.prediction_confidence import (
    prediction_confidence,
    prediction_min_score,
)
from annotations.selectors import guideline_current
from annotations.services.articles import ImportConflictError

from .checks import CheckedAnnotation
from .parsed import ImportedPrediction, ParsedImport

USERNAME_MAX = 150
IMPORTED_PREFIX = "imported."
_NAME_CLEAN = re.compile(r"[^\w.@+-]+")


def imported_annotators(
    project: Project, tool: str, checked: list[CheckedAnnotation]
) -> dict[str, Any]:
    """Source name → inactive ``imported.<tool>.<name>`` user, a project annotator."""
    users: dict[str, Any] = {}
    for entry in checked:
        name = entry.item.annotator
        if name not in users:
            users[name] = imported_user(tool, name)
    for user in users.values():
        Membership.objects.get_or_create(
            project=project, user=user, defaults={"role": Role.ANNOTATOR}
        )
    return users


def imported_username(tool: str, name: str) -> str:
    """``imported.<tool>.<name>``; a name that is already one (an exported imported
    annotator coming back) is kept as it is, so round trips do not stack prefixes."""
    cleaned = _NAME_CLEAN.sub("_", name).strip("_") or "unknown"
    if cleaned.startswith(IMPORTED_PREFIX) and cleaned.count(".") >= 2:
        return cleaned[:USERNAME_MAX]
    return f"{IMPORTED_PREFIX}{tool}.{cleaned}"[:USERNAME_MAX]


def imported_user(tool: str, name: str):
    User = get_user_model()
    username = imported_username(tool, name)
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


@dataclass
class AnnotationsWritten:
    created: int = 0
    existing: int = 0
    drafts: list[dict[str, Any]] = field(default_factory=list)


def annotations_write(
    *,
    project: Project,
    parsed: ParsedImport,
    checked: list[CheckedAnnotation],
    articles: dict[int, Article],
    users: dict[str, Any],
) -> AnnotationsWritten:
    """Create the annotations not stored yet; ImportConflictError where they differ."""
    stored = _stored(articles, users)
    conflicts: list[dict[str, Any]] = []
    written = AnnotationsWritten()
    new: list[tuple[Annotation, CheckedAnnotation]] = []
    now = timezone.now()
    guideline = guideline_current(project=project)
    for entry in checked:
        article, user = articles[entry.item.index], users[entry.item.annotator]
        key = (article.pk, user.pk)
        if key in stored:
            if stored[key] == _content(entry):
                written.existing += 1
            else:
                conflicts.append(_conflict(parsed, entry, article, user))
            continue
        submitted = entry.status == AnnotationStatus.SUBMITTED
        annotation = Annotation(
            article=article,
            annotator=user,
            status=entry.status,
            labels=entry.labels,
            guideline_version=guideline,
            text_sha256=article.content_hash,
            submitted_at=now if submitted else None,
            lead_time_ms=entry.item.lead_time_ms,
        )
        stored[key] = _content(entry)
        new.append((annotation, entry))
    if conflicts:
        raise ImportConflictError(conflicts)
    Annotation.objects.bulk_create([a for a, _ in new], batch_size=500)
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
            for annotation, entry in new
            for span in entry.spans
        ),
        batch_size=1000,
    )
    written.created = len(new)
    written.drafts = [
        _draft(parsed, entry, annotation.annotator.get_username())
        for annotation, entry in new
        if entry.status == AnnotationStatus.DRAFT
    ]
    return written


Content = tuple[frozenset, dict[str, Any]]


def _content(entry: CheckedAnnotation) -> Content:
    return frozenset((s.start, s.end, s.label) for s in entry.spans), entry.labels


def _stored(articles: dict[int, Article], users: dict[str, Any]) -> dict:
    """(article id, user id) → spans and answers of the annotations already stored."""
    annotations = list(
        Annotation.objects.filter(
            article__in=[a.pk for a in articles.values()],
            annotator__in=[u.pk for u in users.values()],
        ).values_list("id", "article_id", "annotator_id", "labels")
    )
    spans: dict[int, set] = defaultdict(set)
    for owner, start, end, label in AnnotationSpan.objects.filter(
        annotation__in=[a[0] for a in annotations]
    ).values_list("annotation_id", "start", "end", "label"):
        spans[owner].add((start, end, label))
    return {
        (article, user): (frozenset(spans[pk]), labels or {})
        for pk, article, user, labels in annotations
    }


def _conflict(parsed: ParsedImport, entry, article: Article, user) -> dict[str, Any]:
    return {
        **parsed.where(entry.item.index),
        "annotator": user.get_username(),
        "article": article.pk,
        "reason": (
            f"{user.get_username()} already has another annotation of article "
            f"{article.pk} (spans or answers differ); imports never overwrite "
            "one. Name this file's annotator differently (annotator=) or change "
            "the stored annotation in newsroom."
        ),
    }


def _draft(parsed: ParsedImport, entry: CheckedAnnotation, username: str) -> dict:
    if entry.missing:
        reason = f"required question(s) not answered: {', '.join(entry.missing)}"
    else:
        reason = "marked as a draft in the file"
    return {
        **parsed.where(entry.item.index),
        "annotator": username,
        "missing": entry.missing,
        "reason": reason,
    }


def predictions_write(
    predictions: list[ImportedPrediction], articles: dict[int, Article]
) -> int:
    """Create the predictions not stored yet (one per article, pipeline and version)."""
    seen = set(
        Prediction.objects.filter(
            article__in=[a.pk for a in articles.values()]
        ).values_list("article_id", "pipeline", "pipeline_version")
    )
    new = []
    for prediction in predictions:
        article = articles[prediction.index]
        key = (article.pk, prediction.pipeline, prediction.version)
        if key in seen:
            continue
        seen.add(key)
        new.append(
            Prediction(
                article=article,
                pipeline=prediction.pipeline,
                pipeline_version=prediction.version,
                spans=sorted(
                    prediction.spans, key=lambda s: (s["start"], s["end"], s["label"])
                ),
                labels=prediction.labels,
                evidence=prediction.evidence,
                confidence=prediction_confidence(prediction.spans, prediction.labels),
                min_score=prediction_min_score(prediction.spans, prediction.labels),
            )
        )
    Prediction.objects.bulk_create(new, batch_size=500)
    return len(new)
