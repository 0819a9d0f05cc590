"""Krippendorff's alpha for document questions (nominal, ordinal, interval).

Definition (Krippendorff, *Content Analysis*, and "Computing Krippendorff's
Alpha-Reliability", 2011): units are items; the values of a unit are the ratings it
received. Only units with ``m_u >= 2`` values are pairable. The coincidence matrix is
``o[c][k] = sum_u (number of ordered pairs of different ratings in u with values c, k)
/ (m_u - 1)``; ``n_c = sum_k o[c][k]``, ``n = sum_c n_c``, and

    alpha = 1 - (n - 1) * sum_ck o[c][k] * delta[c][k] / sum_ck n_c * n_k * delta[c][k]

with ``delta`` the squared difference function of the level:

- nominal: 0 if c == k else 1;
- interval: (c - k)**2 on the numeric values (when the values are not all numbers, the
  position in ``categories`` is used as the number);
- ordinal: (sum_{g from c to k} n_g - (n_c + n_k) / 2)**2 along the order of
  ``categories``. Categories nobody used have ``n_g = 0`` and do not change the
  result.

For ordinal and interval, numeric values may go without ``categories`` (they are
ordered by size); other values need ``categories``, else ``ValueError``.

Return value: a float, or ``None`` when alpha is undefined:

- fewer than two pairable values (no item rated twice; a single annotator); and
- zero expected disagreement, which happens exactly when every pairable value is the
  same category. We return ``None`` there, not 1.0: perfect agreement on a single
  category says nothing about the coders' ability to discriminate (the ``krippendorff``
  package raises or returns NaN in this case).

Ratings of one annotator are not linked across items, so alpha does not depend on who
gave which rating, only on the values per item. Multi-choice values are expanded to one
binary unit per item x choice (see ``_ratings``).
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np

from annotations.agreement._ratings import Grouped, ordered_values, pairable, prepare
from annotations.agreement.types import LEVELS


def krippendorff_alpha(
    ratings: Iterable[Sequence[Any]],
    level: str = "nominal",
    categories: Sequence[Hashable] | None = None,
) -> float | None:
    """Krippendorff's alpha of ``(item_id, annotator_id, value)`` ratings.

    ``categories`` is the ordered list of choices (required order for ``ordinal`` when
    the values do not sort naturally; optional otherwise, then values outside it raise
    ``ValueError``).
    """
    grouped, multi = prepare(ratings, categories)
    if multi:
        categories = None
    return alpha_from_grouped(grouped, level, categories)


def alpha_from_grouped(
    grouped: Grouped,
    level: str = "nominal",
    categories: Sequence[Hashable] | None = None,
) -> float | None:
    """Alpha of already grouped ``{unit: {annotator: value}}`` data."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    units = pairable(grouped)
    if not units:
        return None
    values = ordered_values(units, categories)
    if level != "nominal" and categories is None and _numbers(values) is None:
        raise ValueError(f"{level} alpha of non-numeric values needs categories")
    index = {value: i for i, value in enumerate(values)}
    counts = np.zeros((len(units), len(values)))
    for row, by_annotator in enumerate(units.values()):
        for value in by_annotator.values():
            counts[row, index[value]] += 1
    return alpha_from_counts(counts, level, _numbers(values))


def alpha_from_counts(
    counts: np.ndarray, level: str = "nominal", numbers_: Sequence[float] | None = None
) -> float | None:
    """Alpha from a units x values count matrix (columns in category order).

    ``numbers_`` gives the numeric value of each column for the interval level
    (default: the column position).
    """
    counts = np.asarray(counts, dtype=float)
    m = counts.sum(axis=1)
    counts = counts[m >= 2]
    m = m[m >= 2]
    if counts.shape[0] == 0:
        return None
    weighted = counts / (m - 1)[:, None]
    coincidence = weighted.T @ counts - np.diag(weighted.sum(axis=0))
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    if n < 2:
        return None
    delta = _delta(level, n_c, numbers_)
    expected = float((np.outer(n_c, n_c) * delta).sum())
    if expected == 0.0:
        return None
    observed = float((coincidence * delta).sum())
    return 1.0 - (float(n) - 1.0) * observed / expected


def _delta(level: str, n_c: np.ndarray, numbers_: Sequence[float] | None) -> np.ndarray:
    size = len(n_c)
    if level == "nominal":
        return 1.0 - np.eye(size)
    if level == "interval":
        x = np.arange(size, dtype=float) if numbers_ is None else np.asarray(numbers_)
        return np.subtract.outer(x, x) ** 2
    if level == "ordinal":
        cumulative = np.concatenate(([0.0], np.cumsum(n_c)))
        low = np.minimum.outer(np.arange(size), np.arange(size))
        high = np.maximum.outer(np.arange(size), np.arange(size))
        between = cumulative[high + 1] - cumulative[low]
        return (between - (n_c[low] + n_c[high]) / 2.0) ** 2
    raise ValueError(f"level must be one of {LEVELS}, not {level!r}")


def _numbers(values: Sequence[Any]) -> list[float] | None:
    """The values as floats when all are real numbers, else ``None`` (positions)."""
    if all(isinstance(v, numbers.Real) for v in values):
        return [float(v) for v in values]
    return None
