"""The report's sections beside agreement proper: counts, progress, lead time, calibration.

Pure functions from ``ReportInputs`` (or rating tuples) to the dataclasses of
``agreement_report.types``; ``agreement_report.build`` assembles them.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import combinations
from typing import Any

from annotations.agreement import dawid_skene, question_agreement, span_gold_agreement
from annotations.agreement_report.inputs import (
    ReportInputs,
    annotator_key,
    gold_value,
    question_ratings,
)
from annotations.agreement_report.types import (
    ArticleProgress,
    Calibration,
    CalibrationGroup,
    CalibrationQuestion,
    Confusion,
    DawidSkeneAnnotator,
    DawidSkeneFigures,
    LeadTime,
    OriginCounts,
    Progress,
    ProjectWork,
)
from annotations.choices import AnnotationStatus, SpanOrigin
from annotations.scheme import Scheme

POSTERIOR_DIGITS = 4
POSTERIOR_LIMIT = 1000


def distribution(ratings: list[tuple], categories: list[str]) -> dict[str, int]:
    """How often each choice was given (every choice of a multi-choice answer counts)."""
    counts: Counter = Counter()
    for _, _, value in ratings:
        if isinstance(value, tuple):
            counts.update(value)
        else:
            counts[value] += 1
    return {choice: counts.get(choice, 0) for choice in categories}


def confusion(pairable: list[tuple], categories: list[str]) -> Confusion:
    """Symmetric counts of answer pairs given by two annotators to the same item."""
    by_item: dict[Any, list] = defaultdict(list)
    for item, _, value in pairable:
        by_item[item].append(value)
    matrix = {a: dict.fromkeys(categories, 0) for a in categories}
    for values in by_item.values():
        for a, b in combinations(values, 2):
            if a in matrix and b in matrix:
                matrix[a][b] += 1
                matrix[b][a] += 1
    return Confusion(categories=categories, matrix=matrix)


def dawid_skene_figures(
    pairable: list[tuple], categories: list[str]
) -> DawidSkeneFigures:
    """Dawid–Skene estimates with posteriors of the most uncertain contested items only."""
    result = dawid_skene(pairable, categories)
    by_item: dict[Any, set] = defaultdict(set)
    for item, _, value in pairable:
        by_item[item].add(value)
    contested = [item for item, values in by_item.items() if len(values) > 1]
    uncertain = sorted(
        contested, key=lambda item: (max(result.posteriors[item].values()), item)
    )[:POSTERIOR_LIMIT]
    return DawidSkeneFigures(
        categories=list(result.categories),
        priors=result.priors,
        annotators={
            annotator: DawidSkeneAnnotator(
                error_rate=result.error_rate[annotator],
                confusion=result.confusion[annotator],
            )
            for annotator in sorted(result.confusion)
        },
        n_items=len(by_item),
        n_contested=len(contested),
        posteriors={
            str(item): {
                c: round(p, POSTERIOR_DIGITS)
                for c, p in result.posteriors[item].items()
            }
            for item in uncertain
        },
        labels={str(item): result.labels[item] for item in uncertain},
        n_iter=result.n_iter,
        converged=result.converged,
    )


def progress(work: ProjectWork, overlap: int) -> Progress:
    """Articles with ``overlap`` submissions, with a draft or fewer, untouched, adjudicated."""
    submitted: Counter = Counter()
    touched: set[int] = set()
    for annotation in work.annotations:
        if annotation["status"] == AnnotationStatus.SUBMITTED:
            submitted[annotation["article_id"]] += 1
            touched.add(annotation["article_id"])
        elif annotation["status"] == AnnotationStatus.DRAFT:
            touched.add(annotation["article_id"])
    total = len(work.articles)
    complete = sum(1 for a in work.articles if submitted[a] >= overlap)
    in_progress = sum(
        1 for a in work.articles if a in touched and submitted[a] < overlap
    )
    return Progress(
        articles=ArticleProgress(
            total=total,
            complete=complete,
            in_progress=in_progress,
            untouched=total - complete - in_progress,
            adjudicated=len(work.gold),
        ),
        overlap=overlap,
    )


def _median(values: Iterable[int]) -> float | None:
    """Median of the recorded values (0 means "not recorded")."""
    values = [v for v in values if v]
    return float(statistics.median(values)) if values else None


def lead_time(inputs: ReportInputs) -> LeadTime:
    per_annotator: dict[str, list[int]] = defaultdict(list)
    for annotation in inputs.submitted:
        per_annotator[annotator_key(annotation["annotator_id"])].append(
            annotation["lead_time_ms"]
        )
    return LeadTime(
        median_ms=_median(a["lead_time_ms"] for a in inputs.submitted),
        annotators={key: _median(per_annotator.get(key, [])) for key in inputs.order},
    )


def origin_counts(annotations: Iterable[dict], work: ProjectWork) -> OriginCounts:
    """Span origins over the given annotations; the share that came from suggestions."""
    counts: Counter = Counter()
    for annotation in annotations:
        for span in work.spans.get(annotation["pk"], []):
            counts[span[3]] += 1
    total = sum(counts.values())
    suggested = (
        counts[SpanOrigin.SUGGESTION_ACCEPTED] + counts[SpanOrigin.SUGGESTION_EDITED]
    )
    return OriginCounts(
        origins={origin: counts.get(origin, 0) for origin in SpanOrigin.values},
        n_spans=total,
        acceptance_share=suggested / total if total else None,
    )


def calibration(inputs: ReportInputs, scheme: Scheme) -> Calibration:
    """Agreement, gold agreement and suggestion acceptance: calibration vs the rest.

    Calibration articles are shown without pre-annotations (anchoring control),
    so a lower acceptance is expected there; a clearly higher agreement with
    gold on the *rest* than on calibration articles hints that suggestions pull
    annotators towards them (or simply that suggestions are good: compare with
    the acceptance figures).
    """
    return Calibration(
        calibration=_calibration_group(inputs, scheme, is_calibration=True),
        rest=_calibration_group(inputs, scheme, is_calibration=False),
    )


def _calibration_group(
    inputs: ReportInputs, scheme: Scheme, *, is_calibration: bool
) -> CalibrationGroup:
    work = inputs.work
    ids = {
        a
        for a, info in work.articles.items()
        if info["is_calibration"] is is_calibration
    }
    annotations = [a for a in inputs.submitted if a["article_id"] in ids]
    questions = {}
    for question in scheme.questions:
        ratings = question_ratings(annotations, question)
        alpha = question_agreement(
            ratings, question.level, list(question.choice_keys)
        ).krippendorff_alpha
        gold_hits = []
        for item, _, value in ratings:
            if item not in work.gold:
                continue
            truth = gold_value(work.gold[item]["labels"].get(question.key), question)
            if truth is not None:
                gold_hits.append(truth == value)
        questions[question.key] = CalibrationQuestion(
            krippendorff_alpha=alpha,
            gold_accuracy=sum(gold_hits) / len(gold_hits) if gold_hits else None,
            n_gold=len(gold_hits),
        )
    rows = [row for row in inputs.span_rows if row[0] in ids]
    gold_rows = [row for row in rows if row[0] in work.gold_spans]
    f1s = []
    if gold_rows:
        for per_label in span_gold_agreement(
            gold_rows, {r[0]: work.gold_spans[r[0]] for r in gold_rows}
        ).values():
            f1s.extend(s.f1 for s in per_label.values() if s.f1 is not None)
    return CalibrationGroup(
        n_articles=len(ids),
        n_submitted=len(annotations),
        questions=questions,
        preannotation=origin_counts(annotations, work),
        span_gold_f1=sum(f1s) / len(f1s) if f1s else None,
    )
