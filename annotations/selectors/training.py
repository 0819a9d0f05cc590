"""Reads of the model loop: trained pipelines, the active pipeline's predictions first.

``trained_pipeline_list`` serves ``GET /api/v1/projects/{id}/models/`` and the
model panel; the ordering helpers serve the annotation page (which prediction to
show) and the annotators' queue (least confident first). Takes a ``project`` the
caller fetched through ``selectors.access``; imports models and the
``model_loop`` leaf only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import OrderBy
from django.http import Http404

from annotations.choices import JobStatus, QueueOrder
from annotations.model_loop import SIDES, active_pipeline_name, chart_rows
from annotations.models import Prediction, Project, TrainedPipeline

#: How many models the project page lists.
PANEL_MODELS = 20


def trained_pipeline_list(*, project: Project) -> QuerySet[TrainedPipeline]:
    """The project's trained pipelines, newest first."""
    return TrainedPipeline.objects.filter(project=project).order_by(
        "-created_at", "-id"
    )


def trained_pipeline_get(*, project: Project, model_id: int) -> TrainedPipeline:
    """One of the project's models; Http404 for any other id."""
    model = TrainedPipeline.objects.filter(project=project, pk=model_id).first()
    if model is None:
        raise Http404("No such model in this project.")
    return model


def trained_pipeline_finished(*, project: Project) -> list[TrainedPipeline]:
    """The project's finished models, newest first (the ones a switch may choose)."""
    return list(
        trained_pipeline_list(project=project)
        .filter(status=JobStatus.DONE)
        .exclude(path="")
    )


def active_prediction_order(project: Project) -> list:
    """Order an article's predictions: the active pipeline's first, then newest."""
    active = active_pipeline_name(project.pipeline, project.language)
    return [
        Case(
            When(pipeline=active, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "-created_at",
        "-id",
    ]


def queue_confidence_order(project: Project, article_ref: str = "pk") -> list:
    """Extra order terms for new work: under ``least_confident`` the confidence of
    each article's shown prediction, lowest first, articles without one last."""
    if project.queue_order != QueueOrder.LEAST_CONFIDENT:
        return []
    shown = Prediction.objects.filter(article=OuterRef(article_ref)).order_by(
        *active_prediction_order(project)
    )
    confidence = Subquery(shown.values("confidence")[:1])
    return [OrderBy(confidence, nulls_last=True)]


@dataclass
class ModelPanel:
    """The model section of the project page: models, and one model's comparison
    as table rows (per label, per question) and chart rows (``model_loop.chart_rows``)."""

    active: str
    previous: str
    rows: list[tuple[TrainedPipeline, bool]]
    shown: TrainedPipeline | None
    comparison: dict[str, Any] | None
    table: list[dict[str, Any]] = field(default_factory=list)
    questions: list[dict[str, Any]] = field(default_factory=list)
    chart: list[dict[str, Any]] = field(default_factory=list)


def _table(comparison: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    named = [
        (label, comparison["spans"].get(label, {})) for label in comparison["labels"]
    ]
    for label, figures in [*named, ("all", comparison.get("micro", {}))]:
        sides = [figures.get(side) or {} for side in SIDES]
        n_gold = next((s["n_gold"] for s in sides if "n_gold" in s), 0)
        rows.append({"label": label, "sides": sides, "n_gold": n_gold})
    return rows


def model_panel(*, project: Project, model_id: int | None = None) -> ModelPanel:
    """Models newest first (at most ``PANEL_MODELS``), and the comparison of the
    chosen one (default: the newest model that has one)."""
    models = list(trained_pipeline_list(project=project)[:PANEL_MODELS])
    active = active_pipeline_name(project.pipeline, project.language)
    shown = next((m for m in models if m.pk == model_id), None)
    if shown is None and model_id is not None:
        shown = TrainedPipeline.objects.filter(project=project, pk=model_id).first()
    if shown is None:
        shown = next(
            (m for m in models if (m.evaluation or {}).get("comparison")), None
        )
    comparison = (shown.evaluation or {}).get("comparison") if shown else None
    panel = ModelPanel(
        active=active,
        previous=project.pipeline_previous,
        rows=[(m, active == f"trained:{m.name}@{m.version}") for m in models],
        shown=shown,
        comparison=comparison,
    )
    if comparison:
        panel.table = _table(comparison)
        panel.questions = [
            {"question": q, "sides": [figures.get(side) or {} for side in SIDES]}
            for q, figures in comparison.get("questions", {}).items()
        ]
        panel.chart = chart_rows(comparison)
    return panel
