"""The article manager's list: filters, keyset pages and a capped count.

Imported by ``views.articles`` (through ``selectors.article_manager``) and the
bench; imports the models and the review queue's disagreement scores. Why keyset
and a capped count: at 100,000 articles ``OFFSET`` and an exact ``COUNT(*)`` under
filters cost a scan each; a page here is one index walk that stops after
``per_page + 1`` rows (``after`` is the sort key of the last row shown), and the
count stops at ``COUNT_CAP`` ("10,000+"). Per-row details (who did what, gold,
predictions) are read for the page's ids only: four queries whatever the size.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet

from annotations.choices import AnnotationStatus, AssignmentState
from annotations.models import (
    Annotation,
    AnnotationSpan,
    Article,
    Assignment,
    GoldSpan,
    Prediction,
    Project,
)
from annotations.selectors.review_queue import disagreement_ids

PAGE_SIZE = 50
COUNT_CAP = 10_000
ID_WINDOW = 500
#: sort name -> the ordering (the last field is always the unique id).
SORTS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "-id": ("-id",),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
    "-priority": ("-priority", "id"),
}
#: status values of the per-annotator filter besides the annotation states.
STATUS_ASSIGNED = "assigned"
STATUS_NONE = "none"
STATUSES = (*AnnotationStatus.values, STATUS_ASSIGNED, STATUS_NONE)
PREANNOTATION_STATES = ("predicted", "skipped", "none")
LIVE_ASSIGNMENT = (AssignmentState.ASSIGNED, AssignmentState.IN_PROGRESS)


class BadCursor(ValueError):
    """The ``after`` parameter was not made by this page (edited by hand)."""


@dataclass(frozen=True)
class ArticleFilters:
    """What the admin asked for, already validated by the page's form."""

    q: str = ""
    annotator: str = ""
    status: str = ""
    gold: str = ""  # "", "yes", "no", "final"
    disagreement: str = ""  # "", "yes", "no"
    label: str = ""
    preannotation: str = ""  # "", "predicted", "skipped", "none"
    confidence_below: float | None = None
    guideline: int | None = None
    batch: str = ""  # an import job id
    queue: str = ""  # "", "in", "out"
    sort: str = "id"
    after: str = ""
    per_page: int = PAGE_SIZE


@dataclass(frozen=True)
class ArticleRow:
    pk: int
    title: str
    language: str
    priority: int
    in_queue: bool
    gold_status: str | None
    skipped_reason: str
    work: tuple[tuple[str, str], ...] = ()  # (username, status) sorted by name
    predictions: int = 0
    min_score: float | None = None


