"""Span agreement: pairwise F1 per label (exact and overlap credit) and token alpha.

Input: ``(item_id, annotator_id, spans)`` with ``spans`` a list of ``(start, end,
label)`` character offsets, end exclusive, ``start < end``. An annotator listed with an
empty list annotated the item and marked nothing. Only items with two or more
annotators count for annotator agreement.

Per annotator and label the spans are first normalised: exact duplicates are dropped
(exact match) and, for overlap credit, spans sharing at least one character are merged
into one (so no character is credited twice, as in the SemEval-2020 Task 11 scorer).

**Exact F1.** For two annotators A and B and a label, ``tp`` is the number of
``(start, end)`` pairs both marked. Micro-averaged over all annotator pairs and items::

    F1 = 2 * sum tp / sum (|A| + |B|)

**Overlap F1** (SemEval-2020 Task 11, span identification, Da San Martino et al.
2020): with S the predicted and T the reference spans,
``P(S, T) = 1/|S| * sum_{s in S, t in T} |s ∩ t| / |s|`` and
``R(S, T) = 1/|T| * sum_{s in S, t in T} |s ∩ t| / |t|`` (``|x|`` in characters), so a
span gets partial credit proportional to the share of its characters that overlap.
Between annotators there is no reference, so every unordered pair is scored in both
directions; micro-averaged over pairs and items numerators and denominators add up,
which makes precision = recall = F1::

    F1_overlap = sum (C(A, B) + C(B, A)) / sum (|A| + |B|)
    C(X, Y) = sum_{x in X, y in Y} |x ∩ y| / |x|

Both are ``None`` for a label no annotator of a pairable item used. ``n_items`` is the
number of pairable items where at least one annotator marked the label.

**Token alpha.** The caller tokenises: ``tokens[item_id]`` is a list of ``(start,
end)``. Each token x label is a binary unit; an annotator gives it 1 when any of their
spans with that label overlaps the token by at least one character, else 0. Nominal
Krippendorff's alpha over these units of the pairable items (see ``alpha``): 1.0 for
perfect agreement, ``None`` when undefined (e.g. nobody used the label, or everyone
covered every token).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from annotations.agreement.alpha import alpha_from_counts
from annotations.agreement.types import SpanAgreement, SpanF1

SpansByItem = dict[Hashable, dict[Hashable, list[tuple[int, int, str]]]]


def group_spans(annotations: Iterable[Sequence[Any]]) -> SpansByItem:
    """``{item: {annotator: [(start, end, label), ...]}}``; validates offsets."""
    grouped: SpansByItem = {}
    for item, annotator, spans in annotations:
        by_annotator = grouped.setdefault(item, {})
        if annotator in by_annotator:
            raise ValueError(
                f"duplicate span annotation of item {item!r} by annotator {annotator!r}"
            )
        by_annotator[annotator] = [_check(span) for span in spans]
    return grouped


def _check(span: Sequence[Any]) -> tuple[int, int, str]:
    start, end, label = span
    if not 0 <= start < end:
        raise ValueError(f"span offsets must satisfy 0 <= start < end: {span!r}")
    return int(start), int(end), label


def labels_of(grouped: SpansByItem, labels: Sequence[str] | None = None) -> list[str]:
    if labels is not None:
        return list(labels)
    return sorted(
        {s[2] for by_a in grouped.values() for spans in by_a.values() for s in spans}
    )


def exact_set(
    spans: Sequence[tuple[int, int, str]], label: str
) -> set[tuple[int, int]]:
    return {(s, e) for s, e, lab in spans if lab == label}


def merged(spans: Sequence[tuple[int, int, str]], label: str) -> list[tuple[int, int]]:
    """The label's spans with character-sharing spans merged, sorted by start."""
    out: list[list[int]] = []
    for start, end in sorted(exact_set(spans, label)):
        if out and start < out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def credit(xs: Sequence[tuple[int, int]], ys: Sequence[tuple[int, int]]) -> float:
    """``C(X, Y) = sum_{x, y} |x ∩ y| / |x|``."""
    total = 0.0
    for xs_, xe in xs:
        inter = sum(max(0, min(xe, ye) - max(xs_, ys_)) for ys_, ye in ys)
        total += inter / (xe - xs_)
    return total


