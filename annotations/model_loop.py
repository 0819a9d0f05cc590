"""The model loop's rules on plain data: compare two pipelines, decide a switch, rank by confidence.

A leaf: imports no models, services or selectors, so the worker (which computes a
comparison), the pages (which draw it) and the queue (which orders by confidence)
share the same arithmetic. Span scores come from ``annotations.nlp.evaluation``
(exact match: same start, end and label).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from annotations.nlp.evaluation import Span, choice_scores, micro, span_scores

SIDES = ("current", "trained")


def active_pipeline_name(pipeline: str, language: str) -> str:
    """The pipeline pre-annotation uses: the project's, else the language's built-in."""
    return pipeline or f"fin-{language}"


@dataclass(frozen=True)
class HeldOutDoc:
    """One held-out gold article: its spans and single-choice answers."""

    spans: tuple[Span, ...]
    answers: Mapping[str, str]


@dataclass(frozen=True)
class SideOutput:
    """What one pipeline said about the held-out articles (aligned with them)."""

    pipeline: str
    version: str
    spans: Sequence[Iterable[Span]] = ()
    answers: Sequence[Mapping[str, str]] = ()
    error: str = ""


def compare(
    docs: Sequence[HeldOutDoc],
    sides: Mapping[str, SideOutput],
    *,
    labels: Sequence[str],
    questions: Sequence[str],
) -> dict[str, Any]:
    """Per label P/R/F1, micro totals and per question accuracy/macro-F1 of each side.

    A side with an ``error`` gets no figures (its ``error`` says why). ``delta_f1``
    is the trained side's micro F1 minus the current side's (None when either is
    undefined).
    """
    gold = [doc.spans for doc in docs]
    result: dict[str, Any] = {
        "n_articles": len(docs),
        "labels": list(labels),
        "pipelines": {},
        "spans": {label: {} for label in labels},
        "micro": {},
        "questions": {question: {} for question in questions},
    }
    for side, output in sides.items():
        result["pipelines"][side] = {
            "pipeline": output.pipeline,
            "version": output.version,
            "error": output.error,
        }
        if output.error:
            continue
        scores = span_scores(gold, list(output.spans), labels=labels)
        for label in labels:
            result["spans"][label][side] = scores[label].to_dict()
        result["micro"][side] = micro(scores).to_dict()
        for question in questions:
            pairs = [
                (doc.answers[question], answers.get(question, ""))
                for doc, answers in zip(docs, output.answers, strict=True)
                if question in doc.answers
            ]
            figures = choice_scores([g for g, _ in pairs], [p for _, p in pairs])
            result["questions"][question][side] = {
                "n": figures.n,
                "accuracy": figures.accuracy,
                "macro_f1": figures.macro_f1,
            }
    result["delta_f1"] = f1_delta(result)
    return result


def f1_delta(comparison: Mapping[str, Any]) -> float | None:
    """Trained micro F1 minus current micro F1, or None when one is missing."""
    figures = comparison.get("micro") or {}
    trained = (figures.get("trained") or {}).get("f1")
    current = (figures.get("current") or {}).get("f1")
    if trained is None or current is None:
        return None
    return trained - current


def beats(comparison: Mapping[str, Any] | None, margin: float) -> tuple[bool, str]:
    """Whether the trained side's micro F1 beats the current one's by ``margin``,
    with the reason in words (for the record of an automatic switch)."""
    if not comparison:
        return False, "no comparison on held-out gold"
    if not comparison.get("n_articles"):
        return False, "no held-out gold articles"
    delta = f1_delta(comparison)
    if delta is None:
        return False, "micro F1 undefined for one of the pipelines"
    if delta >= margin:
        return True, f"micro F1 higher by {delta:.3f} (margin {margin:.3f})"
    return False, f"micro F1 difference {delta:.3f} is below the margin {margin:.3f}"


def chart_rows(comparison: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per label (then "all"): each side's F1 as a bar width in per cent of the track."""
    rows = []
    named = [(label, comparison.get("spans", {}).get(label, {})) for label in
             comparison.get("labels", [])]  # fmt: skip
    for name, figures in [*named, ("all", comparison.get("micro", {}))]:
        bars = []
        for side in SIDES:
            f1 = (figures.get(side) or {}).get("f1")
            bars.append(
                {
                    "side": side,
                    "f1": f1,
                    "width": round(100 * f1, 1) if f1 is not None else 0.0,
                }
            )
        rows.append({"label": name, "bars": bars})
    return rows
