"""How sure a pipeline was about one article, two ways.

``prediction_min_score`` (the lowest score among its suggestions; the article
manager's confidence filter) and ``prediction_confidence`` (the mean, rescaled
against chance; the active-learning queue order).

A leaf (imports nothing of ours, no models): the pre-annotation service and the
importers store the value on ``Prediction.min_score`` so the article manager can
filter on confidence in SQL instead of reading every prediction's JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def prediction_min_score(spans: Any, labels: Any) -> float | None:
    """The lowest span score, or answer confidence (the top choice's score per question).

    None when the prediction carries no score at all (a gazetteer, an import
    without scores): such predictions match no confidence filter.
    """
    scores: list[float] = []
    for span in spans if isinstance(spans, list) else []:
        score = _number(span.get("score")) if isinstance(span, dict) else None
        if score is not None:
            scores.append(score)
    for choices in (labels if isinstance(labels, dict) else {}).values():
        if not isinstance(choices, dict):
            continue
        values = [v for v in map(_number, choices.values()) if v is not None]
        if values:
            scores.append(max(values))
    return min(scores) if scores else None


def prediction_confidence(
    spans: Iterable[Mapping[str, Any]], labels: Mapping[str, Any]
) -> float | None:
    """How sure a prediction is, in [0, 1]; None when it carries no scores.

    The mean over its parts: each span's score, and for each document question
    the best choice's score rescaled so that a uniform guess is 0 and certainty
    is 1 (``(best - 1/k) / (1 - 1/k)`` for ``k`` choices), so a five-way question
    is not always "less sure" than a two-way one. The active-learning queue
    order serves the lowest first.
    """
    parts: list[float] = []
    for span in spans:
        score = span.get("score") if isinstance(span, Mapping) else None
        if _number(score) is not None:
            parts.append(float(score))
    for choices in (labels or {}).values():
        if not isinstance(choices, Mapping):
            continue
        values = [float(v) for v in choices.values() if _number(v) is not None]
        if len(values) == 1:
            parts.append(values[0])
        elif values:
            chance = 1 / len(values)
            parts.append(max(0.0, (max(values) - chance) / (1 - chance)))
    return sum(parts) / len(parts) if parts else None
