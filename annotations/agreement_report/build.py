"""Assemble the ``AgreementReport`` of a project from its plain ``ProjectWork``.

Per question: Krippendorff's alpha, Fleiss' kappa and percent agreement,
pairwise (unweighted) Cohen's kappa between annotators, the answer
distribution and, for annotators against final gold, accuracy and kappa; for
single-choice questions also the confusion between annotators, PhraseBank
agreement levels and Dawid–Skene. Per span label: pairwise F1 (exact and with
overlap), token alpha, and F1 against gold spans. Items with fewer than two
submitted annotations are left out of every agreement figure, not of progress,
distribution, lead time or acceptance.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from annotations.agreement import (
    agreement_levels,
    gold_agreement,
    pairwise_cohen_kappa,
    question_agreement,
    span_agreement,
    span_gold_agreement,
    token_alpha,
)
from annotations.agreement.types import GoldAgreement, QuestionAgreement
from annotations.agreement_report import figures
from annotations.agreement_report.inputs import (
    ReportInputs,
    annotator_key,
    gold_value,
    pairable,
    question_ratings,
    tokens,
)
from annotations.agreement_report.report import AgreementReport
from annotations.agreement_report.types import (
    SPANS_DISTRIBUTION,
    AnnotatorFigures,
    AnnotatorGold,
    Confusion,
    DawidSkeneFigures,
    GoldSpanFigures,
    ReportSummary,
    SpanFigures,
)
from annotations.choices import AnnotationStatus
from annotations.scheme import Question, Scheme


def agreement_report_build(
    inputs: ReportInputs,
    *,
    scheme: Scheme,
    overlap: int,
    token_texts: Mapping[int, str],
    now: datetime,
) -> AgreementReport:
    """Every figure of the report.

    ``token_texts`` holds the texts of the articles token alpha is computed on
    (``inputs.token_alpha_sample``); ``overlap`` is the project's, for progress.
    """
    questions = _question_sections(inputs, scheme)
    label_keys = list(scheme.span_label_keys)
    spans = _span_agreement(inputs, label_keys, token_texts)
    span_counts = Counter(
        span[2]
        for annotation in inputs.submitted
        for span in inputs.work.spans.get(annotation["pk"], [])
    )
    return AgreementReport(
        questions=questions.agreement,
        spans=spans,
        annotators=_annotators(
            inputs, questions, _span_gold_agreement(inputs, label_keys)
        ),
        computed_at=now,
        annotator_order=inputs.order,
        dawid_skene=questions.dawid_skene,
        progress=figures.progress(inputs.work, overlap),
        label_distribution={
            **questions.distribution,
            SPANS_DISTRIBUTION: {
                label: span_counts.get(label, 0) for label in label_keys
            },
        },
        confusion=questions.confusion,
        levels=questions.levels,
        lead_time=figures.lead_time(inputs),
        preannotation=figures.origin_counts(inputs.submitted, inputs.work),
        calibration=figures.calibration(inputs, scheme),
        summary=ReportSummary(
            questions={k: v.krippendorff_alpha for k, v in questions.agreement.items()},
            spans={k: v.pairwise_f1 for k, v in spans.items()},
            n_submitted=len(inputs.submitted),
        ),
    )


@dataclass
class _QuestionSections:
    """Everything computed per document question, keyed by question."""

    agreement: dict[str, QuestionAgreement] = field(default_factory=dict)
    #: ``{annotator: {other: {question: kappa}}}``
    kappas: dict[str, dict[str, dict[str, float | None]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    #: ``{annotator: {question: agreement with gold}}``
    gold: dict[str, dict[str, GoldAgreement]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    distribution: dict[str, dict[str, int]] = field(default_factory=dict)
    confusion: dict[str, Confusion] = field(default_factory=dict)
    levels: dict[str, dict[str, int]] = field(default_factory=dict)
    dawid_skene: dict[str, DawidSkeneFigures] = field(default_factory=dict)


def _question_sections(inputs: ReportInputs, scheme: Scheme) -> _QuestionSections:
    sections = _QuestionSections()
    for question in scheme.questions:
        categories = list(question.choice_keys)
        ratings = question_ratings(inputs.submitted, question)
        sections.agreement[question.key] = question_agreement(
            ratings, question.level, categories
        )
        for a, others in pairwise_cohen_kappa(ratings, categories).items():
            for b, kappa in others.items():
                sections.kappas[a].setdefault(b, {})[question.key] = kappa.value
        sections.distribution[question.key] = figures.distribution(ratings, categories)
        for key, result in _gold_agreement(inputs, question, ratings).items():
            sections.gold[key][question.key] = result
        if question.multiple:
            continue
        rows = pairable(ratings)
        sections.confusion[question.key] = figures.confusion(rows, categories)
        sections.levels[question.key] = dict(
            Counter(level.bucket for level in agreement_levels(rows).values())
        )
        if rows:
            sections.dawid_skene[question.key] = figures.dawid_skene_figures(
                rows, categories
            )
    return sections


def _gold_agreement(
    inputs: ReportInputs, question: Question, ratings: list[tuple]
) -> dict[str, GoldAgreement]:
    gold_labels = {
        article_id: gold_value(gold["labels"].get(question.key), question)
        for article_id, gold in inputs.work.gold.items()
    }
    gold_labels = {k: v for k, v in gold_labels.items() if v is not None}
    if not gold_labels or not ratings:
        return {}
    return gold_agreement(ratings, gold_labels, list(question.choice_keys))


def _span_agreement(
    inputs: ReportInputs, label_keys: list[str], token_texts: Mapping[int, str]
) -> dict[str, SpanFigures]:
    sample_rows = [row for row in inputs.span_rows if row[0] in token_texts]
    alphas = (
        token_alpha(
            sample_rows,
            {pk: tokens(text) for pk, text in token_texts.items()},
            label_keys,
        )
        if sample_rows
        else {}
    )
    return {
        label: SpanFigures(
            pairwise_f1=result.pairwise_f1,
            pairwise_f1_overlap=result.pairwise_f1_overlap,
            n_items=result.n_items,
            token_alpha=alphas.get(label),
        )
        for label, result in span_agreement(inputs.span_rows, None, label_keys).items()
    }


def _span_gold_agreement(
    inputs: ReportInputs, label_keys: list[str]
) -> dict[str, dict[str, GoldSpanFigures]]:
    """``{annotator: {label: F1 against gold}}`` over articles with final gold."""
    gold_spans = inputs.work.gold_spans
    rows = [row for row in inputs.span_rows if row[0] in gold_spans]
    if not rows:
        return {}
    per_annotator = span_gold_agreement(
        rows, {a: gold_spans[a] for a in {r[0] for r in rows}}, label_keys
    )
    return {
        key: {
            label: GoldSpanFigures(f1=f1.f1, f1_overlap=f1.f1_overlap)
            for label, f1 in per_label.items()
        }
        for key, per_label in per_annotator.items()
    }


def _annotators(
    inputs: ReportInputs,
    questions: _QuestionSections,
    gold_spans: dict[str, dict[str, GoldSpanFigures]],
) -> dict[str, AnnotatorFigures]:
    counts: dict[str, Counter] = defaultdict(Counter)
    for annotation in inputs.work.annotations:
        counts[annotator_key(annotation["annotator_id"])][annotation["status"]] += 1
    result = {}
    for key in inputs.order:
        has_gold = key in questions.gold or key in gold_spans
        result[key] = AnnotatorFigures(
            n_submitted=counts[key][AnnotationStatus.SUBMITTED],
            n_drafts=counts[key][AnnotationStatus.DRAFT],
            n_skipped=counts[key][AnnotationStatus.SKIPPED],
            cohen_kappa=dict(sorted(questions.kappas.get(key, {}).items())),
            gold=AnnotatorGold(
                questions=questions.gold.get(key, {}), spans=gold_spans.get(key)
            )
            if has_gold
            else None,
        )
    return result
