"""Per-annotator agreement with gold labels and gold spans.

- ``gold_agreement``: for each annotator, over the items that have a gold label and a
  rating by that annotator: accuracy (share equal to gold) and unweighted Cohen's
  kappa of annotator vs gold (see ``kappa``; ``None`` when undefined). Multi-choice
  values are compared per item x choice binary unit.
- ``span_gold_agreement``: for each annotator and label, over the gold items the
  annotator annotated: exact precision = tp / |predicted|, recall = tp / |gold|,
  F1 = 2 tp / (|predicted| + |gold|); with overlap credit (SemEval-2020 Task 11, see
  ``spans``) precision = C(pred, gold) / |pred|, recall = C(gold, pred) / |gold| summed
  over items (micro), F1 their harmonic mean. Precision is ``None`` without predicted
  spans, recall ``None`` without gold spans, F1 ``None`` when both are missing and 0.0
  when only one is.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

from annotations.agreement._ratings import expand_multi, group_ratings, is_multi
from annotations.agreement.kappa import kappa_of_pairs
from annotations.agreement.spans import (
    credit,
    exact_set,
    group_spans,
    labels_of,
    merged,
)
from annotations.agreement.types import GoldAgreement, SpanF1

_GOLD = object()  # the gold "annotator" inside the grouped data


def gold_agreement(
    ratings: Iterable[Sequence[Any]],
    gold: Mapping[Hashable, Any],
    categories: Sequence[Hashable] | None = None,
) -> dict[Hashable, GoldAgreement]:
    """Accuracy and Cohen's kappa of each annotator against ``gold[item_id]``."""
    grouped, multi = group_ratings(ratings)
    combined: dict[Hashable, dict[Hashable, Any]] = {}
    for item, by_annotator in grouped.items():
        truth = gold.get(item)
        if truth is None:
            continue
        if is_multi(truth) != multi:
            raise ValueError(f"gold of item {item!r} and its ratings differ in kind")
        combined[item] = {**by_annotator, _GOLD: frozenset(truth) if multi else truth}
    if multi:
        combined = expand_multi(combined, categories)
        categories = None
    pairs: dict[Hashable, list[tuple[Any, Any]]] = {}
    items: dict[Hashable, set[Hashable]] = {}
    for unit, by_annotator in combined.items():
        truth = by_annotator[_GOLD]
        for annotator, value in by_annotator.items():
            if annotator is _GOLD:
                continue
            pairs.setdefault(annotator, []).append((value, truth))
            items.setdefault(annotator, set()).add(unit[0] if multi else unit)
    return {
        annotator: GoldAgreement(
            accuracy=sum(a == b for a, b in found) / len(found),
            cohen_kappa=kappa_of_pairs(found, categories),
            n_items=len(items[annotator]),
        )
        for annotator, found in pairs.items()
    }


def span_gold_agreement(
    annotations: Iterable[Sequence[Any]],
    gold: Mapping[Hashable, Sequence[tuple[int, int, str]]],
    labels: Sequence[str] | None = None,
) -> dict[Hashable, dict[str, SpanF1]]:
    """Exact and overlap-credit precision/recall/F1 of each annotator vs gold spans."""
    grouped = group_spans(annotations)
    gold_spans = {
        item: list(group_spans([(item, 0, spans)])[item][0])
        for item, spans in gold.items()
    }
    all_labels = labels_of(
        {**grouped, **{("gold", i): {0: s} for i, s in gold_spans.items()}}, labels
    )
    result: dict[Hashable, dict[str, SpanF1]] = {}
    annotators = list(dict.fromkeys(a for by_a in grouped.values() for a in by_a))
    for annotator in annotators:
        per_label = {}
        for label in all_labels:
            tp = n_pred = n_gold = 0
            credit_p = credit_r = 0.0
            m_pred = m_gold = 0
            n_items = 0
            for item, by_annotator in grouped.items():
                if item not in gold_spans or annotator not in by_annotator:
                    continue
                n_items += 1
                pred_set = exact_set(by_annotator[annotator], label)
                gold_set = exact_set(gold_spans[item], label)
                tp += len(pred_set & gold_set)
                n_pred += len(pred_set)
                n_gold += len(gold_set)
                pred_m = merged(by_annotator[annotator], label)
                gold_m = merged(gold_spans[item], label)
                credit_p += credit(pred_m, gold_m)
                credit_r += credit(gold_m, pred_m)
                m_pred += len(pred_m)
                m_gold += len(gold_m)
            per_label[label] = SpanF1(
                precision=tp / n_pred if n_pred else None,
                recall=tp / n_gold if n_gold else None,
                f1=2 * tp / (n_pred + n_gold) if n_pred + n_gold else None,
                precision_overlap=credit_p / m_pred if m_pred else None,
                recall_overlap=credit_r / m_gold if m_gold else None,
                f1_overlap=_harmonic(
                    credit_p / m_pred if m_pred else None,
                    credit_r / m_gold if m_gold else None,
                ),
                n_items=n_items,
            )
        result[annotator] = per_label
    return result


def _harmonic(p: float | None, r: float | None) -> float | None:
    if p is None and r is None:
        return None
    p, r = p or 0.0, r or 0.0
    return 2 * p * r / (p + r) if p + r else 0.0
