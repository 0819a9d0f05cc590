"""How sure a pipeline was about one article: the lowest score among its suggestions.

A leaf (imports nothing of ours, no models): the pre-annotation service and the
importers store the value on ``Prediction.min_score`` so the article manager can
filter on confidence in SQL instead of reading every prediction's JSON.
"""

from __future__ import annotations

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
