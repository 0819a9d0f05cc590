"""Score suggestions against gold on plain data: spans per label, document answers.

Pure Python (no spaCy, no Django), so the benchmarks and the app's model
comparison use the same arithmetic. A span is ``(start, end, label)`` with
code-point offsets, end exclusive.

Spans count exactly (same start, end and label) and with overlap credit (a
prediction counts for precision when it overlaps a gold span of its label; a
gold span counts for recall when a prediction of its label overlaps it, as in
SemEval-2020 Task 11). Document answers give accuracy and macro-F1 over the
choices seen in gold or predictions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Span = tuple[int, int, str]


@dataclass(frozen=True)
class PRF:
    """Counts and precision/recall/F1 (None when undefined: nothing to divide by)."""

    n_gold: int
    n_predicted: int
    hits_predicted: int  # predictions that count as correct
    hits_gold: int  # gold spans that were found

    @property
    def precision(self) -> float | None:
        return self.hits_predicted / self.n_predicted if self.n_predicted else None

    @property
    def recall(self) -> float | None:
        return self.hits_gold / self.n_gold if self.n_gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: PRF) -> PRF:
        return PRF(
            self.n_gold + other.n_gold,
            self.n_predicted + other.n_predicted,
            self.hits_predicted + other.hits_predicted,
            self.hits_gold + other.hits_gold,
        )

    def to_dict(self) -> dict:
        return {
            "n_gold": self.n_gold,
            "n_predicted": self.n_predicted,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


EMPTY = PRF(0, 0, 0, 0)


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _doc_counts(gold: set[Span], predicted: set[Span], overlap: bool) -> PRF:
    if not overlap:
        hits = len(gold & predicted)
        return PRF(len(gold), len(predicted), hits, hits)
    hits_predicted = sum(any(_overlaps(p, g) for g in gold) for p in predicted)
    hits_gold = sum(any(_overlaps(g, p) for p in predicted) for g in gold)
    return PRF(len(gold), len(predicted), hits_predicted, hits_gold)


def span_scores(
    gold_docs: Sequence[Iterable[Span]],
    predicted_docs: Sequence[Iterable[Span]],
    *,
    labels: Iterable[str] | None = None,
    overlap: bool = False,
) -> dict[str, PRF]:
    """Per-label counts over aligned documents (``labels``: only these labels).

    Duplicate spans in one document count once. Labels appear in the result in
    the order given, or sorted.
    """
    if len(gold_docs) != len(predicted_docs):
        raise ValueError(
            f"{len(gold_docs)} gold documents but {len(predicted_docs)} predicted"
        )
    wanted = list(labels) if labels is not None else None
    totals: dict[str, PRF] = {}
    for gold, predicted in zip(gold_docs, predicted_docs, strict=True):
        gold_set, predicted_set = set(gold), set(predicted)
        doc_labels = {s[2] for s in gold_set | predicted_set}
        for label in doc_labels if wanted is None else set(wanted) & doc_labels:
            counts = _doc_counts(
                {s for s in gold_set if s[2] == label},
                {s for s in predicted_set if s[2] == label},
                overlap,
            )
            totals[label] = totals.get(label, EMPTY) + counts
    order = wanted if wanted is not None else sorted(totals)
    return {label: totals.get(label, EMPTY) for label in order}


def micro(scores: dict[str, PRF], labels: Iterable[str] | None = None) -> PRF:
    """Summed counts of ``labels`` (default: all) as one score."""
    keys = list(labels) if labels is not None else list(scores)
    total = EMPTY
    for label in keys:
        total = total + scores.get(label, EMPTY)
    return total


@dataclass(frozen=True)
class ChoiceScores:
    n: int
    accuracy: float | None
    macro_f1: float | None
    per_choice_f1: dict[str, float]


def choice_scores(gold: Sequence[str], predicted: Sequence[str]) -> ChoiceScores:
    """Accuracy and macro-F1 of single-choice answers (choices seen in either list)."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold answers but {len(predicted)} predicted")
    if not gold:
        return ChoiceScores(0, None, None, {})
    correct = sum(g == p for g, p in zip(gold, predicted, strict=True))
    gold_counts, predicted_counts = Counter(gold), Counter(predicted)
    hits = Counter(g for g, p in zip(gold, predicted, strict=True) if g == p)
    per_choice = {}
    for choice in sorted(set(gold) | set(predicted)):
        denominator = gold_counts[choice] + predicted_counts[choice]
        per_choice[choice] = 2 * hits[choice] / denominator if denominator else 0.0
    return ChoiceScores(
        n=len(gold),
        accuracy=correct / len(gold),
        macro_f1=sum(per_choice.values()) / len(per_choice),
        per_choice_f1=per_choice,
    )
