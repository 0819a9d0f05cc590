"""The review queue: articles with submitted work, filtered, ordered and paginated.

An article is in the queue once it has ``min_submitted`` submitted annotations
(default 1, so a project whose overlap is never reached still has work to
review). Filters: a span label some annotator used, an annotator who submitted,
a question the annotators answered differently, disagreement yes/no, and the
gold's state. Default order: articles without final gold first, then import
order; ``order="disagreement"`` puts the highest disagreement score first
(``annotations.agreement.disagreement``; articles without a score last).

A fixed number of queries whatever the page or project size: when neither the
order nor a filter needs the score, the database counts and slices the page and
scores only its articles (5 queries). Otherwise every article of the project is
scored from two value queries (answers, spans) and the resulting order of ids
is cached under the agreement watermark and the filters, so the next page
reads only its own 50 articles (10 queries for the first page, 7 from the
cache). Imported by ``views.review_queue``; imports models, the agreement
watermark and the ``agreement`` leaf.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field, replace

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Subquery,
    When,
)

from annotations.agreement.disagreement import (
    ArticleDisagreement,
    article_disagreements,
)
from annotations.choices import AnnotationStatus, GoldStatus
from annotations.models import Annotation, AnnotationSpan, Article, Project
from annotations.selectors.agreement import agreement_watermark

PAGE_SIZE = 50
ORDER_CACHE_SECONDS = 600
ORDER_DISAGREEMENT = "disagreement"
GOLD_OPEN = "open"
GOLD_FINAL = "final"


@dataclass(frozen=True)
class ReviewQueueFilters:
    """What the reviewer asked for (already validated by the page's form)."""

    min_submitted: int = 1
    label: str = ""
    annotator: str = ""
    question: str = ""
    disagreement: str = ""  # "", "yes" (score > 0) or "no" (score 0)
    gold: str = ""  # "", GOLD_OPEN (no final gold) or GOLD_FINAL
    order: str = ""  # "" (open first) or ORDER_DISAGREEMENT
    page: int = 1
    per_page: int = PAGE_SIZE

    @property
    def needs_scores(self) -> bool:
        """Whether every candidate must be scored (order or filter by the score)."""
        return bool(
            self.order == ORDER_DISAGREEMENT or self.disagreement or self.question
        )


@dataclass(frozen=True)
class ReviewQueueItem:
    article_id: int
    title: str
    submitted: int
    gold_status: str | None
    annotators: tuple[str, ...]
    disagreement: ArticleDisagreement

    @property
    def score(self) -> float | None:
        return self.disagreement.score


@dataclass(frozen=True)
class ReviewQueue:
    """One page of the queue, how many match, and the annotators to filter by."""

    items: list[ReviewQueueItem]
    total: int
    page: int
    pages: int
    annotators: list[str] = field(default_factory=list)
    unknown_annotator: bool = False


def review_queue(*, project: Project, filters: ReviewQueueFilters) -> ReviewQueue:
    """The page ``filters.page`` of the project's review queue (see the module docstring)."""
    annotators = _submitting_annotators(project)
    if filters.annotator and filters.annotator not in annotators:
        return ReviewQueue([], 0, 1, 1, annotators, unknown_annotator=True)
    candidates = _candidates(project, filters)
    if filters.needs_scores:
        ordered = _ordered_ids(project, candidates, filters)
        total = len(ordered)
        page = _clamp(filters, total)
        start = (page - 1) * filters.per_page
        wanted = ordered[start : start + filters.per_page]
        found = {
            row["pk"]: row
            for row in Article.objects.filter(pk__in=wanted).values(
                "pk", "title", "gold__status"
            )
        }
        rows = [found[pk] for pk in wanted if pk in found]
    else:
        total = candidates.count()
        page = _clamp(filters, total)
        start = (page - 1) * filters.per_page
        rows = list(
            candidates.values("pk", "title", "gold__status")[
                start : start + filters.per_page
            ]
        )
    scores, names = _scores(project, [r["pk"] for r in rows])
    items = [
        ReviewQueueItem(
            article_id=row["pk"],
            title=row["title"],
            submitted=len(names.get(row["pk"], ())),
            gold_status=row["gold__status"],
            annotators=tuple(names.get(row["pk"], ())),
            disagreement=_score(scores, row["pk"]),
        )
        for row in rows
    ]
    return ReviewQueue(items, total, page, _pages(filters, total), annotators)


def _submitting_annotators(project: Project) -> list[str]:
    """Usernames of everyone with submitted work here (one indexed probe per user)."""
    user_model = get_user_model()
    submitted = Annotation.objects.filter(
        annotator=OuterRef("pk"),
        article__project=project,
        status=AnnotationStatus.SUBMITTED,
    )
    return list(
        user_model.objects.filter(Exists(submitted))
        .order_by(user_model.USERNAME_FIELD)
        .values_list(user_model.USERNAME_FIELD, flat=True)
    )


def _candidates(project: Project, filters: ReviewQueueFilters):
    """Articles with enough submitted work that match the database-side filters.

    No GROUP BY: "at least one" is an EXISTS probe, a higher minimum a counting
    subquery, so the page query stays a scan of the project's articles.
    """
    submitted = Annotation.objects.filter(
        article=OuterRef("pk"), status=AnnotationStatus.SUBMITTED
    )
    articles = Article.objects.filter(project=project).annotate(
        has_final_gold=Case(
            When(gold__status=GoldStatus.FINAL, then=1),
            default=0,
            output_field=IntegerField(),
        )
    )
    if filters.min_submitted <= 1:
        articles = articles.filter(Exists(submitted))
    else:
        counted = submitted.order_by().values("article").annotate(n=Count("pk"))
        articles = articles.annotate(
            n_submitted=Subquery(counted.values("n"), output_field=IntegerField())
        ).filter(n_submitted__gte=filters.min_submitted)
    articles = articles.order_by("has_final_gold", "pk")
    if filters.label:
        articles = articles.filter(
            Exists(
                AnnotationSpan.objects.filter(
                    annotation__article=OuterRef("pk"),
                    annotation__status=AnnotationStatus.SUBMITTED,
                    label=filters.label,
                )
            )
        )
    if filters.annotator:
        username = f"annotator__{get_user_model().USERNAME_FIELD}"
        articles = articles.filter(
            Exists(
                Annotation.objects.filter(
                    article=OuterRef("pk"),
                    status=AnnotationStatus.SUBMITTED,
                    **{username: filters.annotator},
                )
            )
        )
    if filters.gold == GOLD_FINAL:
        articles = articles.filter(has_final_gold=1)
    elif filters.gold == GOLD_OPEN:
        articles = articles.filter(has_final_gold=0)
    return articles


def _ordered_ids(
    project: Project, candidates, filters: ReviewQueueFilters
) -> list[int]:
    """Ids of the candidates that pass the score filters, in the asked order.

    Cached under the agreement watermark (``selectors.agreement``: three
    aggregate queries that move with every saved annotation, gold or article)
    and the filters, so paging through a queue ordered by disagreement scores
    the project once, not once per page, and never serves an order the data no
    longer supports.
    """
    watermark = agreement_watermark(project=project)
    asked = replace(filters, page=1, per_page=PAGE_SIZE)
    digest = hashlib.sha256(repr(asked).encode()).hexdigest()[:24]
    key = f"review-queue:{project.pk}:{watermark}:{digest}"
    ordered = cache.get(key)
    if ordered is None:
        rows = list(candidates.values("pk", "gold__status"))
        scores, _names = _scores(project, None)
        rows = [r for r in rows if _passes(_score(scores, r["pk"]), filters)]
        if filters.order == ORDER_DISAGREEMENT:
            rows.sort(key=lambda r: _by_disagreement(r, _score(scores, r["pk"])))
        ordered = [row["pk"] for row in rows]
        cache.set(key, ordered, ORDER_CACHE_SECONDS)
    return ordered


def _scores(
    project: Project, article_ids: list[int] | None
) -> tuple[dict, dict[int, list[str]]]:
    """Disagreement and annotator names of ``article_ids`` (all when None): two queries."""
    scope = (
        {"article__project": project}
        if article_ids is None
        else {"article_id__in": article_ids}
    )
    username = f"annotator__{get_user_model().USERNAME_FIELD}"
    answers = (
        Annotation.objects.filter(status=AnnotationStatus.SUBMITTED, **scope)
        .order_by("article_id", "pk")
        .values_list("article_id", "annotator_id", username, "labels")
    )
    names: dict[int, list[str]] = {}
    rows = []
    for article_id, annotator_id, name, labels in answers:
        names.setdefault(article_id, []).append(name)
        rows.append((article_id, annotator_id, labels))
    spans = AnnotationSpan.objects.filter(
        annotation__status=AnnotationStatus.SUBMITTED,
        **{f"annotation__{k}": v for k, v in scope.items()},
    ).values_list(
        "annotation__article_id", "annotation__annotator_id", "start", "end", "label"
    )
    scheme = project.parsed_scheme
    scores = article_disagreements(
        rows,
        spans.iterator(chunk_size=5000),
        questions=[q.key for q in scheme.questions],
        with_spans=bool(scheme.span_labels),
    )
    return scores, names


def _score(scores: dict, article_id: int) -> ArticleDisagreement:
    """The article's score; empty when its annotations went away between two queries."""
    return scores.get(article_id) or ArticleDisagreement(n_annotations=0)


def _passes(score: ArticleDisagreement, filters: ReviewQueueFilters) -> bool:
    if filters.question and score.parts.get(filters.question, 0.0) <= 0:
        return False
    if filters.disagreement == "yes":
        return (score.score or 0.0) > 0
    if filters.disagreement == "no":
        return score.score == 0
    return True


def _by_disagreement(row: dict, score: ArticleDisagreement) -> tuple:
    value = score.score
    return (
        value is None,
        -(value or 0.0),
        row["gold__status"] == GoldStatus.FINAL,
        row["pk"],
    )


def _pages(filters: ReviewQueueFilters, total: int) -> int:
    return max(1, math.ceil(total / filters.per_page))


def _clamp(filters: ReviewQueueFilters, total: int) -> int:
    """The requested page, or the last one when the request points past the end."""
    return min(max(1, filters.page), _pages(filters, total))


def disagreement_ids(*, project: Project, disagreement: str) -> list[int]:
    """Ids of the articles whose submitted work disagrees (``"yes"``) or agrees
    (``"no"``), scored and cached like the queue's disagreement order (the
    article manager's filter)."""
    filters = ReviewQueueFilters(disagreement=disagreement)
    return _ordered_ids(project, _candidates(project, filters), filters)
