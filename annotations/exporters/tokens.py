"""Tokenisation and span alignment shared by the token-based formats (spacy, conll, hf).

Alignment policy (counted in the archives' manifests): whitespace at a span's edges is
ignored first; a span of whitespace only is "dropped". A span whose (trimmed) offsets
fall on token boundaries keeps exactly those tokens: "exact", or "trimmed" if edge
whitespace was removed. Otherwise ``Doc.char_span(start, end, alignment_mode=mode)``
is used; with the default mode ``"expand"`` the span grows to the smallest run of
whole tokens that covers it ("expanded"; "contracted" with ``"contract"``; ``"strict"``
drops it). Spans that still cannot be aligned are "dropped", with their article ids
listed. The exported ``spans`` lists of the JSON formats always keep the original
offsets.

Pick rule for non-overlapping spans (``doc.ents``, BIO tags): longest first, measured
in code points of the annotated span; ties go to the earlier start, then the label in
alphabetical order. A span is taken when none of its tokens is already taken. The rule
is greedy, so it keeps the longest mention of a nested pair (a LOADED phrase
containing an ORG keeps LOADED).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

from .rows import ExportRow, ExportSpan

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

AlignmentMode = Literal["expand", "contract", "strict"]
ALIGNMENT_MODES: Final[tuple[str, ...]] = ("expand", "contract", "strict")
#: What the manifest calls a span moved by each mode.
ADJUSTED_NAME: Final[dict[str, str]] = {
    "expand": "expanded",
    "contract": "contracted",
    "strict": "adjusted",
}


@functools.lru_cache(maxsize=8)
def blank_pipeline(language: str) -> Language:
    """``spacy.blank(language)``, cached per process; only its tokenizer is used."""
    import spacy

    return spacy.blank(language)


@functools.lru_cache(maxsize=8)
def _sentencizer() -> Any:
    from spacy.pipeline import Sentencizer

    return Sentencizer()


def sentencize(doc: Doc) -> Doc:
    """Rule-based sentence boundaries (spaCy's ``sentencizer``) on a tokenised doc."""
    return _sentencizer()(doc)


@dataclass(frozen=True, slots=True)
class AlignedSpan:
    span: ExportSpan
    start_token: int
    end_token: int  # exclusive
    exact: bool


@dataclass
class AlignmentReport:
    """Counts for the manifest: how many spans needed alignment and how."""

    mode: str
    total: int = 0
    exact: int = 0
    trimmed: int = 0
    adjusted: int = 0
    dropped: int = 0
    dropped_article_ids: set[int] = field(default_factory=set)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "total": self.total,
            "exact": self.exact,
            "trimmed": self.trimmed,
            ADJUSTED_NAME[self.mode]: self.adjusted,
            "dropped": self.dropped,
            "dropped_article_ids": sorted(self.dropped_article_ids),
        }


def check_alignment_mode(mode: str) -> str:
    if mode not in ALIGNMENT_MODES:
        raise ValueError(
            f"alignment_mode must be one of {', '.join(ALIGNMENT_MODES)}, got {mode!r}"
        )
    return mode


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``start:end`` without leading and trailing whitespace (may become empty)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def align_spans(
    doc: Doc,
    spans: Iterable[ExportSpan],
    *,
    mode: str,
    row: ExportRow,
    report: AlignmentReport,
) -> list[AlignedSpan]:
    """Token ranges for ``spans`` (in the given order); unalignable ones are dropped."""
    aligned: list[AlignedSpan] = []
    text = doc.text
    for span in spans:
        report.total += 1
        start, end = _trimmed(text, span.start, span.end)
        token_span = None
        exact = False
        if start < end:
            token_span = doc.char_span(start, end, alignment_mode="strict")
            exact = token_span is not None
            if token_span is None and mode != "strict":
                token_span = doc.char_span(start, end, alignment_mode=mode)
        if token_span is None or len(token_span) == 0:
            report.dropped += 1
            report.dropped_article_ids.add(row.article_id)
            continue
        if not exact:
            report.adjusted += 1
        elif (start, end) != (span.start, span.end):
            report.trimmed += 1
        else:
            report.exact += 1
        aligned.append(AlignedSpan(span, token_span.start, token_span.end, exact))
    return aligned


def pick_non_overlapping(aligned: Sequence[AlignedSpan]) -> list[AlignedSpan]:
    """Non-overlapping subset by the pick rule above, returned in token order."""
    ranked = sorted(
        aligned,
        key=lambda item: (
            -(item.span.end - item.span.start),
            item.span.start,
            item.span.label,
            item.span.end,
        ),
    )
    taken: set[int] = set()
    picked: list[AlignedSpan] = []
    for item in ranked:
        positions = range(item.start_token, item.end_token)
        if any(position in taken for position in positions):
            continue
        taken.update(positions)
        picked.append(item)
    picked.sort(key=lambda item: (item.start_token, item.end_token))
    return picked


def bio_tags(doc: Doc, picked: Sequence[AlignedSpan]) -> list[str]:
    """``B-``/``I-``/``O`` per token of ``doc``.

    Whitespace tokens are tagged ``O`` (the text formats leave them out), and a span
    restarts with ``B-`` at its first non-whitespace token and at each sentence start,
    so the tags stay valid IOB2 after whitespace tokens are removed or sentences
    split.
    """
    tags = ["O"] * len(doc)
    sentence_starts = (
        {sentence.start for sentence in doc.sents}
        if doc.has_annotation("SENT_START")
        else set()
    )
    for item in picked:
        begin = True
        for position in range(item.start_token, item.end_token):
            if doc[position].is_space:
                continue
            if position in sentence_starts:
                begin = True
            tags[position] = ("B-" if begin else "I-") + item.span.label
            begin = False
    return tags
