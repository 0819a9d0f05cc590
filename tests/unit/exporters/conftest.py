"""Fixtures for the exporter tests: the shipped examples, golden files, generated rows.

Golden files live in ``annotations/exporters/examples/``. After a deliberate format change,
regenerate them with ``NEWSROOM_UPDATE_GOLDEN=1`` and review the diff.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from annotations.exporters.rows import (
    ExportRow,
    ExportScheme,
    ExportSpan,
    rows_from_dicts,
)

EXAMPLES = (
    Path(__file__).resolve().parents[3] / "annotations" / "exporters" / "examples"
)

COMPANIES = ("Siemens", "Deutsche Bank", "Allianz", "BASF", "Apple", "Tesla", "SAP")
VERBS = ("raises", "cuts", "keeps", "confirms")
MOVES = ("plunged", "rose", "slipped", "soared")
SENTIMENTS = ("very_negative", "negative", "neutral", "positive", "very_positive")


class Example:
    """One shipped example input: scheme, split seed and ratios, rows."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.scheme = ExportScheme.from_dict(data["scheme"])
        self.seed: str = data["seed"]
        self.ratios: tuple[float, float, float] = tuple(data["ratios"])  # type: ignore[assignment]
        self.rows = rows_from_dicts(data["rows"])
        self.raw = data

    @property
    def options(self) -> dict[str, Any]:
        return {"scheme": self.scheme, "seed": self.seed, "ratios": self.ratios}


@pytest.fixture
def gold_example() -> Example:
    return Example(json.loads((EXAMPLES / "gold_rows.json").read_text("utf-8")))


@pytest.fixture
def annotation_example() -> Example:
    return Example(json.loads((EXAMPLES / "annotation_rows.json").read_text("utf-8")))


@pytest.fixture
def golden() -> Callable[[str, bytes], None]:
    """``golden(name, actual)``: assert ``actual`` equals examples/<name> byte for byte."""

    def check(name: str, actual: bytes) -> None:
        path = EXAMPLES / name
        if os.environ.get("NEWSROOM_UPDATE_GOLDEN") == "1":
            path.write_bytes(actual)
        assert path.exists(), (
            f"missing golden file {path}; run with NEWSROOM_UPDATE_GOLDEN=1"
        )
        expected = path.read_bytes()
        assert actual.decode("utf-8") == expected.decode("utf-8"), (
            f"differs from {path}"
        )

    return check


def article_text(index: int) -> tuple[str, list[ExportSpan]]:
    """A small two-sentence financial article with ORG, MONEY and PERCENT spans."""
    company = COMPANIES[index % len(COMPANIES)]
    other = COMPANIES[(index + 3) % len(COMPANIES)]
    verb = VERBS[index % len(VERBS)]
    move = MOVES[index % len(MOVES)]
    parts: list[tuple[str, str | None]] = [
        (company, "ORG"),
        (f" {verb} its target to ", None),
        (f"{10 + index} euros", "MONEY"),
        (f". Shares {move} ", None),
        (f"{index % 9 + 1}%", "PERCENT"),
        (" after ", None),
        (other, "ORG"),
        (" reported results.", None),
    ]
    text = ""
    spans = []
    for piece, label in parts:
        if label:
            spans.append(ExportSpan(len(text), len(text) + len(piece), label, piece))
        text += piece
    return text, spans


@pytest.fixture
def make_articles() -> Callable[..., list[ExportRow]]:
    """``make_articles(n)``: n gold rows of generated articles (ids 1..n)."""

    def build(n: int, *, language: str = "en") -> list[ExportRow]:
        rows = []
        for index in range(n):
            text, spans = article_text(index)
            rows.append(
                ExportRow(
                    article_id=index + 1,
                    external_id=f"gen-{index + 1}",
                    language=language,
                    title=f"Article {index + 1}",
                    text=text,
                    spans=tuple(spans),
                    labels={
                        "sentiment": SENTIMENTS[index % len(SENTIMENTS)],
                        "bias": "biased" if index % 3 == 0 else "non_biased",
                    },
                    meta={"source": "generated"},
                    guideline_version=1,
                )
            )
        return rows

    return build


@pytest.fixture
def stream_rows() -> Callable[..., Iterator[ExportRow]]:
    """``stream_rows(n, spans_per_row)``: a lazy generator of n rows (for memory tests)."""

    def generate(n: int, spans_per_row: int = 10) -> Iterator[ExportRow]:
        words = [f"word{k}" for k in range(spans_per_row)]
        base = " ".join(words)
        starts = []
        position = 0
        for word in words:
            starts.append(position)
            position += len(word) + 1
        for index in range(n):
            text = f"{base} tail {index}"
            yield ExportRow(
                article_id=index + 1,
                external_id=None,
                language="en",
                title="t",
                text=text,
                spans=tuple(
                    ExportSpan(start, start + len(word), "ORG", word)
                    for start, word in zip(starts, words, strict=True)
                ),
                labels={"sentiment": "neutral"},
                meta={},
                guideline_version=1,
            )

    return generate