def pairwise_span_f1(
    annotations: Iterable[Sequence[Any]], labels: Sequence[str] | None = None
) -> dict[str, SpanF1]:
    """Exact and overlap-credit F1 per label, micro-averaged over annotator pairs."""
    return _pairwise(group_spans(annotations), labels)


def _pairwise(grouped: SpansByItem, labels: Sequence[str] | None) -> dict[str, SpanF1]:
    result = {}
    pairable = {item: by_a for item, by_a in grouped.items() if len(by_a) >= 2}
    for label in labels_of(grouped, labels):
        tp2 = size = credit_sum = merged_size = 0.0
        n_items = 0
        for by_annotator in pairable.values():
            exact = [exact_set(spans, label) for spans in by_annotator.values()]
            merge = [merged(spans, label) for spans in by_annotator.values()]
            if not any(exact):
                continue
            n_items += 1
            for i in range(len(exact)):
                for j in range(i + 1, len(exact)):
                    tp2 += 2 * len(exact[i] & exact[j])
                    size += len(exact[i]) + len(exact[j])
                    credit_sum += credit(merge[i], merge[j]) + credit(
                        merge[j], merge[i]
                    )
                    merged_size += len(merge[i]) + len(merge[j])
        f1 = tp2 / size if size else None
        f1_overlap = credit_sum / merged_size if merged_size else None
        result[label] = SpanF1(
            precision=f1,
            recall=f1,
            f1=f1,
            precision_overlap=f1_overlap,
            recall_overlap=f1_overlap,
            f1_overlap=f1_overlap,
            n_items=n_items,
        )
    return result


def token_alpha(
    annotations: Iterable[Sequence[Any]],
    tokens: Mapping[Hashable, Sequence[tuple[int, int]]],
    labels: Sequence[str] | None = None,
) -> dict[str, float | None]:
    """Token-level nominal alpha per label (each token x label a binary unit)."""
    return _token_alpha(group_spans(annotations), tokens, labels)


def _token_alpha(
    grouped: SpansByItem,
    tokens: Mapping[Hashable, Sequence[tuple[int, int]]],
    labels: Sequence[str] | None,
) -> dict[str, float | None]:
    pairable = {item: by_a for item, by_a in grouped.items() if len(by_a) >= 2}
    for item in pairable:
        if item not in tokens:
            raise ValueError(f"no tokens given for item {item!r}")
    result: dict[str, float | None] = {}
    for label in labels_of(grouped, labels):
        blocks = []
        for item, by_annotator in pairable.items():
            bounds = np.asarray(tokens[item], dtype=float).reshape(-1, 2)
            covered = np.zeros(len(bounds))
            for spans in by_annotator.values():
                mask = np.zeros(len(bounds), dtype=bool)
                for start, end in exact_set(spans, label):
                    mask |= (bounds[:, 0] < end) & (start < bounds[:, 1])
                covered += mask
            blocks.append(np.column_stack([len(by_annotator) - covered, covered]))
        counts = np.concatenate(blocks) if blocks else np.zeros((0, 2))
        result[label] = alpha_from_counts(counts, "nominal")
    return result


def span_agreement(
    annotations: Iterable[Sequence[Any]],
    tokens: Mapping[Hashable, Sequence[tuple[int, int]]] | None = None,
    labels: Sequence[str] | None = None,
) -> dict[str, SpanAgreement]:
    """Pairwise F1 (exact, overlap) and, when ``tokens`` are given, token alpha."""
    grouped = group_spans(annotations)
    f1 = _pairwise(grouped, labels)
    alphas = _token_alpha(grouped, tokens, labels) if tokens is not None else {}
    annotators = {a for by_a in grouped.values() if len(by_a) >= 2 for a in by_a}
    return {
        label: SpanAgreement(
            label=label,
            pairwise_f1=score.f1,
            pairwise_f1_overlap=score.f1_overlap,
            n_items=score.n_items,
            n_annotators=len(annotators),
            token_alpha=alphas.get(label),
        )
        for label, score in f1.items()
    }
