"""``conll``: CoNLL-2003 style ``token<TAB>BIO-tag`` text that the usual readers load as is.

Per row (article or annotation)::

    -DOCSTART- -X- O O
    <blank line>
    Siemens<TAB>B-ORG
    ...
    <blank line after every sentence>

This loads unmodified in ``python -m spacy convert FILE OUT -c ner`` (whose document
delimiter is exactly ``-DOCSTART- -X- O O``) and in token-per-line readers such as the
CoNLL-2003 loading scripts of Hugging Face ``datasets`` (a line starting with
``-DOCSTART-`` or a blank line ends a sentence; otherwise ``token<TAB>tag``). Rows come
in export order, one document each, so the n-th document is the n-th row of a ``jsonl``
export with the same parameters.

- Tokens come from the tokenizer of ``spacy.blank(scheme.language)`` (or the ``nlp``
  passed in), sentences from spaCy's rule-based ``sentencizer``; whitespace-only
  tokens (spaces, tabs, NBSP, ``\\r\\n``, U+2028...) are left out, and so are
  sentences left empty by that. No token holds whitespace, so no line break of any
  kind can occur inside a token line.
- Tags are IOB2 over the non-overlapping spans (longest first, as ``doc.ents`` in the
  spacy format); spans are aligned to tokens with ``alignment_mode="expand"``.
  Overlapping spans that lose the pick, and spans that cannot be aligned, are not in
  the tags: the ``jsonl`` format keeps them all.

Metadata (``comments=True``, off by default because spaCy's converter and most
token-per-line readers refuse or mis-read such lines): after the blank line following
``-DOCSTART-``, comment lines ``# id: 17``, ``# external_id: ...`` (when set),
``# annotator: ...`` and ``# status: ...`` (annotation rows), ``# split: train`` and
``# labels: bias=biased sentiment=negative``. The labels line holds
``question=choice`` pairs sorted by question, separated by one space; several choices
of a multiple-choice question are joined with ``|``; unanswered questions are left out
(the line is ``# labels:`` when none is answered). Choice keys containing whitespace,
``=`` or ``|`` are refused (ValueError), so the line always parses back. Readers of
that variant drop lines starting with ``# `` (hash, space): a token line never does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from .base import (
    ExportOptions,
    StreamingExporter,
    check_row,
    describe_row,
    sorted_spans,
)
from .rows import ExportRow, ExportScheme
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

#: The document delimiter spaCy's ``conll_ner_to_docs`` splits on (CoNLL-2003's line).
DOCSTART = "-DOCSTART- -X- O O"
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


def comment_lines(row: ExportRow, split: str) -> list[str]:
    """The ``# key: value`` metadata lines of one row (``comments=True`` only)."""
    lines = [f"# id: {row.article_id}"]
    if row.external_id is not None:
        lines.append(
            f"# external_id: {_single_line(row, 'external_id', row.external_id)}"
        )
    if row.annotator is not None:
        lines.append(f"# annotator: {_single_line(row, 'annotator', row.annotator)}")
        lines.append(f"# status: {_single_line(row, 'status', row.status)}")
    lines.append(f"# split: {split}")
    lines.append(f"# labels: {labels_comment(row)}".rstrip())
    return lines


class ConllExporter(StreamingExporter):
    name = "conll"
    extension = ".conll"
    media_type = "text/plain; charset=utf-8"

    def __init__(self, *, nlp: Language | None = None, comments: bool = False) -> None:
        self.nlp = nlp
        self.comments = comments

    def pieces(
        self, rows: Iterable[ExportRow], options: ExportOptions
    ) -> Iterator[str]:
        report = AlignmentReport(mode="expand")
        for row in rows:
            check_row(row)
            yield self.article(
                row,
                scheme=options.scheme,
                split=options.split_of(row),
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
        lines = [DOCSTART, ""]
        if self.comments:
            lines += comment_lines(row, split)
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
