"""Fleiss' kappa, Cohen's kappa and percent agreement for document questions.

- ``fleiss_kappa`` (Fleiss 1971) needs the same number of raters per item. We take the
  items with two or more ratings, find the modal number of ratings among them (ties go
  to the larger number) and use only the items with exactly that many ratings; the
  result reports ``n_items`` used, ``n_raters`` and ``n_items_skipped``. With
  ``p_j`` the share of all used ratings in category j and ``P_i`` the share of agreeing
  rater pairs on item i: ``kappa = (mean(P_i) - sum p_j**2) / (1 - sum p_j**2)``.
  ``None`` when no item qualifies or all used ratings are one category.
- ``cohen_kappa`` (Cohen 1960) of two annotators over the items both rated:
  ``kappa = 1 - sum(w * O) / sum(w * E)`` with O the observed joint proportions,
  E the product of the marginals and w the disagreement weights (unweighted: 0 on the
  diagonal, 1 elsewhere; ``"linear"``: |i - j|; ``"quadratic"``: (i - j)**2 along the
  category order). ``None`` when there is no common item or expected disagreement is
  zero (both annotators always gave one and the same category).
- ``percent_agreement``: per item with two or more ratings, the share of unordered
  annotator pairs that gave the same value, averaged over items (unweighted mean).

Multi-choice values are expanded to one binary unit per item x choice (see
``_ratings``); the figures are then over those units.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np

from annotations.agreement._ratings import Grouped, ordered_values, pairable, prepare
from annotations.agreement.types import CohenKappa, FleissKappa

WEIGHTS = (None, "linear", "quadratic")


def fleiss_kappa(
    ratings: Iterable[Sequence[Any]], categories: Sequence[Hashable] | None = None
) -> FleissKappa:
    """Fleiss' kappa on the items with the modal number of ratings."""
    grouped, multi = prepare(ratings, categories)
    return fleiss_from_grouped(grouped, None if multi else categories)


def fleiss_from_grouped(
    grouped: Grouped, categories: Sequence[Hashable] | None = None
) -> FleissKappa:
    units = pairable(grouped)
    if not units:
        return FleissKappa(value=None, n_items=0, n_raters=0, n_items_skipped=0)
    sizes = Counter(len(values) for values in units.values())
    top = max(sizes.values())
    n_raters = max(size for size, count in sizes.items() if count == top)
    used = {item: v for item, v in units.items() if len(v) == n_raters}
    values = ordered_values(used, categories)
    index = {value: i for i, value in enumerate(values)}
    table = np.zeros((len(used), len(values)))
    for row, by_annotator in enumerate(used.values()):
        for value in by_annotator.values():
            table[row, index[value]] += 1
    n_items = table.shape[0]
    p_cat = table.sum(axis=0) / (n_items * n_raters)
    p_item = ((table * table).sum(axis=1) - n_raters) / (n_raters * (n_raters - 1.0))
    expected = float((p_cat * p_cat).sum())
    value = None
    if expected != 1.0:
        value = (float(p_item.mean()) - expected) / (1.0 - expected)
    return FleissKappa(
        value=value,
        n_items=n_items,
        n_raters=n_raters,
        n_items_skipped=len(units) - n_items,
    )


def cohen_kappa(
    ratings: Iterable[Sequence[Any]],
    annotator_a: Hashable,
    annotator_b: Hashable,
    categories: Sequence[Hashable] | None = None,
    weights: str | None = None,
) -> CohenKappa:
    """Cohen's kappa of two annotators over their common items."""
    grouped, multi = prepare(ratings, categories)
    return cohen_from_grouped(
        grouped, annotator_a, annotator_b, None if multi else categories, weights
    )


def cohen_from_grouped(
    grouped: Grouped,
    annotator_a: Hashable,
    annotator_b: Hashable,
    categories: Sequence[Hashable] | None = None,
    weights: str | None = None,
) -> CohenKappa:
    if weights not in WEIGHTS:
        raise ValueError(f"weights must be one of {WEIGHTS}, not {weights!r}")
    pairs = [
        (values[annotator_a], values[annotator_b])
        for values in grouped.values()
        if annotator_a in values and annotator_b in values
    ]
    return CohenKappa(
        value=kappa_of_pairs(pairs, categories, weights), n_items=len(pairs)
    )


def kappa_of_pairs(
    pairs: Sequence[tuple[Hashable, Hashable]],
    categories: Sequence[Hashable] | None = None,
    weights: str | None = None,
) -> float | None:
    """Cohen's kappa of a list of ``(value_a, value_b)`` pairs."""
    if not pairs:
        return None
    if categories is None:
        values = ordered_values(
            {i: {"a": a, "b": b} for i, (a, b) in enumerate(pairs)}, None
        )
    else:
        values = list(categories)
    index = {value: i for i, value in enumerate(values)}
    size = len(values)
    observed = np.zeros((size, size))
    for a, b in pairs:
        observed[index[a], index[b]] += 1
    observed /= len(pairs)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    positions = np.arange(size, dtype=float)
    if weights is None:
        w = 1.0 - np.eye(size)
    elif weights == "linear":
        w = np.abs(np.subtract.outer(positions, positions))
    else:
        w = np.subtract.outer(positions, positions) ** 2
    denominator = float((w * expected).sum())
    if denominator == 0.0:
        return None
    return 1.0 - float((w * observed).sum()) / denominator


def pairwise_cohen_kappa(
    ratings: Iterable[Sequence[Any]],
    categories: Sequence[Hashable] | None = None,
    weights: str | None = None,
) -> dict[Hashable, dict[Hashable, CohenKappa]]:
    """Cohen's kappa of every pair of annotators with at least one common item.

    ``result[a][b] is result[b][a]``; annotators in first-seen order.
    """
    grouped, multi = prepare(ratings, categories)
    if multi:
        categories = None
    annotators: dict[Hashable, None] = {}
    for by_annotator in grouped.values():
        for annotator in by_annotator:
            annotators.setdefault(annotator, None)
    order = list(annotators)
    result: dict[Hashable, dict[Hashable, CohenKappa]] = {a: {} for a in order}
    for i, a in enumerate(order):
        for b in order[i + 1 :]:
            kappa = cohen_from_grouped(grouped, a, b, categories, weights)
            if kappa.n_items:
                result[a][b] = kappa
                result[b][a] = kappa
    return result


def percent_agreement(
    ratings: Iterable[Sequence[Any]], categories: Sequence[Hashable] | None = None
) -> float | None:
    """Share of agreeing annotator pairs per item, averaged over items."""
    grouped, _ = prepare(ratings, categories)
    return percent_from_grouped(grouped)


def percent_from_grouped(grouped: Grouped) -> float | None:
    shares = []
    for by_annotator in pairable(grouped).values():
        m = len(by_annotator)
        counts = Counter(by_annotator.values())
        agreeing = sum(c * (c - 1) for c in counts.values())
        shares.append(agreeing / (m * (m - 1)))
    if not shares:
        return None
    return float(np.mean(shares))
