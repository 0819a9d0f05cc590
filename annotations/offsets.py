"""Span offsets: validation against the article text and UTF-16 conversion.

The contract: offsets are Python ``str`` indices (Unicode code points) into the
stored text, end exclusive, and ``text[start:end] == span["text"]``. Browsers
count UTF-16 code units; ``utf16_to_codepoint`` converts their offsets. Pure
functions, no models: services and serializers both call them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any


@dataclass(frozen=True, order=True)
class SpanData:
    start: int
    end: int
    label: str
    text: str


class SpanError(ValueError):
    """Spans that do not fit the text or the scheme; ``errors`` lists one message per problem."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(" ".join(errors))


def parse_spans(
    raw_spans: Any,
    *,
    text: str,
    label_keys: Iterable[str],
    allow_overlap: bool,
) -> list[SpanData]:
    """Validate spans given as dicts and return them sorted; raise SpanError with every problem.

    Checks: integer offsets inside the text, start < end, the stored ``text``
    equal to ``text[start:end]``, labels from the scheme, no duplicates, and no
    overlaps unless the project allows them.
    """
    if not isinstance(raw_spans, list):
        raise SpanError(["Spans must be a list."])
    labels = set(label_keys)
    errors: list[str] = []
    spans: list[SpanData] = []
    for index, raw in enumerate(raw_spans):
        where = f"Span {index}"
        if not isinstance(raw, dict):
            errors.append(
                f"{where}: must be an object with start, end, label and text."
            )
            continue
        start, end, label = raw.get("start"), raw.get("end"), raw.get("label")
        if not _is_int(start) or not _is_int(end):
            errors.append(f"{where}: start and end must be integers.")
            continue
        if not 0 <= start < end <= len(text):
            errors.append(
                f"{where}: offsets {start}-{end} are outside the text "
                f"(0-{len(text)}) or empty."
            )
            continue
        if not isinstance(label, str):
            errors.append(f"{where}: label must be a string (a label key).")
            continue
        if label not in labels:
            errors.append(f"{where}: unknown label {label!r}.")
            continue
        actual = text[start:end]
        given = raw.get("text", actual)
        if not isinstance(given, str):
            errors.append(f"{where}: text must be a string.")
            continue
        if given != actual:
            errors.append(
                f"{where}: text {given!r} does not match the article at "
                f"{start}-{end} ({actual!r}); offsets are code points."
            )
            continue
        spans.append(SpanData(start=start, end=end, label=label, text=actual))
    spans.sort()
    for previous, current in pairwise(spans):
        if (previous.start, previous.end, previous.label) == (
            current.start,
            current.end,
            current.label,
        ):
            errors.append(
                f"Duplicate span {current.label} at {current.start}-{current.end}."
            )
    if not allow_overlap:
        errors.extend(overlap_errors(spans))
    if errors:
        raise SpanError(errors)
    return spans


def overlap_errors(spans: Sequence[SpanData]) -> list[str]:
    """Messages for every pair of overlapping spans in a start-sorted list."""
    errors = []
    furthest: SpanData | None = None
    for span in spans:
        if furthest is not None and span.start < furthest.end:
            errors.append(
                f"Span {span.label} at {span.start}-{span.end} overlaps "
                f"{furthest.label} at {furthest.start}-{furthest.end}; "
                "this project does not allow overlapping spans."
            )
        if furthest is None or span.end > furthest.end:
            furthest = span
    return errors


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def utf16_to_codepoint(text: str, utf16_offset: int) -> int:
    """Convert a UTF-16 code-unit offset (what browsers count) into a code-point index.

    Raises ValueError for offsets outside the text or inside a surrogate pair.
    """
    if utf16_offset < 0:
        raise ValueError(f"Offset {utf16_offset} is negative.")
    units = 0
    for index, char in enumerate(text):
        if units == utf16_offset:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
        if units > utf16_offset:
            raise ValueError(f"Offset {utf16_offset} falls inside a surrogate pair.")
    if units == utf16_offset:
        return len(text)
    raise ValueError(f"Offset {utf16_offset} is past the end of the text.")


def codepoint_to_utf16(text: str, index: int) -> int:
    """Convert a code-point index into the UTF-16 offset a browser would use."""
    if not 0 <= index <= len(text):
        raise ValueError(f"Index {index} is outside the text.")
    return index + sum(1 for char in text[:index] if ord(char) > 0xFFFF)
