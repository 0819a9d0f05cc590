"""How good are the suggestions? Pipeline spans against gold, and what annotators did with them.

Precision, recall and F1 per label compare a pipeline version's spans with the
adjudicated gold spans of the same articles, exactly (same start, end, label)
and with overlap credit (a predicted span counts for precision when it overlaps
a gold span of its label; a gold span counts for recall when a prediction of
its label overlaps it). Acceptance counts, over submitted annotations of
articles shown with suggestions (calibration articles excluded), how many
suggestions ended up accepted as they were, accepted with an edit, or not at
all (rejected = suggestions − accepted − edited). It is an estimate when
annotators saw an older pipeline version than the one measured.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from annotations.choices import AnnotationStatus, SpanOrigin
from annotations.models import (
    Annotation,
    AnnotationSpan,
    GoldSpan,
    Prediction,
    Project,
)


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _f1(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None or precision + recall == 0:
        return None if precision is None or recall is None else 0.0
    return 2 * precision * recall / (precision + recall)


def _scores(hits_pred: int, n_pred: int, hits_gold: int, n_gold: int) -> dict:
    precision, recall = _ratio(hits_pred, n_pred), _ratio(hits_gold, n_gold)
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall)}


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
        gold_set, pred_set = set(gold), set(predicted)
        for start, end, label in predicted:
            c = counts[label]
            c["n_pred"] += 1
            c["exact_pred"] += (start, end, label) in gold_set
            c["overlap_pred"] += any(
                g_label == label and start < g_end and g_start < end
                for g_start, g_end, g_label in gold
            )
        for start, end, label in gold:
            c = counts[label]
            c["n_gold"] += 1
            c["exact_gold"] += (start, end, label) in pred_set
            c["overlap_gold"] += any(
                p_label == label and start < p_end and p_start < end
                for p_start, p_end, p_label in predicted
            )
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
