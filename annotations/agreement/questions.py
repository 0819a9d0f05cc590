"""All agreement figures of one document question in one result (contract shape).

Items with fewer than two ratings are left out of every figure and of ``n_items``.
For a multi-choice question the figures are over binary item x choice units (see
``_ratings``), while ``n_items`` still counts items.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

from annotations.agreement._ratings import group_ratings, pairable, prepare
from annotations.agreement.alpha import alpha_from_grouped
from annotations.agreement.kappa import fleiss_from_grouped, percent_from_grouped
from annotations.agreement.types import QuestionAgreement


def question_agreement(
    ratings: Iterable[Sequence[Any]],
    level: str = "nominal",
    categories: Sequence[Hashable] | None = None,
) -> QuestionAgreement:
    """Krippendorff's alpha at ``level``, Fleiss' kappa and percent agreement."""
    ratings = list(ratings)
    items = pairable(group_ratings(ratings)[0])
    grouped, multi = prepare(ratings, categories)
    unit_categories = None if multi else categories
    fleiss = fleiss_from_grouped(grouped, unit_categories)
    return QuestionAgreement(
        krippendorff_alpha=alpha_from_grouped(grouped, level, unit_categories),
        fleiss_kappa=fleiss.value,
        percent_agreement=percent_from_grouped(grouped),
        level=level,
        n_items=len(items),
        n_annotators=len({a for values in items.values() for a in values}),
        fleiss_items=fleiss.n_items,
    )
