"""Reads for the annotator's workspace: progress, the own annotation, suggestions.

Imported by ``annotations.views.workspace``, the my-annotation API and
``services.annotations`` (``article_adjudicated``: the adjudication freeze);
imports models, the access selectors and the pure ``scheme`` helpers. Blind
by construction: the only annotation read here is the caller's own, and no
figure counts other annotators' work on an article.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from annotations.choices import AnnotationStatus, AssignmentState
from annotations.models import (
    Annotation,
    AnnotationSpan,
    Article,
    Assignment,
    GoldAnnotation,
    GuidelineVersion,
    Prediction,
    Project,
)
from annotations.scheme import Scheme
from annotations.selectors.access import guideline_current, project_list_for_user
from annotations.selectors.training import active_prediction_order

FINISHED = (AnnotationStatus.SUBMITTED, AnnotationStatus.SKIPPED)


def _count(queryset: QuerySet, group: str) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def project_list_with_progress(
    *, user: AbstractBaseUser, now: datetime | None = None
) -> QuerySet[Project]:
    """The user's projects with ``progress_done`` and ``progress_assigned`` (one query).

    Done: articles the user submitted or skipped. Assigned: done plus the
    articles the user currently holds a slot on (a draft, or a handed-out
    article whose lease has not run out).
    """
    now = now or timezone.now()
    done = Annotation.objects.filter(
        article__project=OuterRef("pk"), annotator=user, status__in=FINISHED
    )
    held = (
        Assignment.objects.filter(article__project=OuterRef("pk"), annotator=user)
        .filter(
            Q(state=AssignmentState.IN_PROGRESS)
            | Q(state=AssignmentState.ASSIGNED)
            & (Q(lease_expires_at__isnull=True) | Q(lease_expires_at__gt=now))
        )
        .exclude(
            article__annotations__annotator=user,
            article__annotations__status__in=FINISHED,
        )
    )
    return project_list_for_user(user=user).annotate(
        progress_done=_count(done, "article__project"),
        progress_held=_count(held, "article__project"),
    )


@dataclass(frozen=True)
class Progress:
    """Done, held (assigned = done + held) and left: held plus the new work still open to them."""

    done: int
    assigned: int
    left: int = 0

    @property
    def total(self) -> int:
        return self.done + self.left

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def _open_new_work(*, user: AbstractBaseUser, project: Project, now: datetime) -> int:
    """Articles the queue could still hand the user: a free slot, never theirs before."""
    taken = Coalesce(
        Subquery(
            Assignment.objects.filter(article=OuterRef("pk"))
            .filter(
                Q(state__in=[AssignmentState.IN_PROGRESS, AssignmentState.DONE])
                | Q(state=AssignmentState.ASSIGNED)
                & (Q(lease_expires_at__isnull=True) | Q(lease_expires_at__gt=now))
            )
            .values("article")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )
    mine = Assignment.objects.filter(article=OuterRef("pk"), annotator=user).exclude(
        state=AssignmentState.RELEASED
    )
    own = Annotation.objects.filter(article=OuterRef("pk"), annotator=user)
    return (
        Article.objects.filter(project=project)
        .annotate(taken=taken)
        .filter(taken__lt=project.overlap)
        .exclude(Exists(mine))
        .exclude(Exists(own))
        .count()
    )


def progress_for_user(*, user: AbstractBaseUser, project: Project) -> Progress:
    """The caller's done / assigned in one project (same rule as the list above)."""
    now = timezone.now()
    done = Annotation.objects.filter(
        article__project=project, annotator=user, status__in=FINISHED
    )
    held = (
        Assignment.objects.filter(article__project=project, annotator=user)
        .filter(
            Q(state=AssignmentState.IN_PROGRESS)
            | Q(state=AssignmentState.ASSIGNED)
            & (Q(lease_expires_at__isnull=True) | Q(lease_expires_at__gt=now))
        )
        .exclude(article_id__in=done.values("article_id"))
    )
    done_count = done.count()
    held_count = held.count()
    new = _open_new_work(user=user, project=project, now=now)
    return Progress(
        done=done_count, assigned=done_count + held_count, left=held_count + new
    )


@dataclass
class Workspace:
    """Everything the annotation page shows, as plain data (offsets in code points)."""

    article: Article
    project: Project
    scheme: Scheme
    annotation: Annotation | None
    spans: list[dict[str, Any]]
    suggestions: list[dict[str, Any]]
    question_suggestions: dict[str, dict[str, Any]]
    prediction: Prediction | None
    guideline: GuidelineVersion | None
    progress: Progress
    adjudicated: bool
    published: datetime | None
    source: str
    labels: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str | None:
        return self.annotation.status if self.annotation else None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


def annotation_get_own(
    *, user: AbstractBaseUser, article: Article
) -> Annotation | None:
    """The caller's annotation of the article, or None."""
    return Annotation.objects.filter(article=article, annotator=user).first()


def annotation_get_own_with_spans(
    *, user: AbstractBaseUser, article: Article
) -> Annotation | None:
    """The caller's annotation with its spans, annotator and guideline (API shape)."""
    return (
        Annotation.objects.filter(article=article, annotator=user)
        .select_related("guideline_version", "annotator")
        .prefetch_related("spans")
        .first()
    )


