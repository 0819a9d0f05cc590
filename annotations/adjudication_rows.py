"""What the adjudication page compares: one row per span and per question, and the text.

A leaf on plain data (no models): the review page turns each submitted
annotation into a ``Submitted`` and the gold draft into spans and answers, and
gets back rows saying who marked or answered what, where annotators disagree
and what the gold holds. A span row disagrees when only some annotators marked
it, when annotators gave the same stretch different labels, or when only the
gold has it; a question row when the answers differ or some annotators left it
empty. Imported by ``views.review``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from annotations.scheme import Question, Scheme

SpanKey = tuple[int, int, str]
NO_COLOR = "#888888"


@dataclass(frozen=True)
class Submitted:
    """One submitted annotation as the page compares it."""

    annotation_id: int
    annotator: str
    labels: dict
    spans: tuple[SpanKey, ...]


def review_rows(
    *, text: str, scheme: Scheme, submitted: list[Submitted], gold: dict
) -> dict[str, Any]:
    """Span rows, question rows, text segments and the number of disagreements.

    ``gold`` is the gold working copy (``spans`` as dicts, ``labels``).
    """
    marked = marked_by(submitted)
    spans = span_rows(text, scheme, submitted, marked, gold["spans"])
    questions = [
        question_row(question, submitted, gold["labels"].get(question.key))
        for question in scheme.questions
    ]
    return {
        "span_rows": spans,
        "question_rows": questions,
        "segments": segments(text, gold["spans"], marked),
        "n_disagreements": sum(r["disagreement"] for r in spans)
        + sum(r["disagreement"] for r in questions),
    }


def marked_by(submitted: list[Submitted]) -> dict[SpanKey, set[int]]:
    """Each (start, end, label) to the ids of the annotations that marked it."""
    marked: dict[SpanKey, set[int]] = defaultdict(set)
    for annotation in submitted:
        for key in annotation.spans:
            marked[key].add(annotation.annotation_id)
    return marked


def span_rows(
    text: str,
    scheme: Scheme,
    submitted: list[Submitted],
    marked: dict[SpanKey, set[int]],
    gold_spans: list[dict],
) -> list[dict]:
    """One row per span anyone marked or the gold has, with who marked it."""
    in_gold = {(s["start"], s["end"], s["label"]) for s in gold_spans}
    keys = sorted(set(marked) | in_gold)
    labels_at = defaultdict(set)
    for start, end, label in keys:
        labels_at[(start, end)].add(label)
    labels = {label.key: label for label in scheme.span_labels}
    rows = []
    for start, end, label in keys:
        by = marked.get((start, end, label), set())
        partial = 0 < len(by) < len(submitted)
        conflict = len(labels_at[(start, end)]) > 1
        rows.append(
            {
                "start": start,
                "end": end,
                "label": label,
                "label_name": getattr(labels.get(label), "name", label),
                "color": getattr(labels.get(label), "color", NO_COLOR),
                "text": text[start:end],
                "cells": [a.annotation_id in by for a in submitted],
                "support": len(by),
                "in_gold": (start, end, label) in in_gold,
                "partial": partial,
                "conflict": conflict,
                "disagreement": partial or conflict or not by,
            }
        )
    return rows


def question_row(
    question: Question, submitted: list[Submitted], gold_value: Any
) -> dict:
    """One question: every annotator's answer, the distinct answers, the gold one."""
    answers = [a.labels.get(question.key) for a in submitted]
    given = [_display(v) for v in answers if v not in (None, [])]
    choices = {c.key: c.name for c in question.choices}
    distinct = list(dict.fromkeys(given))
    counts = Counter(given)
    return {
        "key": question.key,
        "name": question.name,
        "multiple": question.multiple,
        "required": question.required,
        "cells": [
            {"value": _display(v), "names": _names(v, choices), "raw": v}
            for v in answers
        ],
        "options": [{"value": value, "count": counts[value]} for value in distinct],
        "choices": question.choices,
        "gold": _display(gold_value),
        "gold_values": _values(gold_value),
        "gold_names": _names(gold_value, choices),
        "disagreement": len(distinct) > 1 or 0 < len(given) < len(answers),
    }


def _display(value: Any) -> str:
    if value in (None, []):
        return ""
    if isinstance(value, list):
        return ",".join(value)
    return str(value)


def _values(value: Any) -> list[str]:
    if value in (None, []):
        return []
    return list(value) if isinstance(value, list) else [value]


def _names(value: Any, choices: dict[str, str]) -> str:
    return ", ".join(choices.get(v, v) for v in _values(value))


def segments(text: str, gold_spans: list[dict], marked: dict) -> list[dict]:
    """The text cut at every span boundary: gold labels and annotator coverage per piece.

    Each piece carries its offsets (code points), so a selection in the page
    maps back to offsets whatever the piece's markup.
    """
    bounds = {0, len(text)}
    for span in gold_spans:
        bounds.update((span["start"], span["end"]))
    for start, end, _label in marked:
        bounds.update((start, end))
    points = sorted(b for b in bounds if 0 <= b <= len(text))
    pieces = []
    for start, end in pairwise(points):
        gold_labels = sorted(
            {s["label"] for s in gold_spans if s["start"] <= start and end <= s["end"]}
        )
        covered = any(s <= start and end <= e for (s, e, _l) in marked)
        pieces.append(
            {
                "text": text[start:end],
                "start": start,
                "end": end,
                "gold": gold_labels,
                "marked": covered and not gold_labels,
            }
        )
    return pieces
