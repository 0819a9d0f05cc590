"""Plain, frozen result types: nothing outside ``nlp/`` ever touches a spaCy Doc."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class SuggestedSpan:
    """A machine-suggested span.

    ``start``/``end`` are Python ``str`` indices (code points) into the text the
    prediction was made for, end exclusive, and ``text == article_text[start:end]``.
    """

    start: int
    end: int
    label: str
    text: str
    score: float
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "text": self.text,
            "score": self.score,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class QuestionSuggestion:
    """Scores for one document question (they sum to 1) and the spans behind them."""

    question: str
    scores: dict[str, float]
    evidence: tuple[SuggestedSpan, ...] = ()

    @property
    def best(self) -> str:
        """The choice with the highest score (first in choice order on ties)."""
        return max(self.scores, key=lambda choice: self.scores[choice])


@dataclass(frozen=True, slots=True)
class ArticlePrediction:
    """What one pipeline suggests for one article.

    When the article could not be processed, ``skipped_reason`` says why and
    ``spans``/``questions`` are empty.
    """

    pipeline: str
    pipeline_version: str
    spans: tuple[SuggestedSpan, ...] = ()
    questions: tuple[QuestionSuggestion, ...] = field(default=())
    skipped_reason: str | None = None

    @property
    def skipped(self) -> bool:
        return self.skipped_reason is not None

    @property
    def labels(self) -> dict[str, dict[str, float]]:
        """``{question: {choice: score}}`` as in the Prediction contract."""
        return {q.question: dict(q.scores) for q in self.questions}

    @property
    def evidence(self) -> dict[str, tuple[SuggestedSpan, ...]]:
        """``{question: spans that drove its scores}``."""
        return {q.question: q.evidence for q in self.questions}

    def to_dict(self) -> dict[str, Any]:
        """The contract's Prediction shape (without ``created_at``)."""
        return {
            "pipeline": self.pipeline,
            "pipeline_version": self.pipeline_version,
            "spans": [s.to_dict() for s in self.spans],
            "labels": self.labels,
            "evidence": [
                {"question": q.question, "spans": [s.to_dict() for s in q.evidence]}
                for q in self.questions
            ],
            "skipped_reason": self.skipped_reason,
        }
