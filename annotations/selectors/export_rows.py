"""The rows of a dataset export: plain ``ExportRow`` objects built in chunks.

Imported by the export services (the one ``export_stream`` pipeline); imports the
models, the ``exporters`` and ``consensus`` leaves and the export selectors. Where a
gold export finds no adjudicated gold it applies ``consensus.consensus_merge`` with
the project's settings itself: no callback into services.

Query plan (no N+1): articles are walked in keyset chunks of ``chunk_size`` ids; per
chunk one query reads the articles, one the gold annotations, one their spans, one
the submitted annotations and one their spans (``values_list`` tuples, not model
instances, because the export is the hot path); predictions: one query for the
chunk's predictions and one for their articles (``selectors.export_predictions``).
Memory holds one chunk at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from functools import partial
from typing import Any, NamedTuple

from annotations.consensus import (
    ConsensusResult,
    SourceAnnotation,
    SpanKey,
    consensus_merge,
)
from annotations.exporters import SPLITS, ExportRow, ExportSpan, assign_split
from annotations.models import (
    Annotation,
    AnnotationSpan,
    GoldAnnotation,
    GoldSpan,
    Project,
)
from annotations.selectors.annotators import annotator_names
from annotations.selectors.export_chunks import (
    article_row,
    chunk_articles,
    chunk_filter,
    id_chunks,
)
from annotations.selectors.export_predictions import prediction_rows
from annotations.selectors.exports import (
    ExportFilters,
    annotation_q,
    consensus_settings_for_project,
    export_split_options,
)

CHUNK_SIZE = 2000

Consensus = Callable[[Sequence[SourceAnnotation]], ConsensusResult | None]


def export_rows(
    *,
    project: Project,
    filters: ExportFilters,
    names_visible: bool = False,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[ExportRow]:
    """Rows of the export, ordered by article id (then annotation id), lazily.

    ``source=gold``: one row per article: its gold annotation if one matches
    ``statuses`` (``final``/``draft``), else, when ``consensus`` is in ``statuses``,
    the project's automatic consensus of its submitted annotations (left out when
    there are too few). ``meta["newsroom"]`` says which:
    ``{"gold": "adjudicated", "status": ...}`` or ``{"gold": "consensus", ...}``.

    ``source=annotations``: one row per annotation with ``status`` in ``statuses``
    (default submitted); ``annotator`` is the username when ``names_visible``, else
    a stable pseudonym.

    ``source=predictions``: one row per stored prediction (article, pipeline,
    version), see ``export_prediction_rows``.
    """
    if filters.source == "annotations":
        yield from _annotation_rows(project, filters, names_visible, chunk_size)
    elif filters.source == "predictions":
        yield from prediction_rows(project, filters, chunk_size)
    else:
        yield from _gold_rows(project, filters, chunk_size)


def export_rows_by_split(
    *, project: Project, filters: ExportFilters
) -> dict[str, list[ExportRow]]:
    """The rows an export would write, grouped by the split the exporters give them.

    For readers that need the rows themselves (the model evaluation's held-out
    gold) and must agree with every export on which article is in which split.
    """
    options = export_split_options(project)
    by_split: dict[str, list[ExportRow]] = {split: [] for split in SPLITS}
    for row in export_rows(project=project, filters=filters):
        by_split[row.split or assign_split(str(row.article_id), **options)].append(row)
    return by_split


def project_consensus(project: Project) -> Consensus:
    """``consensus_merge`` bound to the project's settings, scheme and overlap rule."""
    return partial(
        consensus_merge,
        config=consensus_settings_for_project(project),
        multiple={q.key: q.multiple for q in project.parsed_scheme.questions},
        allow_overlap=project.allow_overlapping_spans,
    )


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
    text = article["text"]
    return article_row(
        article,
        spans=tuple(
            ExportSpan(start=start, end=end, label=label, text=text[start:end])
            for start, end, label in spans
        ),
        labels=labels,
        guideline_version=guideline_version,
        meta={**(article["meta"] or {}), "newsroom": meta_extra}
        if meta_extra
        else None,
        annotator=annotator,
        status=status,
    )


# --- source=annotations -------------------------------------------------------------


