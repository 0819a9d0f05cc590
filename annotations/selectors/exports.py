"""Reads for dataset exports: plain ``ExportRow`` objects built in chunks.

Imported by services (exports, releases), the API and commands; imports the models
and the ``exporters`` leaf package. Never imports services: the automatic consensus
is passed in as a function (``services.exports.consensus_merge``).

Query plan (no N+1): articles are walked in keyset chunks of ``chunk_size`` ids; per
chunk one query reads the articles, one the gold annotations, one their spans, one
the submitted annotations and one their spans (``values_list`` tuples, not model
instances, because the export is the hot path). Memory holds one chunk at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.crypto import salted_hmac

from annotations.choices import AnnotationStatus, GoldStatus
from annotations.exporters import ExportQuestion, ExportRow, ExportScheme, ExportSpan
from annotations.models import (
    Annotation,
    AnnotationSpan,
    Article,
    GoldAnnotation,
    GoldSpan,
    Project,
)

SOURCES = ("gold", "annotations")
#: ``status`` values of a gold export: which kinds of gold rows to include.
GOLD_STATUSES = (GoldStatus.FINAL, GoldStatus.DRAFT, "consensus")
DEFAULT_GOLD_STATUSES = (GoldStatus.FINAL, "consensus")
DEFAULT_ANNOTATION_STATUSES = (AnnotationStatus.SUBMITTED,)
CHUNK_SIZE = 2000


@dataclass(frozen=True)
class ExportFilters:
    """What to export. ``statuses`` empty means the source's default."""

    source: str = "gold"
    statuses: tuple[str, ...] = ()
    guideline_version: int | None = None  # at most this version
    labels: tuple[str, ...] = ()  # keep only spans with these labels; empty = all
    updated_since: datetime | None = None

    @property
    def effective_statuses(self) -> tuple[str, ...]:
        if self.statuses:
            return self.statuses
        return (
            DEFAULT_GOLD_STATUSES
            if self.source == "gold"
            else DEFAULT_ANNOTATION_STATUSES
        )


SpanKey = tuple[int, int, str]  # (start, end, label); the text is the article's slice


@dataclass(frozen=True)
class SourceAnnotation:
    """One submitted annotation as the consensus function sees it.

    ``spans`` are ``(start, end, label)`` triples (code points into the article text),
    plain tuples because the consensus runs over every span of the project.
    """

    annotator_id: int
    labels: dict[str, Any]
    spans: tuple[SpanKey, ...]
    guideline_version: int | None


@dataclass
class ConsensusResult:
    spans: tuple[SpanKey, ...]
    labels: dict[str, Any]
    guideline_version: int | None
    info: dict[str, Any] = field(default_factory=dict)


ConsensusFn = Callable[[Sequence[SourceAnnotation]], ConsensusResult | None]


def annotator_pseudonym(*, project_id: int, user_id: int) -> str:
    """A stable pseudonym of a user within one project (HMAC with the SECRET_KEY).

    Stable across exports and releases of one deployment; different per project, so
    pseudonyms cannot be joined across projects; not reversible without the key.
    """
    digest = salted_hmac(
        "newsroom.annotator-pseudonym", f"{project_id}:{user_id}", algorithm="sha256"
    ).hexdigest()
    return f"annotator-{digest[:10]}"


def annotator_names(
    *, project: Project, user_ids: Sequence[int], names_visible: bool
) -> dict[int, str]:
    """user id → username (``names_visible``) or pseudonym."""
    if not names_visible:
        return {
            uid: annotator_pseudonym(project_id=project.pk, user_id=uid)
            for uid in user_ids
        }
    User = get_user_model()
    return dict(
        User.objects.filter(pk__in=list(user_ids)).values_list(
            "pk", User.USERNAME_FIELD
        )
    )


def export_scheme(*, project: Project, labels: Sequence[str] = ()) -> ExportScheme:
    """The project's scheme for the exporters (span labels limited to ``labels``)."""
    scheme = project.parsed_scheme
    span_labels = tuple(
        key for key in scheme.span_label_keys if not labels or key in labels
    )
    return ExportScheme(
        language=project.language,
        span_labels=span_labels,
        questions=tuple(
            ExportQuestion(key=q.key, choices=q.choice_keys, multiple=q.multiple)
            for q in scheme.questions
        ),
    )


