"""The exporter protocol, the format registry and the checks every exporter shares.

An exporter turns an iterable of ``ExportRow`` into bytes. Plain-text formats
(``jsonl``, ``conll``, ``labelstudio``) are *streaming*: ``iter_bytes`` yields chunks
while it reads rows, so memory stays flat however many rows come in. Archive formats
(``spacy``, ``hf``) write a ``.tar.gz`` to a binary file object with ``write``;
``iter_export`` gives every format the same chunked interface (archives go through a
spooled temporary file first).

Everything is byte-deterministic: fixed key order, sorted spans, no timestamps.
"""

from __future__ import annotations

import importlib
import json
import operator
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any, Final

from .rows import ExportRow, ExportScheme, ExportSpan
from .splits import (
    DEFAULT_RATIOS,
    DEFAULT_SEED,
    SPLITS,
    Split,
    assign_split,
    validate_ratios,
)

Ratios = tuple[float, float, float]

#: Format name -> "module:Class" inside this package. Resolved lazily so that importing
#: the registry does not import spaCy (selectors import ``base`` at Django start-up).
REGISTRY: Final[dict[str, str]] = {
    "jsonl": "jsonl:JsonlExporter",
    "spacy": "spacy_docbin:SpacyDocBinExporter",
    "conll": "conll:ConllExporter",
    "hf": "hf:HuggingFaceExporter",
    "labelstudio": "labelstudio:LabelStudioExporter",
    "doccano": "doccano:DoccanoExporter",
}

CHUNK_SIZE: Final = 64 * 1024


@dataclass(frozen=True)
class ExportOptions:
    """What an exporter reads besides the rows: the scheme and the split settings.

    Bad ``ratios`` raise ``ValueError`` when the options are made, so a streamed
    export fails before its first chunk.
    """

    scheme: ExportScheme
    seed: str = DEFAULT_SEED
    ratios: Ratios = DEFAULT_RATIOS

    def __post_init__(self) -> None:
        object.__setattr__(self, "ratios", validate_ratios(self.ratios))

    def split_of(self, row: ExportRow) -> Split:
        return resolve_split(row, seed=self.seed, ratios=self.ratios)

    def split_manifest(self) -> dict[str, Any]:
        """How the splits were drawn, for an archive's manifest."""
        return {"seed": self.seed, "ratios": list(self.ratios)}


class Exporter:
    """What every format provides: ``write`` the whole export to a binary file.

    Formats implement ``write_to`` (archives) or ``pieces`` (see ``StreamingExporter``);
    callers use ``write`` and, for streaming formats, ``iter_bytes``.
    """

    name: str
    extension: str  # with the dot: ".jsonl", ".tar.gz"
    media_type: str
    streaming = False  # True: ``iter_bytes`` exists and reads rows lazily

    def write(
        self,
        rows: Iterable[ExportRow],
        fh: IO[bytes],
        *,
        scheme: ExportScheme,
        seed: str = DEFAULT_SEED,
        ratios: Ratios = DEFAULT_RATIOS,
    ) -> None:
        """Write the whole export to the binary file object ``fh`` (no seek needed)."""
        self.write_to(rows, fh, ExportOptions(scheme, seed, ratios))

    def write_to(
        self, rows: Iterable[ExportRow], fh: IO[bytes], options: ExportOptions
    ) -> None:
        raise NotImplementedError


class StreamingExporter(Exporter):
    """Base for plain-text formats: subclasses yield text pieces from ``pieces``."""

    streaming = True

    def iter_bytes(
        self,
        rows: Iterable[ExportRow],
        *,
        scheme: ExportScheme,
        seed: str = DEFAULT_SEED,
        ratios: Ratios = DEFAULT_RATIOS,
    ) -> Iterator[bytes]:
        """Chunks of about ``CHUNK_SIZE`` bytes, read lazily; bad ``ratios`` raise here."""
        return batched(self.pieces(rows, ExportOptions(scheme, seed, ratios)))

    def pieces(
        self, rows: Iterable[ExportRow], options: ExportOptions
    ) -> Iterator[str]:
        """The export as text, read lazily from ``rows``."""
        raise NotImplementedError

    def write_to(
        self, rows: Iterable[ExportRow], fh: IO[bytes], options: ExportOptions
    ) -> None:
        for chunk in batched(self.pieces(rows, options)):
            fh.write(chunk)


