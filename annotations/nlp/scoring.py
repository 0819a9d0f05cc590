"""Document-question scores from evidence weights. Pure functions, no spaCy.

Sentiment: positive and negative evidence weights place the article on the
five-point scale (``balance`` in [-1, 1], pushed further out the more evidence
there is) and a Gaussian around that point, narrower with more evidence, gives
the score of each choice. Bias: the weighted count of LOADED, EXAGGERATION,
CLICKBAIT and SPECULATION spans, scaled for article length, raises P(biased)
from a prior of 0.1 towards 0.95.
"""

from __future__ import annotations

import math

SENTIMENT_CHOICES = (
    "very_negative",
    "negative",
    "neutral",
    "positive",
    "very_positive",
)
BIAS_CHOICES = ("non_biased", "biased")
BIAS_WEIGHTS = {
    "LOADED": 1.0,
    "CLICKBAIT": 1.2,
    "EXAGGERATION": 0.8,
    "SPECULATION": 0.6,
}
BIAS_PRIOR = 0.1
REFERENCE_LENGTH = 1500  # characters of a typical article


def _normalise(values: dict[str, float]) -> dict[str, float]:
    total = sum(values.values())
    rounded = {k: round(v / total, 4) for k, v in values.items()}
    best = max(rounded, key=lambda k: rounded[k])
    rounded[best] = round(1.0 - sum(v for k, v in rounded.items() if k != best), 4)
    return rounded


def sentiment_scores(positive: float, negative: float) -> dict[str, float]:
    """Scores for very_negative … very_positive from evidence weights (sum to 1)."""
    positive, negative = max(positive, 0.0), max(negative, 0.0)
    total = positive + negative
    strength = 1.0 - math.exp(-total / 2.0)
    balance = (positive - negative) / total if total else 0.0
    centre = 2.0 + balance * (1.0 + strength)
    sigma = 0.9 - 0.4 * strength
    raw = {
        choice: math.exp(-((i - centre) ** 2) / (2 * sigma**2))
        for i, choice in enumerate(SENTIMENT_CHOICES)
    }
    return _normalise(raw)


def bias_scores(weight: float, n_chars: int) -> dict[str, float]:
    """Scores for non_biased / biased from the weighted count of bias spans."""
    scale = math.sqrt(max(n_chars, 500) / REFERENCE_LENGTH)
    density = max(weight, 0.0) / scale
    biased = BIAS_PRIOR + (0.95 - BIAS_PRIOR) * (1.0 - math.exp(-density / 1.5))
    return _normalise({"non_biased": 1.0 - biased, "biased": biased})
