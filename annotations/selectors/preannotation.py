"""Reads for pre-annotation: the project page's panel, an article's predictions, quality.

Imported by views and the API; imports models and the role predicates. The
callers fetched the project or article through ``selectors.access`` first.

Quality ("how good are the suggestions?"): precision, recall and F1 per label
compare a pipeline version's spans with the adjudicated gold spans of the same
articles, exactly (same start, end, label) and with overlap credit (a
predicted span counts for precision when it overlaps a gold span of its label;
a gold span counts for recall when a prediction of its label overlaps it).
Acceptance counts, over submitted annotations of articles shown with
suggestions (calibration articles excluded), how many suggestions ended up
accepted as they were, accepted with an edit, or not at all (rejected =
suggestions − accepted − edited). It is an estimate when annotators saw an
older pipeline version than the one measured.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from annotations.choices import AnnotationStatus, JobKind, JobStatus, Role, SpanOrigin
from annotations.models import (
    Annotation,
    AnnotationSpan,
    Article,
    GoldSpan,
    Job,
    Prediction,
    Project,
)
from annotations.selectors.access import article_get_for_user

#: How many articles without suggestions the panel names.
SKIPPED_SHOWN = 20


@dataclass
class PreannotationPanel:
    """The pre-annotation panel of the project page."""

    job: Job | None
    article_count: int
    predicted_count: int
    skipped: list[dict[str, Any]]
    quality: dict[str, Any]
    versions: list[tuple[str, str]]

    @property
    def job_active(self) -> bool:
        return self.job is not None and self.job.status in {
            JobStatus.QUEUED,
            JobStatus.RUNNING,
        }


def preannotation_panel(*, project: Project) -> PreannotationPanel:
    """Latest run, how many articles have suggestions, why others have none, quality."""
    articles = Article.objects.filter(project=project)
    return PreannotationPanel(
        job=Job.objects.filter(project=project, kind=JobKind.PREANNOTATE)
        .order_by("-created_at")
        .first(),
        article_count=articles.count(),
        predicted_count=articles.filter(predictions__isnull=False).distinct().count(),
        skipped=list(
            articles.exclude(preannotation_skipped_reason="")
            .exclude(predictions__isnull=False)
            .values("id", "title", "preannotation_skipped_reason")[:SKIPPED_SHOWN]
        ),
        quality=preannotation_quality(project=project),
        versions=list(
            Prediction.objects.filter(article__project=project)
            .values_list("pipeline", "pipeline_version")
            .distinct()
            .order_by("pipeline", "pipeline_version")
        ),
    )


def prediction_list_for_user(
    *, user: AbstractBaseUser | AnonymousUser, article_id: int
) -> list[Prediction]:
    """An article's predictions, newest pipeline version first; Http404 as for the article.

    Annotators see none on calibration articles (those are shown without
    suggestions on purpose).
    """
    article = article_get_for_user(user=user, article_id=article_id)
    if article.is_calibration and article.project.user_role == Role.ANNOTATOR:
        return []
    return list(article.predictions.order_by("-created_at", "-id"))


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _f1(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None or precision + recall == 0:
        return None if precision is None or recall is None else 0.0
    return 2 * precision * recall / (precision + recall)


def _scores(hits_pred: int, n_pred: int, hits_gold: int, n_gold: int) -> dict:
    precision, recall = _ratio(hits_pred, n_pred), _ratio(hits_gold, n_gold)
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall)}


Span = tuple[int, int, str]


def _count_matches(
    counts: dict[str, Counter], spans: list[Span], others: list[Span], side: str
) -> None:
    """Per label: ``n_<side>`` spans, how many match one of ``others`` exactly
    (``exact_<side>``) and how many overlap one of the same label (``overlap_<side>``)."""
    exact = set(others)
    for start, end, label in spans:
        c = counts[label]
        c[f"n_{side}"] += 1
        c[f"exact_{side}"] += (start, end, label) in exact
        c[f"overlap_{side}"] += any(
            o_label == label and start < o_end and o_start < end
            for o_start, o_end, o_label in others
        )


def latest_pipeline_version(project: Project) -> tuple[str, str] | None:
    latest = (
        Prediction.objects.filter(article__project=project)
        .order_by("-created_at", "-id")
        .values_list("pipeline", "pipeline_version")
        .first()
    )
    return tuple(latest) if latest else None


def preannotation_quality(
    *, project: Project, pipeline: str | None = None, version: str | None = None
) -> dict[str, Any]:
    """Quality figures for one pipeline version (default: the newest one used)."""
    if pipeline is None or version is None:
        latest = latest_pipeline_version(project)
        if latest is None:
            return {"pipeline": None, "version": None, "labels": {}, "acceptance": None}
        pipeline, version = latest
    predictions = dict(
        Prediction.objects.filter(
            article__project=project, pipeline=pipeline, pipeline_version=version
        ).values_list("article_id", "spans")
    )
    gold_by_article: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for article_id, start, end, label in GoldSpan.objects.filter(
        gold__article_id__in=list(predictions)
    ).values_list("gold__article_id", "start", "end", "label"):
        gold_by_article[article_id].append((start, end, label))

    counts: dict[str, Counter] = defaultdict(Counter)
    for article_id, gold in gold_by_article.items():
        predicted = [
            (s["start"], s["end"], s["label"]) for s in predictions[article_id]
        ]
        _count_matches(counts, predicted, gold, "pred")
        _count_matches(counts, gold, predicted, "gold")
    labels = {
        label: {
            "exact": _scores(
                c["exact_pred"], c["n_pred"], c["exact_gold"], c["n_gold"]
            ),
            "overlap": _scores(
                c["overlap_pred"], c["n_pred"], c["overlap_gold"], c["n_gold"]
            ),
            "n_predicted": c["n_pred"],
            "n_gold": c["n_gold"],
        }
        for label, c in sorted(counts.items())
    }
    return {
        "pipeline": pipeline,
        "version": version,
        "n_articles_with_gold": len(gold_by_article),
        "labels": labels,
        "acceptance": _acceptance(project, predictions),
    }


def _acceptance(project: Project, predictions: dict[int, list[dict]]) -> dict[str, Any]:
    origins = (
        AnnotationSpan.objects.filter(
            annotation__article_id__in=list(predictions),
            annotation__article__is_calibration=False,
            annotation__status=AnnotationStatus.SUBMITTED,
        )
        .values_list("annotation_id", "origin")
        .order_by()
    )
    per_annotation: dict[int, Counter] = defaultdict(Counter)
    for annotation_id, origin in origins:
        per_annotation[annotation_id][origin] += 1
    submitted = Annotation.objects.filter(
        article_id__in=list(predictions),
        article__is_calibration=False,
        status=AnnotationStatus.SUBMITTED,
    ).values_list("id", "article_id")
    totals = Counter()
    for annotation_id, article_id in submitted:
        shown = len(predictions[article_id])
        origin_counts = per_annotation.get(annotation_id, Counter())
        accepted = min(origin_counts[SpanOrigin.SUGGESTION_ACCEPTED], shown)
        edited = min(origin_counts[SpanOrigin.SUGGESTION_EDITED], shown - accepted)
        totals["annotations"] += 1
        totals["suggestions"] += shown
        totals["accepted"] += accepted
        totals["edited"] += edited
        totals["rejected"] += shown - accepted - edited
        totals["manual"] += origin_counts[SpanOrigin.MANUAL]
    shown = totals["suggestions"]
    return {
        "annotations": totals["annotations"],
        "suggestions": shown,
        "accepted": totals["accepted"],
        "edited": totals["edited"],
        "rejected": totals["rejected"],
        "manual_spans": totals["manual"],
        "accepted_share": _ratio(totals["accepted"], shown),
        "edited_share": _ratio(totals["edited"], shown),
        "rejected_share": _ratio(totals["rejected"], shown),
    }