def _annotation_q(filters: ExportFilters, prefix: str = "") -> Q:
    q = Q(**{f"{prefix}status__in": list(_annotation_statuses(filters))})
    if filters.guideline_version is not None:
        q &= Q(**{f"{prefix}guideline_version__number__lte": filters.guideline_version})
    return q


def _annotation_statuses(filters: ExportFilters) -> tuple[str, ...]:
    if filters.source == "gold":
        return (AnnotationStatus.SUBMITTED,)
    return filters.effective_statuses


def _gold_q(filters: ExportFilters, prefix: str = "") -> Q:
    statuses = [s for s in filters.effective_statuses if s in GoldStatus.values]
    q = Q(**{f"{prefix}status__in": statuses})
    if filters.guideline_version is not None:
        q &= Q(**{f"{prefix}guideline_version__number__lte": filters.guideline_version})
    return q


def export_article_queryset(
    *, project: Project, filters: ExportFilters
) -> QuerySet[Article]:
    """Articles that may produce at least one row (ordered by id)."""
    articles = Article.objects.filter(project=project)
    annotations = Annotation.objects.filter(
        _annotation_q(filters), article=OuterRef("pk")
    )
    if filters.updated_since is not None:
        annotations = annotations.filter(updated_at__gte=filters.updated_since)
    if filters.source == "annotations":
        return articles.filter(Exists(annotations)).order_by("id")
    statuses = filters.effective_statuses
    condition = Q(pk__in=[])
    if any(s in GoldStatus.values for s in statuses):
        gold = GoldAnnotation.objects.filter(_gold_q(filters), article=OuterRef("pk"))
        if filters.updated_since is not None:
            gold = gold.filter(updated_at__gte=filters.updated_since)
        condition |= Q(Exists(gold))
    if "consensus" in statuses:
        condition |= Q(Exists(annotations))
    return articles.filter(condition).order_by("id")


def export_count(*, project: Project, filters: ExportFilters) -> int:
    """How many articles the export touches (an upper bound for gold exports)."""
    return export_article_queryset(project=project, filters=filters).count()


ARTICLE_FIELDS = ("id", "external_id", "language", "title", "text", "meta")


