"""How much the annotators of one article disagree: the review queue's ordering score.

Per article with two or more submitted annotations, from this package's
item-level measures:

* **each question**: ``1 - share``, with ``share`` the PhraseBank agreement share
  of the article (``levels.agreement_levels``: annotators giving the most common
  answer / annotators). "No answer" counts as an answer of its own, so one
  annotator skipping an optional question the other answered is a
  disagreement; a multi-choice answer counts as the set of its choices.
  Questions nobody answered are left out.
* **spans** (when the scheme has span labels): ``1 - F1``, with F1 the pairwise
  exact span F1 of the article (``spans.pairwise_span_f1``) averaged over the
  labels used, each weighted by how many spans annotators marked with it (the
  micro average over labels). Nobody marking anything is agreement (0).

The **score** is the mean of those parts, from 0 (everyone agrees on every
answer and span) to 1. Articles with fewer than two submitted annotations have
no score (``None``): there is nothing to compare yet.

Both parts are computed in one pass, in closed form, because the queue scores
every article of a project at once: with ``n`` annotators and ``c`` of them
marking a given (start, end, label), the pairs agreeing on it are ``c(c-1)/2``
and every annotator's mark meets ``n-1`` others, so the weighted F1 is
``sum c(c-1) / ((n-1) sum c)``. ``tests/unit/agreement`` checks both parts
against ``agreement_levels`` and ``pairwise_span_f1`` on random data.

Input is plain data (``(article, annotator, labels)`` and ``(article, annotator,
start, end, label)`` rows); imported by ``selectors.review_queue``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

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
    span_parts = _span_parts(annotators, spans) if with_spans else {}
    result = {}
    for article, by_annotator in annotators.items():
        n = len(by_annotator)
        parts: dict[str, float] = {}
        if n >= 2:
            for key in questions:
                share = _top_share(
                    [labels.get(key) for labels in by_annotator.values()]
                )
                if share is not None:
                    parts[key] = 1.0 - share
            if article in span_parts:
                parts[SPANS] = span_parts[article]
        result[article] = ArticleDisagreement(n, parts)
    return result


def _top_share(values: list[Any]) -> float | None:
    """Share of the most common answer ("no answer" included); None if nobody answered.

    Written for speed (the queue scores every article of a project): a plain
    choice key is its own answer, and the common case, everyone agreeing, is
    one ``count``.
    """
    given = [v if type(v) is str else _answer(v) for v in values]
    if all(v is _NO_ANSWER for v in given):
        return None
    n = len(given)
    top = given.count(given[0])
    if top != n:
        top = max(given.count(v) for v in set(given))
    return top / n


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
    marks = {
        (article, annotator, start, end, label)
        for article, annotator, start, end, label in spans
        if annotator in annotators.get(article, ())
    }
    markers = Counter(
        (article, start, end, label) for article, _a, start, end, label in marks
    )
    agreeing: dict[Hashable, int] = defaultdict(int)
    marked: dict[Hashable, int] = defaultdict(int)
    for (article, _start, _end, _label), count in markers.items():
        agreeing[article] += count * (count - 1)
        marked[article] += count
    result = {}
    for article, by_annotator in annotators.items():
        n = len(by_annotator)
        if n < 2:
            continue
        total = marked.get(article, 0)
        result[article] = 1.0 - agreeing[article] / ((n - 1) * total) if total else 0.0
    return result