def annotation_span_dicts(*, annotation: Annotation | None) -> list[dict[str, Any]]:
    """The annotation's spans as plain dicts (code points), in offset order."""
    if annotation is None:
        return []
    return list(
        AnnotationSpan.objects.filter(annotation=annotation)
        .order_by("start", "end", "label")
        .values("start", "end", "label", "text", "origin", "attributes")
    )


def article_adjudicated(*, article: Article) -> bool:
    """True once a reviewer wrote the gold annotation: annotations are frozen then."""
    return GoldAnnotation.objects.filter(article=article).exists()


def prediction_latest(*, article: Article) -> Prediction | None:
    """The prediction to show: the project's active pipeline's, else the newest."""
    return (
        Prediction.objects.filter(article=article)
        .order_by(*active_prediction_order(article.project))
        .first()
    )


def _valid_span(raw: Any, text: str) -> bool:
    """A machine span we can show: integer offsets inside the text, matching text."""
    if not isinstance(raw, dict):
        return False
    start, end = raw.get("start"), raw.get("end")
    if not (isinstance(start, int) and isinstance(end, int)):
        return False
    if not 0 <= start < end <= len(text):
        return False
    return raw.get("text", text[start:end]) == text[start:end]


def _score(raw: dict) -> float | None:
    score = raw.get("score")
    return float(score) if isinstance(score, int | float) else None


def suggestions_for(
    *, prediction: Prediction | None, text: str, label_keys: set[str]
) -> list[dict[str, Any]]:
    """Span suggestions of a prediction that fit the text and the scheme.

    ``id`` is the index in the prediction's list (stable for one prediction).
    Spans with stale offsets or labels outside the scheme are left out.
    """
    if prediction is None or not isinstance(prediction.spans, list):
        return []
    suggestions = []
    for index, raw in enumerate(prediction.spans):
        if not _valid_span(raw, text) or raw.get("label") not in label_keys:
            continue
        suggestions.append(
            {
                "id": index,
                "start": raw["start"],
                "end": raw["end"],
                "label": raw["label"],
                "text": text[raw["start"] : raw["end"]],
                "score": _score(raw),
            }
        )
    suggestions.sort(key=lambda s: (s["start"], -s["end"], s["label"]))
    return suggestions


def question_suggestions_for(
    *, prediction: Prediction | None, text: str, scheme: Scheme
) -> dict[str, dict[str, Any]]:
    """Per question: the best choice with its score, all scores, and evidence spans."""
    if prediction is None or not isinstance(prediction.labels, dict):
        return {}
    evidence: dict[str, list[dict]] = {}
    for item in prediction.evidence if isinstance(prediction.evidence, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("spans"), list):
            continue
        evidence.setdefault(str(item.get("question")), []).extend(
            {
                "start": raw["start"],
                "end": raw["end"],
                "label": str(raw.get("label", "")),
                "text": text[raw["start"] : raw["end"]],
                "score": _score(raw),
            }
            for raw in item["spans"]
            if _valid_span(raw, text)
        )
    result = {}
    for question in scheme.questions:
        scores = prediction.labels.get(question.key)
        if not isinstance(scores, dict):
            continue
        ranked = [
            {"key": choice.key, "name": choice.name, "score": float(scores[choice.key])}
            for choice in question.choices
            if isinstance(scores.get(choice.key), int | float)
        ]
        if not ranked:
            continue
        best = max(ranked, key=lambda choice: choice["score"])
        result[question.key] = {
            "best": best,
            "choices": ranked,
            "evidence": sorted(
                evidence.get(question.key, []), key=lambda s: (s["start"], s["end"])
            ),
        }
    return result


def _published(meta: dict) -> datetime | None:
    value = meta.get("published_at") or meta.get("date")
    if not isinstance(value, str):
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        parsed = datetime(day.year, day.month, day.day) if day else None  # noqa: DTZ001
        if parsed is not None:
            parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed


def workspace_get(
    *, user: AbstractBaseUser, article: Article, with_suggestions: bool = True
) -> Workspace:
    """The annotation page's data for the caller (``article.project.user_role`` set).

    Suggestions are left out for calibration articles (anchoring control) and
    when ``with_suggestions`` is false (e.g. for a read-only view).
    """
    project = article.project
    scheme = project.parsed_scheme
    annotation = annotation_get_own(user=user, article=article)
    spans = annotation_span_dicts(annotation=annotation)
    show = with_suggestions and not article.is_calibration
    prediction = prediction_latest(article=article) if show else None
    text = article.text
    meta = article.meta if isinstance(article.meta, dict) else {}
    guideline = guideline_current(project=project)
    return Workspace(
        article=article,
        project=project,
        scheme=scheme,
        annotation=annotation,
        spans=spans,
        suggestions=suggestions_for(
            prediction=prediction,
            text=text,
            label_keys=set(scheme.span_label_keys),
        ),
        question_suggestions=question_suggestions_for(
            prediction=prediction, text=text, scheme=scheme
        ),
        prediction=prediction,
        guideline=guideline,
        progress=progress_for_user(user=user, project=project),
        adjudicated=article_adjudicated(article=article),
        published=_published(meta),
        source=str(meta.get("source") or ""),
        labels=annotation.labels if annotation else {},
    )


__all__ = [
    "Progress",
    "Workspace",
    "annotation_get_own",
    "annotation_get_own_with_spans",
    "annotation_span_dicts",
    "article_adjudicated",
    "prediction_latest",
    "progress_for_user",
    "project_list_with_progress",
    "question_suggestions_for",
    "suggestions_for",
    "workspace_get",
]
