"""A corpus of nasty texts for the round-trip tests with the peers' own readers.

Generated here, never read from disk: umlauts and ß, emoji (a ZWJ family, a flag),
a combining accent, CRLF, literal HTML and JSON-hostile quotes and backslashes,
U+2028/U+2029/U+0085 inside the text, tabs, NBSP and narrow NBSP, right-to-left
marks, leading and trailing whitespace, spans at the very start and end.

Every article knows which of its spans a token format must carry (``flat``: token
aligned, not overlapping) and which only the span-list formats keep (``nested``:
inside a longer flat span, so the longest-first pick drops them from ``doc.ents`` and
BIO tags). The helpers turn a reader's tokens and tags back into character spans.
"""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Sequence
from dataclasses import dataclass

from annotations.exporters import get_exporter
from annotations.exporters.rows import (
    ExportQuestion,
    ExportRow,
    ExportScheme,
    ExportSpan,
)

Span = tuple[int, int, str, str]  # start, end, label, text

SCHEME = ExportScheme(
    language="en",
    span_labels=("ORG", "MONEY", "PERCENT", "INSTRUMENT", "LOADED"),
    questions=(
        ExportQuestion("sentiment", ("negative", "neutral", "positive")),
        ExportQuestion("topic", ("zinsen", "übernahme", "ergebnis"), multiple=True),
    ),
)

Piece = str | tuple[str, str]

#: (language, pieces of text with span labels, nested spans as (label, substring)).
ARTICLES: tuple[tuple[str, tuple[Piece, ...], tuple[tuple[str, str], ...]], ...] = (
    (
        "de",
        (
            "Die ",
            ("Münchener Rück AG", "ORG"),
            " meldet ",
            ("12,5 %", "PERCENT"),
            " Plus – Grüße aus Köln, Straße 5.\r\n",
            ("Deutsche\u00a0Bank", "ORG"),
            " zahlt ",
            ("€95", "MONEY"),
            "\tje Aktie.\u2028Zeile zwei\u2029Absatz ",
            ("BASF\tSE", "ORG"),
            " steigt\u0085Ende",
        ),
        (("LOADED", "Rück"),),
    ),
    (
        "en",
        (
            ("Tesla", "ORG"),
            " 😀 rallies; ",
            ("👩\u200d👩\u200d👧 Family Fund", "ORG"),
            " buys ",
            ("🇩🇪 DAX", "INSTRUMENT"),
            " futures.\r\n\r\n",
            ("Cafe\u0301 Holdings", "ORG"),
            " fell ",
            ("3%", "PERCENT"),
            ".",
        ),
        (("LOADED", "Fund"),),
    ),
    (
        "en",
        (
            ("<i>Bayer</i>", "ORG"),
            ' said "buy" &amp; <b>hold</b> \\ C:\\temp\\new ',
            ("$245.10", "MONEY"),
            " <script>alert('x')</script> {\"json\": [1]}",
        ),
        (),
    ),
    (
        "de",
        (
            "  ",
            ("\u200fבנק לאומי\u200f", "ORG"),
            " kauft ",
            ("Allianz", "ORG"),
            "\u00a0 – \t Kurs\u202f+2\u00a0% ",
            ("Übernahme\u00adangebot", "LOADED"),
            "\u2029",
        ),
        (),
    ),
    (
        "en",
        (("SAP", "ORG"), " up\u2028\u2029\u0085\t", ("5 %", "PERCENT")),
        (("PERCENT", "5"),),
    ),
)

#: Answers per article: gold, then the two annotators.
ANSWERS = (
    ({"sentiment": "negative", "topic": ["übernahme", "zinsen"]},),
    ({"sentiment": "positive"},),
    ({"topic": ["ergebnis"]},),
    ({},),
    ({"sentiment": "neutral", "topic": ["zinsen"]},),
)
ANNOTATORS = (("anna", "submitted"), ("jörg", "draft"))


@dataclass(frozen=True)
class NastyRow:
    row: ExportRow
    flat: frozenset[Span]
    nested: frozenset[Span]

    @property
    def all_spans(self) -> frozenset[Span]:
        return self.flat | self.nested


def build(
    pieces: Sequence[Piece], nested: Sequence[tuple[str, str]]
) -> tuple[str, list[Span], list[Span]]:
    """The text and its flat and nested spans, offsets counted while joining."""
    text = ""
    flat: list[Span] = []
    for piece in pieces:
        if isinstance(piece, tuple):
            words, label = piece
            flat.append((len(text), len(text) + len(words), label, words))
            text += words
        else:
            text += piece
    inner: list[Span] = []
    for label, words in nested:
        start = text.index(words)
        assert text.count(words) == 1, words
        inner.append((start, start + len(words), label, words))
    return text, flat, inner


