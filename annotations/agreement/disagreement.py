"""How much the annotators of one article disagree: the review queue's ordering score.

Built from this package's item-level measures, per article with two or more
submitted annotations:

* **each question**: ``1 - share``, with ``share`` the PhraseBank agreement share
  of the article (``levels.agreement_levels``: annotators giving the most
  common answer / annotators). "No answer" counts as an answer of its own, so
  one annotator skipping an optional question the other answered is a
  disagreement; a multi-choice answer counts as the set of its choices.
  Questions nobody answered are left out.
* **spans** (when the scheme has span labels): ``1 - F1``, with F1 the pairwise
  exact span F1 of the article (``spans.pairwise_span_f1``) averaged over the
  labels used, each weighted by how many spans annotators marked with it (the
  micro average over labels). Nobody marking anything is agreement (0).

The **score** is the mean of those parts, from 0 (everyone agrees on every
answer and span) to 1. Articles with fewer than two submitted annotations have
no score (``None``): there is nothing to compare yet.

Input is plain data (``(article, annotator, labels)`` and ``(article, annotator,
start, end, label)`` rows); imported by ``selectors.review_queue``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotations.agreement.levels import agreement_levels
from annotations.agreement.spans import pairwise_span_f1

#: The part name of span disagreement (question parts are named by their key).
SPANS = "spans"
_NO_ANSWER = object()
_CHOICE_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class ArticleDisagreement:
    """The disagreement of one article: its parts and their mean."""

    n_annotations: int
    parts: dict[str, float] = field(default_factory=dict)

    @property
    def score(self) -> float | None:
        if self.n_annotations < 2 or not self.parts:
            return None
        return sum(self.parts.values()) / len(self.parts)

    @property
    def disputed(self) -> list[str]:
        """The parts (question keys, ``"spans"``) on which annotators differ."""
        return [name for name, value in self.parts.items() if value > 0]


def article_disagreements(
    answers: Iterable[tuple[Hashable, Hashable, dict]],
    spans: Iterable[tuple[Hashable, Hashable, int, int, str]],
    *,
    questions: Sequence[str],
    with_spans: bool = True,
) -> dict[Hashable, ArticleDisagreement]:
    """``{article: ArticleDisagreement}`` for every article in ``answers``.

    ``answers`` has one row per submitted annotation (``labels`` maps question
    keys to a choice or a list of choices); ``spans`` one row per span of those
    annotations. ``questions`` are the keys of the scheme's questions.
    """
    annotators: dict[Hashable, dict[Hashable, dict]] = defaultdict(dict)
    for article, annotator, labels in answers:
        annotators[article][annotator] = labels or {}
    parts: dict[Hashable, dict[str, float]] = defaultdict(dict)
    for key in questions:
        ratings = [
            (article, annotator, _answer(labels.get(key)))
            for article, by_annotator in annotators.items()
            for annotator, labels in by_annotator.items()
        ]
        answered = {row[0] for row in ratings if row[2] is not _NO_ANSWER}
        for article, level in agreement_levels(ratings).items():
            if article in answered:
                parts[article][key] = 1.0 - level.share
    if with_spans:
        for article, value in _span_parts(annotators, spans).items():
            parts[article][SPANS] = value
    return {
        article: ArticleDisagreement(len(by_annotator), dict(parts.get(article, {})))
        for article, by_annotator in annotators.items()
    }


def _answer(value: Any) -> Hashable:
    """One hashable answer: a choice, the set of choices joined, or "no answer"."""
    if value is None or value == []:
        return _NO_ANSWER
    if isinstance(value, list | tuple | set | frozenset):
        return _CHOICE_SEPARATOR.join(sorted(map(str, value)))
    return value


def _span_parts(
    annotators: dict[Hashable, dict[Hashable, dict]],
    spans: Iterable[tuple[Hashable, Hashable, int, int, str]],
) -> dict[Hashable, float]:
    """``1 - F1`` per article with two or more annotations (see the module docstring)."""
    marked: dict[Hashable, dict[Hashable, set]] = defaultdict(lambda: defaultdict(set))
    for article, annotator, start, end, label in spans:
        marked[article][annotator].add((start, end, label))
    result = {}
    for article, by_annotator in annotators.items():
        if len(by_annotator) < 2:
            continue
        rows = [
            (article, annotator, sorted(marked[article][annotator]))
            for annotator in by_annotator
        ]
        counts: dict[str, int] = defaultdict(int)
        for _article, _annotator, marks in rows:
            for _start, _end, label in marks:
                counts[label] += 1
        if not counts:
            result[article] = 0.0
            continue
        f1 = pairwise_span_f1(rows, labels=sorted(counts))
        agreed = sum((f1[label].f1 or 0.0) * n for label, n in counts.items())
        result[article] = 1.0 - agreed / sum(counts.values())
    return result
