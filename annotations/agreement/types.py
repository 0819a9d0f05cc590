"""Input shapes and result dataclasses of the agreement package.

Inputs are plain data:

- ``Rating``: ``(item_id, annotator_id, value)``; ids are any hashable values (the
  caller pseudonymises), a value is a hashable scalar (a choice key, a number) or, for a
  multi-choice question, a list/tuple/set of choice keys. ``None`` values are missing
  and dropped.
- ``SpanAnnotation``: ``(item_id, annotator_id, spans)``, ``spans`` a sequence of
  ``(start, end, label)`` character offsets (end exclusive). An empty list means "this
  annotator annotated the item and marked nothing", which is not the same as the
  annotator being absent from the item.

Results are frozen dataclasses; ``None`` stands for "undefined" (JSON ``null``).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Level = Literal["nominal", "ordinal", "interval"]
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval")

Rating = tuple[Hashable, Hashable, Any]
Span = tuple[int, int, str]
SpanAnnotation = tuple[Hashable, Hashable, Sequence[Span]]


@dataclass(frozen=True)
class QuestionAgreement:
    """Agreement on one document question (the contract's ``questions.<key>``).

    ``n_items`` counts items with at least two ratings (the others are left out);
    ``n_annotators`` counts distinct annotators who rated at least one such item.
    ``fleiss_items`` is the number of items Fleiss' kappa used (modal rater count).
    """

    krippendorff_alpha: float | None
    fleiss_kappa: float | None
    percent_agreement: float | None
    level: str
    n_items: int
    n_annotators: int
    fleiss_items: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The contract's agreement response entry for one question."""
        return {
            "krippendorff_alpha": self.krippendorff_alpha,
            "fleiss_kappa": self.fleiss_kappa,
            "percent_agreement": self.percent_agreement,
            "level": self.level,
            "n_items": self.n_items,
            "n_annotators": self.n_annotators,
        }


@dataclass(frozen=True)
class FleissKappa:
    """Fleiss' kappa over the items that have exactly ``n_raters`` ratings.

    ``n_items`` is the number of items used, ``n_items_skipped`` the number of items
    with two or more ratings but a different count.
    """

    value: float | None
    n_items: int
    n_raters: int
    n_items_skipped: int


@dataclass(frozen=True)
class CohenKappa:
    """Cohen's kappa of two annotators over the ``n_items`` items both rated."""

    value: float | None
    n_items: int


@dataclass(frozen=True)
class SpanF1:
    """Span precision/recall/F1, exact match and with overlap credit.

    For annotator-pair agreement precision = recall = F1 (each pair is counted in both
    directions); against gold, precision is measured on the annotator's spans and
    recall on the gold spans. ``None`` when neither side has a span of the label.
    """

    precision: float | None
    recall: float | None
    f1: float | None
    precision_overlap: float | None
    recall_overlap: float | None
    f1_overlap: float | None
    n_items: int


@dataclass(frozen=True)
class SpanAgreement:
    """Agreement on one span label (the contract's ``spans.<label>``).

    ``token_alpha`` is the token-level nominal alpha for this label (``None`` when no
    tokens were given or it is undefined); it is not part of the contract's dict.
    """

    label: str
    pairwise_f1: float | None
    pairwise_f1_overlap: float | None
    n_items: int
    n_annotators: int
    token_alpha: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """The contract's agreement response entry for one span label."""
        return {
            "pairwise_f1": self.pairwise_f1,
            "pairwise_f1_overlap": self.pairwise_f1_overlap,
            "n_items": self.n_items,
        }


@dataclass(frozen=True)
class ItemLevel:
    """Financial PhraseBank-style agreement level of one item.

    ``share`` is the top label's count over the number of ratings; ``majority`` is that
    label, or ``None`` when two or more labels tie for the top; ``bucket`` is the
    highest of ``"100"``, ``"75"``, ``"66"``, ``"50"`` the share reaches, else
    ``"<50"``.
    """

    item_id: Hashable
    majority: Hashable | None
    share: float
    n_ratings: int
    bucket: str


@dataclass(frozen=True)
class GoldAgreement:
    """One annotator's agreement with gold labels over the ``n_items`` gold items
    they rated: accuracy and Cohen's kappa (annotator vs gold)."""

    accuracy: float | None
    cohen_kappa: float | None
    n_items: int


@dataclass(frozen=True)
class DawidSkeneResult:
    """Dawid-Skene estimates.

    ``confusion[annotator][true][given]`` is the estimated probability that the
    annotator gives ``given`` when the true class is ``true``; ``error_rate`` is
    ``1 - sum_k prior[k] * confusion[a][k][k]``. ``posteriors[item][class]`` and
    ``labels[item]`` (the posterior arg-max, ties to the earlier category).
    """

    categories: tuple[Hashable, ...]
    priors: dict[Hashable, float]
    confusion: dict[Hashable, dict[Hashable, dict[Hashable, float]]]
    posteriors: dict[Hashable, dict[Hashable, float]]
    labels: dict[Hashable, Hashable]
    error_rate: dict[Hashable, float]
    n_iter: int
    converged: bool
    log_likelihood: float
    history: tuple[float, ...] = field(default=(), repr=False)
