"""``conll``: CoNLL-2003 style ``token<TAB>BIO-tag`` text.

Per row (article or annotation)::

    -DOCSTART-
    <blank line>
    # id: 17
    # external_id: reuters-0042          (only when set)
    # annotator: anna                    (annotation rows only)
    # status: submitted                  (annotation rows only)
    # split: train
    # labels: bias=biased sentiment=negative
    Siemens<TAB>B-ORG
    ...
    <blank line after every sentence>

- Tokens come from the tokenizer of ``spacy.blank(scheme.language)`` (or the ``nlp``
  passed in), sentences from spaCy's rule-based ``sentencizer``; whitespace-only
  tokens (spaces, ``\\r\\n``) are left out, and so are sentences left empty by that.
- Tags are IOB2 over the non-overlapping spans (longest first, as ``doc.ents`` in the
  spacy format); spans are aligned to tokens with ``alignment_mode="expand"``.
  Overlapping spans that lose the pick, and spans that cannot be aligned, are not in
  the tags: the ``jsonl`` format keeps them all.
- ``# labels:`` keeps the document labels: ``question=choice`` pairs sorted by
  question, separated by one space; several choices of a multiple-choice question are
  joined with ``|``; unanswered questions are left out (the line is ``# labels:`` when
  none is answered). Choice keys containing whitespace, ``=`` or ``|`` are refused
  (ValueError), so the line always parses back.
- Readers that do not know comment lines should drop lines starting with ``# `` (hash,
  space): a token line never does, since tokens hold no whitespace.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from .base import (
    Ratios,
    TextExporter,
    batched,
    check_row,
    describe_row,
    resolve_split,
    sorted_spans,
)
from .rows import ExportRow, ExportScheme
from .splits import DEFAULT_RATIOS, DEFAULT_SEED, validate_ratios
from .tokens import (
    AlignmentReport,
    align_spans,
    bio_tags,
    blank_pipeline,
    pick_non_overlapping,
    sentencize,
)

if TYPE_CHECKING:
    from spacy.language import Language

DOCSTART = "-DOCSTART-"
_FORBIDDEN_IN_LABELS = ("=", "|")


def labels_comment(row: ExportRow) -> str:
    """``bias=biased sentiment=negative`` (sorted by question; ``|`` joins multiple)."""
    parts = []
    for key in sorted(row.labels):
        value = row.labels[key]
        if value is None:
            continue
        choices = [value] if isinstance(value, str) else list(value)
        if not choices:
            continue
        for item in (key, *choices):
            if (
                not isinstance(item, str)
                or not item
                or any(ch.isspace() for ch in item)
                or any(mark in item for mark in _FORBIDDEN_IN_LABELS)
            ):
                raise ValueError(
                    f"{describe_row(row)}: label {key!r}={value!r} cannot be written "
                    "on the '# labels:' line (keys and choices must be non-empty "
                    "strings without whitespace, '=' or '|')"
                )
        parts.append(f"{key}={'|'.join(choices)}")
    return " ".join(parts)


def _single_line(row: ExportRow, name: str, value: object) -> str:
    text = str(value)
    if any(ch in text for ch in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
        raise ValueError(f"{describe_row(row)}: {name} {text!r} contains a line break")
    return text


class ConllExporter(TextExporter):
    name = "conll"
    extension = ".conll"
    media_type = "text/plain; charset=utf-8"

    def __init__(self, *, nlp: Language | None = None) -> None:
        self.nlp = nlp

    def iter_bytes(
        self,
        rows: Iterable[ExportRow],
        *,
        scheme: ExportScheme,
        seed: str = DEFAULT_SEED,
        ratios: Ratios = DEFAULT_RATIOS,
    ) -> Iterator[bytes]:
        validate_ratios(ratios)
        return batched(self._pieces(rows, scheme=scheme, seed=seed, ratios=ratios))

    def _pieces(
        self,
        rows: Iterable[ExportRow],
        *,
        scheme: ExportScheme,
        seed: str,
        ratios: Ratios,
    ) -> Iterator[str]:
        report = AlignmentReport(mode="expand")
        for row in rows:
            check_row(row)
            yield self.article(
                row,
                scheme=scheme,
                split=resolve_split(row, seed=seed, ratios=ratios),
                report=report,
            )

    def article(
        self,
        row: ExportRow,
        *,
        scheme: ExportScheme,
        split: str,
        report: AlignmentReport,
    ) -> str:
        nlp = self.nlp or blank_pipeline(scheme.language)
        doc = sentencize(nlp.make_doc(row.text))
        aligned = align_spans(
            doc, sorted_spans(row), mode="expand", row=row, report=report
        )
        tags = bio_tags(doc, pick_non_overlapping(aligned))
        lines = [DOCSTART, "", f"# id: {row.article_id}"]
        if row.external_id is not None:
            lines.append(
                f"# external_id: {_single_line(row, 'external_id', row.external_id)}"
            )
        if row.annotator is not None:
            lines.append(
                f"# annotator: {_single_line(row, 'annotator', row.annotator)}"
            )
            lines.append(f"# status: {_single_line(row, 'status', row.status)}")
        lines.append(f"# split: {split}")
        lines.append(f"# labels: {labels_comment(row)}".rstrip())
        for sentence in doc.sents:
            tokens = [token for token in sentence if not token.is_space]
            if not tokens:
                continue
            for token in tokens:
                if any(ch.isspace() for ch in token.text):
                    raise ValueError(
                        f"{describe_row(row)}: token {token.text!r} at character "
                        f"{token.idx} contains whitespace; the tokenizer cannot be "
                        "used for CoNLL output"
                    )
                lines.append(f"{token.text}\t{tags[token.i]}")
            lines.append("")
        return "\n".join(lines) + "\n"