def _row(article_id: int, language: str, text: str, spans, labels, **extra):
    return ExportRow(
        article_id=article_id,
        external_id=f"nasty-{article_id}\u2028ü" if article_id % 2 else None,
        language=language,
        title=f'Titel "{article_id}" <b>ß</b>\u2029',
        text=text,
        spans=tuple(ExportSpan(*span) for span in spans),
        labels=labels,
        meta={"quelle": "générée 😀", "zeile": "a\u2028b"},
        guideline_version=1,
        **extra,
    )


def gold_rows() -> list[NastyRow]:
    """One gold row per article: every flat and nested span, the gold answers."""
    rows = []
    for number, (language, pieces, nested) in enumerate(ARTICLES, start=1):
        text, flat, inner = build(pieces, nested)
        labels = ANSWERS[number - 1][0]
        row = _row(number, language, text, flat + inner, labels)
        rows.append(NastyRow(row, frozenset(flat), frozenset(inner)))
    return rows


def annotation_rows() -> list[NastyRow]:
    """Two annotators per article: anna has every span, jörg the even flat ones."""
    rows = []
    for number, (language, pieces, nested) in enumerate(ARTICLES, start=1):
        text, flat, inner = build(pieces, nested)
        for name, status in ANNOTATORS:
            mine = flat if name == "anna" else flat[::2]
            extra = inner if name == "anna" else []
            labels = dict(ANSWERS[number - 1][0])
            if name != "anna":
                labels.pop("topic", None)
            row = _row(
                number,
                language,
                text,
                mine + extra,
                labels,
                annotator=name,
                status=status,
            )
            rows.append(NastyRow(row, frozenset(mine), frozenset(extra)))
    return rows


CORPORA = {"gold": gold_rows, "annotations": annotation_rows}


def export(fmt: str, nasty: Sequence[NastyRow], **options) -> bytes:
    """The whole export of ``nasty`` in format ``fmt`` (exporter ``options`` passed on)."""
    sink = io.BytesIO()
    rows = [item.row for item in nasty]
    get_exporter(fmt, **options).write(rows, sink, scheme=SCHEME)
    return sink.getvalue()


def load_hf_archive(data: bytes, folder):
    """An ``hf`` export loaded as its README says: its splits with its features
    (a ``datasets.DatasetDict``)."""
    import datasets

    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        tar.extractall(folder, filter="data")
    info = json.loads((folder / "dataset_info.json").read_text("utf-8"))
    files = {
        split: str(folder / f"{split}.jsonl")
        for split in ("train", "dev", "test")
        if (folder / f"{split}.jsonl").stat().st_size
    }
    return datasets.load_dataset(
        "json",
        data_files=files,
        features=datasets.Features.from_dict(info["features"]),
        cache_dir=str(folder / "cache"),
    )


# --- turning a reader's tokens back into character spans ---------------------------


def token_offsets(text: str, tokens: Sequence[str]) -> list[tuple[int, int]]:
    """Where each token sits in ``text``; only whitespace may lie between tokens."""
    offsets = []
    position = 0
    for token in tokens:
        start = text.find(token, position)
        assert start >= 0, (token, text[position:])
        gap = text[position:start]
        assert not gap or gap.isspace(), (token, gap)
        offsets.append((start, start + len(token)))
        position = start + len(token)
    assert not text[position:] or text[position:].isspace(), text[position:]
    return offsets


def spans_from_bio(
    text: str, tokens: Sequence[str], tags: Sequence[str]
) -> frozenset[Span]:
    """Character spans of IOB2 ``tags``; an ``I-`` must continue the same label."""
    offsets = token_offsets(text, tokens)
    spans: list[Span] = []
    current: list = []
    for (start, end), tag in zip(offsets, tags, strict=True):
        if tag.startswith("I-"):
            assert current, (tags, tag)
            assert current[2] == tag[2:], (tags, tag)
            current[1] = end
            continue
        if current:
            spans.append(tuple(current))
            current = []
        if tag.startswith("B-"):
            current = [start, end, tag[2:]]
        else:
            assert tag == "O", tag
    if current:
        spans.append(tuple(current))
    return frozenset((s, e, label, text[s:e]) for s, e, label in spans)


def spans_from_tokens(
    text: str, tokens: Sequence[str], entities: Sequence[tuple[int, int, str]]
) -> frozenset[Span]:
    """Character spans of token-index entities ``(first, end exclusive, label)``."""
    offsets = token_offsets(text, tokens)
    return frozenset(
        (
            offsets[first][0],
            offsets[end - 1][1],
            label,
            text[offsets[first][0] : offsets[end - 1][1]],
        )
        for first, end, label in entities
    )


def answers(row: ExportRow) -> dict[str, list[str]]:
    """The row's answers as lists of choices (what every reader is compared with)."""
    return {
        key: [value] if isinstance(value, str) else list(value)
        for key, value in row.labels.items()
    }