def _annotation_rows(
    project: Project,
    filters: ExportFilters,
    names_visible: bool,
    chunk_size: int,
) -> Iterator[ExportRow]:
    names: dict[int, str] = {}
    for ids in id_chunks(project, chunk_size):
        queryset = Annotation.objects.filter(
            annotation_q(filters), **chunk_filter(project, ids)
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
        by_id = chunk_articles(project, {a[1] for a in annotations})
        for pk, article_id, annotator_id, status, labels, version in annotations:
            yield _row(
                by_id[article_id],
                spans=spans.get(pk, ()),
                labels=labels,
                guideline_version=version,
                annotator=names[annotator_id],
                status=status,
            )


# --- source=gold --------------------------------------------------------------------


class _Gold(NamedTuple):
    id: int
    article_id: int
    status: str
    labels: dict[str, Any]
    version: int | None
    updated_at: datetime

    def matches(self, filters: ExportFilters) -> bool:
        """Within the filters' guideline version and ``updated_since``."""
        if filters.guideline_version is not None and (
            self.version is None or self.version > filters.guideline_version
        ):
            return False
        return filters.updated_since is None or self.updated_at >= filters.updated_since


def _gold_rows(
    project: Project, filters: ExportFilters, chunk_size: int
) -> Iterator[ExportRow]:
    """Adjudicated gold where it matches, else the consensus (see ``export_rows``)."""
    consensus = project_consensus(project)
    for ids in id_chunks(project, chunk_size):
        golds = _chunk_golds(project, filters, ids)
        matching = {pk: gold for pk, gold in golds.items() if gold.matches(filters)}
        gold_spans = _spans_by_owner(
            GoldSpan, "gold_id", [g.id for g in matching.values()], filters.labels
        )
        sources = _chunk_consensus_sources(project, filters, ids, golds)
        articles = chunk_articles(project, set(matching) | set(sources))
        for pk in ids:
            article = articles.get(pk)
            gold = matching.get(pk)
            if article is None:
                continue
            if gold is not None:
                yield _row(
                    article,
                    spans=gold_spans.get(gold.id, ()),
                    labels=gold.labels,
                    guideline_version=gold.version,
                    meta_extra={"gold": "adjudicated", "status": gold.status},
                )
                continue
            merged = consensus(sources[pk])
            if merged is not None:
                yield _row(
                    article,
                    spans=merged.spans,
                    labels=merged.labels,
                    guideline_version=merged.guideline_version,
                    meta_extra={"gold": "consensus", **merged.info},
                )


def _chunk_golds(
    project: Project, filters: ExportFilters, ids: list[int]
) -> dict[int, _Gold]:
    """Every gold of a requested status in the chunk, by article id.

    Every such gold counts, so an article with gold never falls back to consensus;
    the version and date filters then drop rows (``_Gold.matches``).
    """
    if not filters.gold_statuses:
        return {}
    rows = (
        GoldAnnotation.objects.filter(
            status__in=filters.gold_statuses, **chunk_filter(project, ids)
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
    )
    return {row[1]: _Gold(*row) for row in rows}


def _chunk_consensus_sources(
    project: Project, filters: ExportFilters, ids: list[int], golds: dict[int, _Gold]
) -> dict[int, list[SourceAnnotation]]:
    """Submitted annotations of the chunk's articles without gold, by article id.

    With ``updated_since``, an article counts only when one of its annotations
    changed at or after it.
    """
    if "consensus" not in filters.effective_statuses or all(pk in golds for pk in ids):
        return {}
    queryset = Annotation.objects.filter(
        annotation_q(filters), **chunk_filter(project, ids)
    )
    if golds:
        queryset = queryset.exclude(article_id__in=list(golds))
    since = filters.updated_since
    annotations = list(
        queryset.order_by("article_id", "id").values_list(
            "id",
            "article_id",
            "annotator_id",
            "labels",
            "guideline_version__number",
            # updated_at only when filtering on it (parsing dates is slow)
            "updated_at" if since else "article_id",
        )
    )
    spans = _spans_by_owner(
        AnnotationSpan, "annotation_id", queryset.values("id"), filters.labels
    )
    sources: dict[int, list[SourceAnnotation]] = defaultdict(list)
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
        if since is not None:
            latest[article_id] = max(updated, latest.get(article_id, updated))
    if since is not None:
        for article_id, updated in latest.items():
            if updated < since:
                del sources[article_id]
    return dict(sources)
