"""From ``ProjectWork`` to the rating tuples the ``agreement`` functions take.

Annotators are named by the internal key ``"@<user id>"`` inside computed
figures, so a cached report can be shown with names to reviewers and with
pseudonyms to everyone else (``selectors.agreement.annotator_labels``).

Token alpha per span label uses a simple regex tokeniser (``\\w+`` or one
non-space character), language-independent and deterministic; on projects
with more than ``TOKEN_ALPHA_SAMPLE`` pairable articles it is computed on a
sample of that size seeded with the project id (an estimate).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from annotations.agreement_report.types import ProjectWork
from annotations.choices import AnnotationStatus
from annotations.scheme import Question

TOKEN = re.compile(r"\w+|\S")
TOKEN_ALPHA_SAMPLE = 2000

#: ``(article_id, "@annotator", [(start, end, label), ...])`` of one submitted annotation.
SpanRow = tuple[int, str, list[tuple[int, int, str]]]


def annotator_key(user_id: int) -> str:
    """The internal key of an annotator inside computed figures."""
    return f"@{user_id}"


def question_ratings(
    annotations: Iterable[dict], question: Question
) -> list[tuple[int, str, object]]:
    """``(article_id, "@annotator", answer)`` of submitted annotations for one question.

    Multi-choice answers become tuples; a list answer to a single-choice
    question (left over from an older scheme) is skipped.
    """
    rows = []
    for annotation in annotations:
        if annotation["status"] != AnnotationStatus.SUBMITTED:
            continue
        value = annotation["labels"].get(question.key)
        if value is None or value == []:
            continue
        if question.multiple and not isinstance(value, list):
            value = [value]
        if not question.multiple and isinstance(value, list):
            continue
        rows.append(
            (
                annotation["article_id"],
                annotator_key(annotation["annotator_id"]),
                tuple(value) if isinstance(value, list) else value,
            )
        )
    return rows


def gold_value(value: Any, question: Question) -> Any:
    """A gold answer in the shape of ``question_ratings`` values; None when unanswered."""
    if value is None or value == []:
        return None
    if question.multiple:
        return tuple(value) if isinstance(value, list) else (value,)
    return None if isinstance(value, list) else value


def pairable(ratings: list[tuple]) -> list[tuple]:
    """The rows of items rated by two or more annotators."""
    counts = Counter(row[0] for row in ratings)
    return [row for row in ratings if counts[row[0]] >= 2]


@dataclass
class ReportInputs:
    """``ProjectWork`` plus what every section reads from it."""

    work: ProjectWork
    submitted: list[dict]
    order: list[str]
    span_rows: list[SpanRow]


def report_inputs(work: ProjectWork) -> ReportInputs:
    """Submitted annotations, annotator keys in order, and span rows."""
    submitted = [
        a for a in work.annotations if a["status"] == AnnotationStatus.SUBMITTED
    ]
    return ReportInputs(
        work=work,
        submitted=submitted,
        order=sorted({annotator_key(a["annotator_id"]) for a in work.annotations}),
        span_rows=[
            (
                annotation["article_id"],
                annotator_key(annotation["annotator_id"]),
                [span[:3] for span in work.spans.get(annotation["pk"], [])],
            )
            for annotation in submitted
        ],
    )


def token_alpha_sample(span_rows: list[SpanRow], *, seed: int) -> list[int]:
    """The pairable articles token alpha is computed on, sorted.

    All of them up to ``TOKEN_ALPHA_SAMPLE``; beyond that a sample of that
    size seeded with ``seed`` (the project id).
    """
    counts = Counter(row[0] for row in span_rows)
    items = sorted(item for item, n in counts.items() if n >= 2)
    if len(items) > TOKEN_ALPHA_SAMPLE:
        items = sorted(random.Random(seed).sample(items, TOKEN_ALPHA_SAMPLE))  # noqa: S311
    return items


def tokens(text: str) -> list[tuple[int, int]]:
    """Character offsets of the tokens of ``text`` (see the module docstring)."""
    return [m.span() for m in TOKEN.finditer(text)]