@dataclass(frozen=True)
class ArticlePage:
    rows: list[ArticleRow]
    next_cursor: str = ""
    is_first: bool = True


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> list[Any]:
    """The sort key values in ``cursor``; BadCursor unless they fit ``sort``."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError) as error:
        raise BadCursor(
            "This page link is broken; start from the first page."
        ) from error
    fields = SORTS[sort]
    if not isinstance(values, list) or len(values) != len(fields):
        raise BadCursor("This page link is broken; start from the first page.")
    for name, value in zip(fields, values, strict=True):
        want = str if name.lstrip("-") == "title" else int
        if not isinstance(value, want) or isinstance(value, bool):
            raise BadCursor("This page link is broken; start from the first page.")
    return values


def _after_q(sort: str, values: list[Any]) -> Q:
    """Rows strictly after ``values`` in the ``sort`` order (a lexicographic keyset)."""
    fields = SORTS[sort]
    result = Q()
    for depth in range(len(fields) - 1, -1, -1):
        name = fields[depth]
        column = name.lstrip("-")
        step = Q(
            **{f"{column}__{'lt' if name.startswith('-') else 'gt'}": values[depth]}
        )
        for before in range(depth):
            step &= Q(**{fields[before].lstrip("-"): values[before]})
        result |= step
    return result


def _username() -> str:
    return get_user_model().USERNAME_FIELD


def _status_q(filters: ArticleFilters) -> Q:
    """The per-annotator status filter (any annotator when none is named)."""
    who = {f"annotator__{_username()}": filters.annotator} if filters.annotator else {}
    work = Annotation.objects.filter(article=OuterRef("pk"), **who)
    held = Assignment.objects.filter(
        article=OuterRef("pk"), state__in=LIVE_ASSIGNMENT, **who
    )
    if filters.status in AnnotationStatus.values:
        return Q(Exists(work.filter(status=filters.status)))
    if filters.status == STATUS_ASSIGNED:
        return Q(Exists(held)) & ~Q(Exists(work))
    if filters.status == STATUS_NONE:
        return ~Q(Exists(work)) & ~Q(Exists(held))
    if filters.annotator:
        return Q(Exists(work)) | Q(Exists(held))
    return Q()


def _prediction_q(filters: ArticleFilters) -> Q:
    predictions = Prediction.objects.filter(article=OuterRef("pk"))
    result = Q()
    if filters.preannotation == "predicted":
        result &= Q(Exists(predictions))
    elif filters.preannotation == "skipped":
        result &= ~Q(preannotation_skipped_reason="")
    elif filters.preannotation == "none":
        result &= ~Q(Exists(predictions)) & Q(preannotation_skipped_reason="")
    if filters.confidence_below is not None:
        result &= Q(Exists(predictions.filter(min_score__lt=filters.confidence_below)))
    return result


def article_filter(
    *,
    project: Project,
    filters: ArticleFilters,
    disagreeing: list[int] | None = None,
) -> QuerySet[Article]:
    """The project's articles that match ``filters``, in the asked order.

    ``disagreeing`` narrows the disagreement filter to these ids (a window of the
    cached list, see ``article_page``)."""
    articles = Article.objects.filter(project=project)
    if filters.q:
        articles = articles.filter(
            Q(title__icontains=filters.q) | Q(text__icontains=filters.q)
        )
    articles = articles.filter(_status_q(filters), _prediction_q(filters))
    if filters.gold == "yes":
        articles = articles.filter(gold__isnull=False)
    elif filters.gold == "no":
        articles = articles.filter(gold__isnull=True)
    elif filters.gold:
        articles = articles.filter(gold__status=filters.gold)
    if filters.label:
        in_work = AnnotationSpan.objects.filter(
            annotation__article=OuterRef("pk"), label=filters.label
        )
        in_gold = GoldSpan.objects.filter(
            gold__article=OuterRef("pk"), label=filters.label
        )
        articles = articles.filter(Q(Exists(in_work)) | Q(Exists(in_gold)))
    if filters.guideline is not None:
        articles = articles.filter(
            Exists(
                Annotation.objects.filter(
                    article=OuterRef("pk"), guideline_version__number=filters.guideline
                )
            )
        )
    if filters.batch:
        articles = articles.filter(import_job_id=filters.batch)
    if filters.queue:
        articles = articles.filter(in_queue=filters.queue == "in")
    if filters.disagreement:
        if disagreeing is None:
            disagreeing = disagreement_ids(
                project=project, disagreement=filters.disagreement
            )
        articles = articles.filter(pk__in=disagreeing)
    return articles.order_by(*SORTS[filters.sort])


def article_count(*, project: Project, filters: ArticleFilters) -> tuple[int, bool]:
    """How many articles match, counted up to ``COUNT_CAP``; True when capped."""
    matching = article_filter(project=project, filters=filters).order_by()
    count = matching.values("pk")[: COUNT_CAP + 1].count()
    return min(count, COUNT_CAP), count > COUNT_CAP


def article_page(*, project: Project, filters: ArticleFilters) -> ArticlePage:
    """One page of matching articles with who did what on each (see the module doc)."""
    if filters.disagreement and filters.sort in ("id", "-id"):
        found = _page_in_id_windows(project, filters)
    else:
        articles = article_filter(project=project, filters=filters)
        if filters.after:
            articles = articles.filter(
                _after_q(filters.sort, decode_cursor(filters.after, filters.sort))
            )
        found = list(_values(articles)[: filters.per_page + 1])
    more = len(found) > filters.per_page
    found = found[: filters.per_page]
    rows = _rows(found)
    cursor = ""
    if more:
        last = found[-1]
        cursor = encode_cursor([last[name.lstrip("-")] for name in SORTS[filters.sort]])
    return ArticlePage(rows=rows, next_cursor=cursor, is_first=not filters.after)


def _values(articles: QuerySet[Article]) -> QuerySet:
    return articles.values(
        "pk",
        "id",
        "title",
        "language",
        "priority",
        "in_queue",
        "gold__status",
        "preannotation_skipped_reason",
    )


def _page_in_id_windows(project: Project, filters: ArticleFilters) -> list[dict]:
    """A page of the disagreement filter in id order, ``ID_WINDOW`` ids at a time.

    The cached list can hold tens of thousands of ids; passing it whole as an
    ``IN`` list on every page costs more than the page. Walking it in id order
    and asking the database about one window at a time stops as soon as the
    page is full (usually after the first window).
    """
    descending = filters.sort == "-id"
    ids = sorted(
        disagreement_ids(project=project, disagreement=filters.disagreement),
        reverse=descending,
    )
    if filters.after:
        (last,) = decode_cursor(filters.after, filters.sort)
        ids = [pk for pk in ids if (pk < last if descending else pk > last)]
    found: list[dict] = []
    for start in range(0, len(ids), ID_WINDOW):
        window = ids[start : start + ID_WINDOW]
        articles = article_filter(project=project, filters=filters, disagreeing=window)
        found += _values(articles)[: filters.per_page + 1 - len(found)]
        if len(found) > filters.per_page:
            break
    return found


def _rows(found: list[dict[str, Any]]) -> list[ArticleRow]:
    ids = [row["pk"] for row in found]
    work: dict[int, dict[str, str]] = {pk: {} for pk in ids}
    for article_id, name in Assignment.objects.filter(
        article_id__in=ids, state__in=LIVE_ASSIGNMENT
    ).values_list("article_id", f"annotator__{_username()}"):
        work[article_id][name] = STATUS_ASSIGNED
    for article_id, name, status in Annotation.objects.filter(
        article_id__in=ids
    ).values_list("article_id", f"annotator__{_username()}", "status"):
        work[article_id][name] = status
    predictions = {
        row["article_id"]: row
        for row in Prediction.objects.filter(article_id__in=ids)
        .order_by()
        .values("article_id")
        .annotate(n=Count("pk"), low=Min("min_score"))
    }
    return [
        ArticleRow(
            pk=row["pk"],
            title=row["title"],
            language=row["language"],
            priority=row["priority"],
            in_queue=row["in_queue"],
            gold_status=row["gold__status"],
            skipped_reason=row["preannotation_skipped_reason"],
            work=tuple(sorted(work[row["pk"]].items())),
            predictions=predictions.get(row["pk"], {}).get("n", 0),
            min_score=predictions.get(row["pk"], {}).get("low"),
        )
        for row in found
    ]
