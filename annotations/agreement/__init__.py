"""Inter-annotator agreement as pure functions; imported by selectors and services.
Imports numpy and the standard library only: no Django, no ORM, no scipy/sklearn."""

from annotations.agreement.alpha import krippendorff_alpha
from annotations.agreement.dawid_skene import dawid_skene
from annotations.agreement.gold import gold_agreement, span_gold_agreement
from annotations.agreement.kappa import (
    cohen_kappa,
    fleiss_kappa,
    pairwise_cohen_kappa,
    percent_agreement,
)
from annotations.agreement.levels import (
    agreement_bucket,
    agreement_levels,
    meets_level,
    soft_labels,
    soft_labels_by_question,
)
from annotations.agreement.questions import question_agreement
from annotations.agreement.spans import pairwise_span_f1, span_agreement, token_alpha
from annotations.agreement.types import (
    CohenKappa,
    DawidSkeneResult,
    FleissKappa,
    GoldAgreement,
    ItemLevel,
    QuestionAgreement,
    SpanAgreement,
    SpanF1,
)

__all__ = [
    "CohenKappa",
    "DawidSkeneResult",
    "FleissKappa",
    "GoldAgreement",
    "ItemLevel",
    "QuestionAgreement",
    "SpanAgreement",
    "SpanF1",
    "agreement_bucket",
    "agreement_levels",
    "cohen_kappa",
    "dawid_skene",
    "fleiss_kappa",
    "gold_agreement",
    "krippendorff_alpha",
    "meets_level",
    "pairwise_cohen_kappa",
    "pairwise_span_f1",
    "percent_agreement",
    "question_agreement",
    "soft_labels",
    "soft_labels_by_question",
    "span_agreement",
    "span_gold_agreement",
    "token_alpha",
]
