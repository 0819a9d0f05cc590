"""The automatic consensus of several annotations of one article, on plain data.

A leaf module like ``scheme.py`` and ``offsets.py``: it imports no models, services
or selectors, so the gold pre-fill (``services.gold``), the export rows
(``selectors.export_rows``) and releases all apply the same rule. Reading a
project's settings into a ``ConsensusSettings`` is done by
``selectors.exports.consensus_settings_for_project``.

**The rule** (``merge_annotations``):

- A span ``(start, end, label)`` is kept when at least ``min_annotators``
  annotators marked exactly it (exact offsets and label; no partial credit).
  Where overlapping spans are forbidden the better supported span wins (then the
  longer, then the earlier one).
- A single-choice question takes the most frequent answer when its share of the
  annotators who answered reaches ``question_threshold`` and no other answer ties
  with it; a multiple-choice question takes every choice picked by more than that
  share (at least that share, when the threshold is above 0.5).

**The export gate** (``consensus_merge``), configured per project in
``Project.consensus`` (``{"question_threshold": 0.5, "span_min_annotators": 2}``):
an article needs ``required = min(span_min_annotators, project.overlap)`` submitted
annotations, else it has no consensus; spans need ``required`` annotators. The
result's guideline version is the lowest among the merged annotations (the oldest
rules any of them followed).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

DEFAULT_CONSENSUS = {"question_threshold": 0.5, "span_min_annotators": 2}
CONSENSUS_RULE = (
    "spans marked identically by >= min(span_min_annotators, overlap) annotators; "
    "answers chosen by question_threshold of those who answered, ties dropped "
    "(annotations.consensus.merge_annotations)"
)

SpanKey = tuple[int, int, str]  # (start, end, label); the text is the article's slice


@dataclass(frozen=True)
class ConsensusSettings:
    """A project's consensus settings, checked and capped by its overlap."""

    question_threshold: float = 0.5
    span_min_annotators: int = 2

    @classmethod
    def from_raw(
        cls, raw: Mapping[str, Any] | None, *, overlap: int
    ) -> ConsensusSettings:
        """Settings from ``Project.consensus`` (defaults filled in), capped at ``overlap``."""
        values = {**DEFAULT_CONSENSUS, **(raw or {})}
        minimum = int(values["span_min_annotators"])
        return cls(
            question_threshold=float(values["question_threshold"]),
            span_min_annotators=max(1, min(minimum, overlap)),
        )


@dataclass(frozen=True)
class SourceAnnotation:
    """One submitted annotation as the consensus sees it.

    ``spans`` are ``(start, end, label)`` triples (code points into the article text),
    plain tuples because the consensus runs over every span of the project.
    """

    annotator_id: int
    labels: dict[str, Any]
    spans: tuple[SpanKey, ...]
    guideline_version: int | None


@dataclass
class ConsensusResult:
    """The consensus of one article for an export row; ``info`` goes into its meta."""

    spans: tuple[SpanKey, ...]
    labels: dict[str, Any]
    guideline_version: int | None
    info: dict[str, Any] = field(default_factory=dict)


@dataclass
class MergedAnnotations:
    """What ``merge_annotations`` found: answers, their shares, spans and their votes."""

    labels: dict[str, Any]
    support: dict[str, float]
    spans: list[SpanKey]
    span_support: Counter


def merge_annotations(
    annotations: Iterable[tuple[dict, Iterable[SpanKey]]],
    *,
    questions: Iterable[tuple[str, bool, Iterable[str]]],
    question_threshold: float,
    min_annotators: int,
    allow_overlap: bool,
) -> MergedAnnotations:
    """The consensus rule itself (see the module doc); gold pre-fill and exports use it.

    ``annotations`` are ``(labels, spans)`` pairs, ``questions`` are
    ``(key, multiple, choice order)``.
    """
    annotations = [(labels, set(spans)) for labels, spans in annotations]
    merged = MergedAnnotations(labels={}, support={}, spans=[], span_support=Counter())
    for key, multiple, choice_order in questions:
        answers = [labels.get(key) for labels, _ in annotations]
        answers = [a for a in answers if a not in (None, [])]
        if not answers:
            continue
        if multiple:
            _merge_multiple(
                merged, key, answers, list(choice_order), question_threshold
            )
        else:
            _merge_single(merged, key, answers, question_threshold)
    for _, spans in annotations:
        merged.span_support.update(spans)
    kept = [s for s, count in merged.span_support.items() if count >= min_annotators]
    if not allow_overlap:
        kept = _without_overlaps(kept, merged.span_support)
    merged.spans = sorted(kept)
    return merged


def _merge_multiple(
    merged: MergedAnnotations,
    key: str,
    answers: list[Any],
    choice_order: list[str],
    threshold: float,
) -> None:
    counts = Counter(c for a in answers for c in (a if isinstance(a, list) else [a]))
    order = [c for c in choice_order if c in counts] + sorted(
        c for c in counts if c not in set(choice_order)
    )
    chosen = [c for c in order if _passes(counts[c] / len(answers), threshold)]
    if chosen:
        merged.labels[key] = chosen
    merged.support[key] = max(counts.values()) / len(answers)


def _merge_single(
    merged: MergedAnnotations, key: str, answers: list[Any], threshold: float
) -> None:
    ranked = Counter(a for a in answers if not isinstance(a, list)).most_common()
    if not ranked:
        return
    top_value, top = ranked[0]
    share = top / len(answers)
    merged.support[key] = share
    tied = len(ranked) > 1 and ranked[1][1] == top
    if not tied and share >= threshold:
        merged.labels[key] = top_value


def _passes(share: float, threshold: float) -> bool:
    return share >= threshold if threshold > 0.5 else share > threshold


def _without_overlaps(spans: list[SpanKey], support: Counter) -> list[SpanKey]:
    chosen: list[SpanKey] = []
    for span in sorted(spans, key=lambda s: (-support[s], -(s[1] - s[0]), s[0], s[2])):
        if all(span[1] <= other[0] or other[1] <= span[0] for other in chosen):
            chosen.append(span)
    return chosen


def consensus_merge(
    annotations: Sequence[SourceAnnotation],
    *,
    config: ConsensusSettings,
    multiple: dict[str, bool],
    allow_overlap: bool = True,
) -> ConsensusResult | None:
    """The consensus of one article's submitted annotations for an export row.

    ``merge_annotations`` plus the export's completeness gate (see the module doc).
    ``multiple`` maps question keys to whether they take several choices. Returns
    None when there are too few annotations.
    """
    required = config.span_min_annotators
    if len(annotations) < required:
        return None
    merged = merge_annotations(
        [(a.labels, a.spans) for a in annotations],
        questions=[(key, is_multiple, ()) for key, is_multiple in multiple.items()],
        question_threshold=config.question_threshold,
        min_annotators=required,
        allow_overlap=allow_overlap,
    )
    versions = [
        a.guideline_version for a in annotations if a.guideline_version is not None
    ]
    return ConsensusResult(
        spans=tuple(merged.spans),
        labels=merged.labels,
        guideline_version=min(versions) if versions else None,
        info={
            "annotators": len(annotations),
            "rule": CONSENSUS_RULE,
            "question_threshold": config.question_threshold,
            "span_min_annotators": required,
        },
    )