def _id_chunks(project: Project, chunk_size: int) -> Iterator[list[int]]:
    """The project's article ids in ascending keyset chunks (an index range scan).

    Deliberately without the "has rows" condition: an EXISTS filter under ORDER BY
    ... LIMIT lets the planner scan every article of the project per chunk; the
    chunk's rows are looked up by id instead and articles without any are skipped.
    """
    last = 0
    while True:
        ids = list(
            Article.objects.filter(project=project, pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:chunk_size]
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def _chunk_filter(project: Project, ids: list[int]) -> dict[str, Any]:
    """Rows of the chunk's articles: an id range within the project, not a long IN list.

    ``ids`` is a keyset chunk of the project's article ids, so the range and the
    project select exactly those articles, without sending thousands of parameters.
    """
    return {
        "article__project": project,
        "article_id__gte": ids[0],
        "article_id__lte": ids[-1],
    }


def _articles(project: Project, ids) -> dict[int, dict[str, Any]]:
    """The chunk's articles among ``ids`` (read by id range, filtered here)."""
    wanted = set(ids)
    if not wanted:
        return {}
    return {
        article["id"]: article
        for article in Article.objects.filter(
            project=project, pk__gte=min(wanted), pk__lte=max(wanted)
        )
        .order_by()
        .values(*ARTICLE_FIELDS)
        if article["id"] in wanted
    }


def _spans_by_owner(
    model, owner_field: str, owner_ids, labels: Sequence[str]
) -> dict[int, list[SpanKey]]:
    """``{owner id: [(start, end, label), ...]}`` in one query.

    ``owner_ids`` is a list or a subquery (``queryset.values("id")``); a subquery
    keeps large chunks from turning into tens of thousands of SQL parameters.

    The span text is not read: it equals the article text's slice (checked on every
    save), and the exporters check it again.
    """
    spans: dict[int, list[SpanKey]] = defaultdict(list)
    if isinstance(owner_ids, list) and not owner_ids:
        return spans
    queryset = model.objects.filter(**{f"{owner_field}__in": owner_ids})
    if labels:
        queryset = queryset.filter(label__in=list(labels))
    rows = queryset.order_by().values_list(owner_field, "start", "end", "label")
    for owner, start, end, label in rows:
        spans[owner].append((start, end, label))
    return spans


def _export_spans(text: str, keys) -> tuple[ExportSpan, ...]:
    return tuple(
        ExportSpan(start=start, end=end, label=label, text=text[start:end])
        for start, end, label in keys
    )


def _row(
    article: dict[str, Any],
    *,
    spans: Sequence[SpanKey],
    labels: dict[str, Any],
    guideline_version: int | None,
    meta_extra: dict[str, Any] | None = None,
    annotator: str | None = None,
    status: str | None = None,
) -> ExportRow:
    meta = article["meta"] or {}
    if meta_extra:
        meta = {**meta, "newsroom": meta_extra}
    return ExportRow(
        article_id=article["id"],
        external_id=article["external_id"],
        language=article["language"],
        title=article["title"],
        text=article["text"],
        spans=_export_spans(article["text"], spans),
        labels=labels or {},
        meta=meta,
        guideline_version=guideline_version,
        annotator=annotator,
        status=status,
    )


def export_rows(
    *,
    project: Project,
    filters: ExportFilters,
    names_visible: bool = False,
    consensus: ConsensusFn | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[ExportRow]:
    """Rows of the export, ordered by article id (then annotation id), lazily.

    ``source=gold``: one row per article: its gold annotation if one matches
    ``statuses`` (``final``/``draft``), else, when ``consensus`` is in ``statuses``
    and a ``consensus`` function is given, the merge of its submitted annotations
    (left out when the function returns None). ``meta["newsroom"]`` says which:
    ``{"gold": "adjudicated", "status": ...}`` or ``{"gold": "consensus", ...}``.

    ``source=annotations``: one row per annotation with ``status`` in ``statuses``
    (default submitted); ``annotator`` is the username when ``names_visible``, else
    a stable pseudonym.
    """
    if filters.source == "annotations":
        yield from _annotation_rows(project, filters, names_visible, chunk_size)
    else:
        yield from _gold_rows(project, filters, consensus, chunk_size)


def _annotation_rows(
    project: Project,
    filters: ExportFilters,
    names_visible: bool,
    chunk_size: int,
) -> Iterator[ExportRow]:
    names: dict[int, str] = {}
    for ids in _id_chunks(project, chunk_size):
        queryset = Annotation.objects.filter(
            _annotation_q(filters), **_chunk_filter(project, ids)
        )
        if filters.updated_since is not None:
            queryset = queryset.filter(updated_at__gte=filters.updated_since)
        annotations = list(
            queryset.order_by("article_id", "id").values_list(
                "id",
                "article_id",
                "annotator_id",
                "status",
                "labels",
                "guideline_version__number",
            )
        )
        unknown = {a[2] for a in annotations} - set(names)
        if unknown:
            names.update(
                annotator_names(
                    project=project,
                    user_ids=sorted(unknown),
                    names_visible=names_visible,
                )
            )
        if not annotations:
            continue
        spans = _spans_by_owner(
            AnnotationSpan, "annotation_id", queryset.values("id"), filters.labels
        )
        by_id = _articles(project, {a[1] for a in annotations})
        for pk, article_id, annotator_id, status, labels, version in annotations:
            yield _row(
                by_id[article_id],
                spans=spans.get(pk, ()),
                labels=labels,
                guideline_version=version,
                annotator=names[annotator_id],
                status=status,
            )


def _gold_rows(
    project: Project,
    filters: ExportFilters,
    consensus: ConsensusFn | None,
    chunk_size: int,
) -> Iterator[ExportRow]:
    statuses = filters.effective_statuses
    want_gold = any(s in GoldStatus.values for s in statuses)
    want_consensus = "consensus" in statuses and consensus is not None
    for ids in _id_chunks(project, chunk_size):
        golds: dict[int, tuple] = {}
        if want_gold:
            # Every gold of a requested status counts, so an article with gold never
            # falls back to consensus; the version and date filters then drop rows.
            statuses_gold = [s for s in statuses if s in GoldStatus.values]
            for row in (
                GoldAnnotation.objects.filter(
                    status__in=statuses_gold, **_chunk_filter(project, ids)
                )
                .order_by()
                .values_list(
                    "id",
                    "article_id",
                    "status",
                    "labels",
                    "guideline_version__number",
                    "updated_at",
                )
            ):
                golds[row[1]] = row
        gold_spans = _spans_by_owner(
            GoldSpan,
            "gold_id",
            [g[0] for g in golds.values() if _gold_matches(g, filters)],
            filters.labels,
        )
        sources: dict[int, list[SourceAnnotation]] = defaultdict(list)
        missing = [pk for pk in ids if pk not in golds]
        if want_consensus and missing:
            queryset = Annotation.objects.filter(
                _annotation_q(filters), **_chunk_filter(project, ids)
            )
            if golds:
                queryset = queryset.exclude(article_id__in=list(golds))
            annotations = list(
                queryset.order_by("article_id", "id").values_list(
                    "id",
                    "article_id",
                    "annotator_id",
                    "labels",
                    "guideline_version__number",
                    # updated_at only when filtering on it (parsing dates is slow)
                    "updated_at" if filters.updated_since else "article_id",
                )
            )
            spans = _spans_by_owner(
                AnnotationSpan, "annotation_id", queryset.values("id"), filters.labels
            )
            latest: dict[int, datetime] = {}
            for pk, article_id, annotator_id, labels, version, updated in annotations:
                sources[article_id].append(
                    SourceAnnotation(
                        annotator_id=annotator_id,
                        labels=labels or {},
                        spans=tuple(spans.get(pk, ())),
                        guideline_version=version,
                    )
                )
                if filters.updated_since is not None:
                    latest[article_id] = max(updated, latest.get(article_id, updated))
            if filters.updated_since is not None:
                for article_id, updated in latest.items():
                    if updated < filters.updated_since:
                        sources.pop(article_id, None)
        wanted = {pk for pk, g in golds.items() if _gold_matches(g, filters)}
        by_id = _articles(project, wanted | set(sources))
        for article in (by_id[pk] for pk in ids if pk in by_id):
            gold = golds.get(article["id"])
            if gold is not None:
                if not _gold_matches(gold, filters):
                    continue
                gold_id, _, status, labels, version, _ = gold
                yield _row(
                    article,
                    spans=gold_spans.get(gold_id, ()),
                    labels=labels,
                    guideline_version=version,
                    meta_extra={"gold": "adjudicated", "status": status},
                )
                continue
            if article["id"] not in sources or consensus is None:
                continue
            merged = consensus(sources[article["id"]])
            if merged is None:
                continue
            yield _row(
                article,
                spans=merged.spans,
                labels=merged.labels,
                guideline_version=merged.guideline_version,
                meta_extra={"gold": "consensus", **merged.info},
            )


def _gold_matches(gold: tuple, filters: ExportFilters) -> bool:
    version, updated = gold[4], gold[5]
    if filters.guideline_version is not None and (
        version is None or version > filters.guideline_version
    ):
        return False
    return filters.updated_since is None or updated >= filters.updated_since


def annotation_list_for_user(
    *, user, project: Project
) -> tuple[QuerySet[Annotation], bool]:
    """Annotations of ``project`` the user may read, and whether names are visible.

    Reviewers and admins: all, with names. Annotators: their own only. ML engineers:
    all, pseudonymised, only where ``project.ml_can_see_annotations``; otherwise
    ``PermissionDenied``. ``project`` must come from ``project_get_for_user`` (the
    membership check, 404 for outsiders).
    """
    from django.core.exceptions import PermissionDenied

    from annotations import permissions
    from annotations.choices import Role
    from annotations.selectors.access import role_in_project

    role = role_in_project(user=user, project=project)
    queryset = (
        Annotation.objects.filter(article__project=project)
        .select_related("guideline_version", "annotator")
        .prefetch_related("spans")
    )
    names_visible = permissions.can_see_annotator_names(role)
    if permissions.can_read_individual_annotations(
        role, ml_allowed=project.ml_can_see_annotations
    ):
        return queryset, names_visible
    if role == Role.ANNOTATOR:
        return queryset.filter(annotator=user), True
    raise PermissionDenied(
        "Your role cannot read individual annotations in this project."
        if role != Role.ML_ENGINEER
        else "This project does not let ML engineers read individual annotations; "
        "use the gold export."
    )


def release_get_for_user(*, user, release_id: int):
    """A release of a project the user belongs to (``project.user_role`` set), or 404."""
    from django.http import Http404

    from annotations.models import Release
    from annotations.selectors.access import project_get_for_user

    release = (
        Release.objects.filter(pk=release_id, project__memberships__user=user)
        .select_related("created_by")
        .first()
        if user.is_authenticated
        else None
    )
    if release is None:
        raise Http404("No such release.")
    release.project = project_get_for_user(user=user, pk=release.project_id)
    return release
