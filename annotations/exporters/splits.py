"""Deterministic train/dev/test assignment.

An article's split depends only on the release seed and the article's key, never on
the other rows, the row order or the Python process (no ``hash()``): adding articles
to a project never moves an existing article to another split, and two exports with
the same seed agree.
"""

from __future__ import annotations

import functools
import hashlib
import math
from typing import Final, Literal

Split = Literal["train", "dev", "test"]
SPLITS: Final[tuple[Split, Split, Split]] = ("train", "dev", "test")
DEFAULT_RATIOS: Final[tuple[float, float, float]] = (0.8, 0.1, 0.1)
DEFAULT_SEED: Final = "newsroom"

_SCALE: Final = 2**64


def validate_ratios(ratios: tuple[float, float, float]) -> tuple[float, float, float]:
    """Return ``ratios`` as floats or raise ``ValueError``.

    Three finite, non-negative numbers (train, dev, test) that add up to 1 (within
    1e-9).
    """
    values = tuple(ratios)
    if len(values) != len(SPLITS):
        raise ValueError(
            f"ratios must be three numbers (train, dev, test), got {ratios!r}"
        )
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"ratios must be numbers, got {ratios!r}")
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"ratios must be finite and >= 0, got {ratios!r}")
    if not math.isclose(math.fsum(values), 1.0, rel_tol=0.0, abs_tol=1e-9):
        raise ValueError(f"ratios must add up to 1, got {ratios!r}")
    train, dev, test = (float(value) for value in values)
    return train, dev, test


def assign_split(
    article_key: str,
    *,
    seed: str,
    ratios: tuple[float, float, float] = DEFAULT_RATIOS,
) -> Split:
    """Return ``"train"``, ``"dev"`` or ``"test"`` for one article.

    The first 64 bits of ``sha256(seed NUL article_key)`` give an integer in [0,
    2**64) that is compared with the cumulative ratios scaled to 2**64. A split with
    ratio 0 is never returned.
    """
    digest = hashlib.sha256(f"{seed}\x00{article_key}".encode()).digest()
    position = int.from_bytes(digest[:8], "big")
    thresholds = _thresholds(tuple(ratios))
    for split, threshold in thresholds:
        if position < threshold:
            return split
    return thresholds[-1][0]


@functools.lru_cache(maxsize=32)
def _thresholds(ratios: tuple[float, float, float]) -> tuple[tuple[Split, int], ...]:
    """Cumulative upper bounds per split, leaving out splits with ratio 0."""
    values = validate_ratios(ratios)
    bounds: list[tuple[Split, int]] = []
    cumulative = 0.0
    for split, value in zip(SPLITS, values, strict=True):
        cumulative += value
        if value > 0:
            bounds.append((split, min(int(cumulative * _SCALE), _SCALE)))
    split_last, _ = bounds[-1]
    bounds[-1] = (split_last, _SCALE)
    return tuple(bounds)
