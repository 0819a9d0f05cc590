"""Financial PhraseBank-style agreement levels and soft labels per item.

Agreement level (Malo et al. 2014): ``share = (count of the most frequent value) /
(number of ratings)`` of an item. The bucket is the highest threshold the share
reaches: ``"100"`` (all agree), ``"75"`` (>= 75 %), ``"66"`` (>= 66 %, so 2 of 3
qualifies), ``"50"`` (>= 50 %), else ``"<50"``. Thresholds are compared exactly
(fractions, no float rounding). PhraseBank's subsets are cumulative ("75Agree"
contains the "100" items): use ``meets_level(bucket, "75")`` as the export filter.
When two or more values tie for the top count the share is still top/n but
``majority`` is ``None``. Items with fewer than ``min_ratings`` ratings (default 2)
are left out. Multi-choice values are not supported here (``ValueError``).

Soft labels: per item, the share of the item's annotators who chose each category
(keys in ``categories`` order, or sorted values; sums to 1). For a multi-choice
question, the share who selected each choice (need not sum to 1).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from annotations.agreement._ratings import group_ratings, ordered_values
from annotations.agreement.types import ItemLevel

BUCKETS: tuple[tuple[str, Fraction], ...] = (
    ("100", Fraction(1)),
    ("75", Fraction(3, 4)),
    ("66", Fraction(66, 100)),
    ("50", Fraction(1, 2)),
)
BELOW = "<50"
_RANK = {name: rank for rank, (name, _) in enumerate(BUCKETS)} | {BELOW: len(BUCKETS)}


def agreement_bucket(top: int, n: int) -> str:
    """The bucket of ``top`` agreeing ratings out of ``n``."""
    if n <= 0 or not 0 <= top <= n:
        raise ValueError(f"need 0 <= top <= n and n > 0, got top={top}, n={n}")
    share = Fraction(top, n)
    for name, threshold in BUCKETS:
        if share >= threshold:
            return name
    return BELOW


def meets_level(bucket: str, minimum: str) -> bool:
    """Whether ``bucket`` is at least ``minimum`` (e.g. ``"100"`` meets ``"75"``)."""
    return _RANK[bucket] <= _RANK[minimum]


def agreement_levels(
    ratings: Iterable[Sequence[Any]], min_ratings: int = 2
) -> dict[Hashable, ItemLevel]:
    """PhraseBank agreement level of every item with at least ``min_ratings``."""
    grouped, multi = group_ratings(ratings)
    if multi:
        raise ValueError("agreement levels are defined for single-choice questions")
    result = {}
    for item, by_annotator in grouped.items():
        n = len(by_annotator)
        if n < max(1, min_ratings):
            continue
        ranked = Counter(by_annotator.values()).most_common()
        top = ranked[0][1]
        tied = len(ranked) > 1 and ranked[1][1] == top
        result[item] = ItemLevel(
            item_id=item,
            majority=None if tied else ranked[0][0],
            share=top / n,
            n_ratings=n,
            bucket=agreement_bucket(top, n),
        )
    return result


def soft_labels(
    ratings: Iterable[Sequence[Any]], categories: Sequence[Hashable] | None = None
) -> dict[Hashable, dict[Hashable, float]]:
    """Per item, the share of its annotators who chose (selected) each category."""
    grouped, multi = group_ratings(ratings)
    if multi:
        chosen = grouped
        if categories is None:
            categories = sorted(
                {c for by_a in chosen.values() for v in by_a.values() for c in v},
                key=_sort_key,
            )
        return {
            item: {
                c: sum(c in v for v in by_a.values()) / len(by_a) for c in categories
            }
            for item, by_a in chosen.items()
        }
    order = ordered_values(grouped, categories)
    result = {}
    for item, by_annotator in grouped.items():
        counts = Counter(by_annotator.values())
        unknown = set(counts) - set(order)
        if unknown:
            raise ValueError(f"values not in categories: {sorted(map(repr, unknown))}")
        result[item] = {c: counts.get(c, 0) / len(by_annotator) for c in order}
    return result


def soft_labels_by_question(
    ratings_by_question: Mapping[str, Iterable[Sequence[Any]]],
    categories: Mapping[str, Sequence[Hashable]] | None = None,
) -> dict[str, dict[Hashable, dict[Hashable, float]]]:
    """``soft_labels`` of every question: ``{question: {item: {category: share}}}``."""
    categories = categories or {}
    return {
        question: soft_labels(ratings, categories.get(question))
        for question, ratings in ratings_by_question.items()
    }


def _sort_key(value: Any) -> tuple[str, str]:
    return (type(value).__name__, repr(value))
