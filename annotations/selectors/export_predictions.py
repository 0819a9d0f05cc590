"""The rows of a ``source=predictions`` export: what the pipelines suggested.

Imported by ``selectors.export_rows`` (the one row selector of the export
pipeline); imports the models, the ``exporters`` leaf and the chunk helpers. Per
keyset chunk of article ids, one query reads the chunk's predictions
(``values_list`` tuples: the export is the hot path) and one their articles.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from annotations.exporters import (
    ExportPrediction,
    ExportRow,
    ExportScheme,
    ExportSpan,
    best_choices,
)
from annotations.exporters.base import canonical
from annotations.models import Prediction, Project
from annotations.selectors.export_chunks import (
    article_row,
    chunk_articles,
    chunk_filter,
    id_chunks,
)
from annotations.selectors.exports import ExportFilters, export_scheme


def prediction_rows(
    project: Project, filters: ExportFilters, chunk_size: int
) -> Iterator[ExportRow]:
    """One row per stored prediction, by article id, then pipeline, then creation.

    Spans carry their ``score`` (only ``filters.labels`` when set); ``labels`` hold
    the best choice per question (``best_choices``) and ``prediction`` the
    pipeline, version, every choice's score and the evidence. ``updated_since``
    keeps the predictions made at or after it.
    """
    scheme = export_scheme(project=project)
    for ids in id_chunks(project, chunk_size):
        queryset = Prediction.objects.filter(**chunk_filter(project, ids))
        if filters.updated_since is not None:
            queryset = queryset.filter(created_at__gte=filters.updated_since)
        predictions = list(
            queryset.order_by("article_id", "pipeline", "created_at", "id").values_list(
                "article_id",
                "pipeline",
                "pipeline_version",
                "spans",
                "labels",
                "evidence",
            )
        )
        if not predictions:
            continue
        articles = chunk_articles(project, {p[0] for p in predictions})
        for article_id, pipeline, version, spans, labels, evidence in predictions:
            yield _row(
                articles[article_id],
                prediction=ExportPrediction(
                    pipeline=pipeline,
                    version=version,
                    label_scores=canonical(labels or {}),
                    evidence=evidence or [],
                ),
                spans=spans or [],
                keep=filters.labels,
                scheme=scheme,
            )


def _row(
    article: dict[str, Any],
    *,
    prediction: ExportPrediction,
    spans: list[dict[str, Any]],
    keep: tuple[str, ...],
    scheme: ExportScheme,
) -> ExportRow:
    text = article["text"]
    return article_row(
        article,
        spans=tuple(
            ExportSpan(
                start=span["start"],
                end=span["end"],
                label=span["label"],
                text=text[span["start"] : span["end"]],
                score=span.get("score"),
            )
            for span in spans
            if not keep or span["label"] in keep
        ),
        labels=best_choices(prediction.label_scores, scheme),
        guideline_version=None,
        prediction=prediction,
    )