def known_formats() -> list[str]:
    return sorted(REGISTRY)


def get_exporter(fmt: str, **options: Any) -> Exporter:
    """Return a new exporter for ``fmt``; ``options`` go to its constructor.

    Raises ``ValueError`` naming the known formats when ``fmt`` is not one of them.
    """
    try:
        target = REGISTRY[fmt]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown export format {fmt!r}; "
            f"known formats: {', '.join(known_formats())}"
        ) from None
    module_name, class_name = target.split(":")
    module = importlib.import_module(f".{module_name}", __package__)
    exporter: Exporter = getattr(module, class_name)(**options)
    return exporter


def iter_export(
    exporter: Exporter,
    rows: Iterable[ExportRow],
    *,
    scheme: ExportScheme,
    seed: str = DEFAULT_SEED,
    ratios: Ratios = DEFAULT_RATIOS,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[bytes]:
    """Chunks of any format, for a streamed HTTP response or a release file.

    Streaming formats are passed through; archives are written to a spooled temporary
    file (memory up to 8 MiB, disk beyond) and then read back in chunks.
    """
    options = ExportOptions(scheme, seed, ratios)
    if isinstance(exporter, StreamingExporter):
        yield from batched(exporter.pieces(rows, options))
        return
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as buffer:
        exporter.write_to(rows, buffer, options)
        buffer.seek(0)
        while chunk := buffer.read(chunk_size):
            yield chunk


# --- shared checks and helpers ---


def describe_row(row: ExportRow) -> str:
    """How error messages name an article (and the annotation, if any)."""
    name = f"article {row.article_id}"
    if row.external_id:
        name += f" (external_id {row.external_id!r})"
    if row.annotator is not None:
        name += f", annotator {row.annotator!r}"
    return name


def check_row(row: ExportRow) -> None:
    """Raise ``ValueError`` naming the article unless every span fits the text.

    Each span needs integer offsets with ``0 <= start < end <= len(text)`` and
    ``text[start:end] == span.text`` (code points). Nothing is written for a bad row.
    """
    text = row.text
    if not isinstance(text, str):
        raise ValueError(f"{describe_row(row)}: text must be a str")
    for index, span in enumerate(row.spans):
        start, end = span.start, span.end
        if type(start) is not int or type(end) is not int:  # bool is refused too
            raise ValueError(
                f"{describe_row(row)}: span {index} ({span.label}) has non-integer "
                f"offsets {start!r}:{end!r}"
            )
        if not 0 <= start < end <= len(text):
            raise ValueError(
                f"{describe_row(row)}: span {index} ({span.label}) offsets "
                f"{start}:{end} are empty or outside the text "
                f"(length {len(text)} code points)"
            )
        if text[start:end] != span.text:
            raise ValueError(
                f"{describe_row(row)}: span {index} ({span.label}) at {start}:{end} "
                f"says {span.text!r} but the text there is {text[start:end]!r} "
                "(offsets must be code points into the stored text)"
            )


_SPAN_ORDER: Final = operator.attrgetter("start", "end", "label", "text")
_ENCODER: Final = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), allow_nan=False
)


def sorted_spans(row: ExportRow) -> list[ExportSpan]:
    """Spans in output order: start, end, label, text."""
    return sorted(row.spans, key=_SPAN_ORDER)


def resolve_split(row: ExportRow, *, seed: str, ratios: Ratios) -> Split:
    """The row's split if the selector set one, else ``assign_split`` on the article."""
    if row.split:
        if row.split not in SPLITS:
            raise ValueError(
                f"{describe_row(row)}: split must be one of {', '.join(SPLITS)}, "
                f"got {row.split!r}"
            )
        return row.split  # type: ignore[return-value]
    return assign_split(str(row.article_id), seed=seed, ratios=ratios)


def canonical(value: Any) -> Any:
    """``value`` with every dict's keys sorted (recursively), for stable JSON."""
    if isinstance(value, dict):
        return {key: canonical(value[key]) for key in sorted(value)}
    if isinstance(value, list | tuple):
        return [canonical(item) for item in value]
    return value


def answered(row: ExportRow, scheme: ExportScheme) -> list[tuple[str, list[str]]]:
    """``(question, choices)`` of the answered questions, in scheme order.

    Questions the scheme does not know come after, sorted; a single answer becomes a
    one-item list; ``None`` and empty lists count as unanswered.
    """
    order = {question.key: index for index, question in enumerate(scheme.questions)}
    result = []
    for key in sorted(row.labels, key=lambda k: (order.get(k, len(order)), k)):
        value = row.labels[key]
        choices = [] if value is None else [value] if isinstance(value, str) else value
        if choices:
            result.append((key, list(choices)))
    return result


def provenance(row: ExportRow) -> dict[str, Any]:
    """Who made a row: the annotator and status, or the pipeline of a prediction."""
    extra: dict[str, Any] = {}
    if row.annotator is not None:
        extra["annotator"] = row.annotator
        extra["status"] = row.status
    if row.prediction is not None:
        extra["pipeline"] = row.prediction.pipeline
        extra["pipeline_version"] = row.prediction.version
        extra["label_scores"] = row.prediction.label_scores
        extra["evidence"] = row.prediction.evidence
    return extra


def dumps(value: Any, row: ExportRow) -> str:
    """Compact JSON; NaN, Infinity or unserialisable values raise naming the article."""
    try:
        return _ENCODER.encode(value)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{describe_row(row)}: cannot write as JSON: {error}"
        ) from error


def check_labels(row: ExportRow, scheme: ExportScheme) -> dict[str, list[str]]:
    """Document labels as choice lists in scheme order, checked against the scheme.

    For formats that encode labels through the scheme (``spacy`` cats, ``hf``
    columns): an unknown question, an unknown choice, a list for a single-choice
    question or several choices for it raise ``ValueError`` naming the article.
    Unanswered questions are left out.
    """
    result: dict[str, list[str]] = {}
    for key in row.labels:
        if scheme.question(key) is None:
            raise ValueError(
                f"{describe_row(row)}: label question {key!r} is not in the scheme "
                f"(questions: {', '.join(q.key for q in scheme.questions) or 'none'})"
            )
    for question in scheme.questions:
        if question.key not in row.labels:
            continue
        value = row.labels[question.key]
        if value is None:
            continue
        if isinstance(value, str):
            chosen = [value]
        elif isinstance(value, list | tuple) and question.multiple:
            chosen = list(value)
        else:
            raise ValueError(
                f"{describe_row(row)}: label {question.key!r} must be "
                f"{'a list of choice keys' if question.multiple else 'one choice key'}"
                f", got {value!r}"
            )
        for choice in chosen:
            if choice not in question.choices:
                raise ValueError(
                    f"{describe_row(row)}: {choice!r} is not a choice of "
                    f"{question.key!r} (choices: {', '.join(question.choices)})"
                )
        result[question.key] = chosen
    return result


def batched(pieces: Iterable[str], size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """Encode text pieces as UTF-8, yielded joined in chunks of about ``size`` bytes."""
    buffer: list[bytes] = []
    length = 0
    for piece in pieces:
        data = piece.encode()
        buffer.append(data)
        length += len(data)
        if length >= size:
            yield b"".join(buffer)
            buffer.clear()
            length = 0
    if buffer:
        yield b"".join(buffer)
