"""``spacy``: ``train/dev/test.spacy`` (DocBin) and ``manifest.json`` in a ``.tar.gz``.

Each row becomes one ``Doc`` (tokenizer of ``spacy.blank(scheme.language)`` unless an
``nlp`` is passed; only its tokenizer runs):

- ``doc.spans["sc"]``: every span that could be aligned to tokens (see ``tokens`` for
  the alignment policy), sorted by token start, end, label; identical token spans
  merged;
- ``doc.ents``: the non-overlapping subset picked longest-first
  (``tokens.pick_non_overlapping``);
- ``doc.cats``: ``"question:choice"`` one-hot (multi-hot for multiple-choice
  questions) over all choices of each *answered* question; unanswered questions add no
  cats;
- ``doc.user_data``: ``article_id``, ``external_id``, ``annotator``.

Prediction rows (``source=predictions``): ``doc.cats`` holds the score of every
choice (``"question:choice"``), ``doc.spans["sc"].attrs["scores"]`` the span scores
in the group's order (as spaCy's span categorizer stores them), ``doc.user_data``
also ``pipeline`` and ``pipeline_version``; the evidence is not carried (use
``jsonl``).

``manifest.json`` records the alignment counts (exact / expanded / dropped, with the
dropped spans' article ids), the docs per split, the cat labels and the split seed and
ratios.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

from .archive import DeterministicTar
from .base import (
    Exporter,
    ExportOptions,
    check_labels,
    check_row,
    sorted_spans,
)
from .rows import ExportRow, ExportScheme
from .splits import SPLITS
from .tokens import (
    AlignmentReport,
    align_spans,
    blank_pipeline,
    check_alignment_mode,
    pick_non_overlapping,
)

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

SPANS_KEY = "sc"
ENTS_RULE = (
    "doc.ents holds the non-overlapping spans picked greedily longest-first "
    "(code points), ties by earlier start then label; all aligned spans are in "
    "doc.spans['sc']"
)


def cat_labels(scheme: ExportScheme) -> list[str]:
    return [f"{q.key}:{choice}" for q in scheme.questions for choice in q.choices]


def doc_cats(row: ExportRow, scheme: ExportScheme) -> dict[str, float]:
    """One-hot answers, or for a prediction row every choice's score."""
    if row.prediction is not None:
        scores = row.prediction.label_scores
        return {
            f"{q.key}:{choice}": float(scores[q.key][choice])
            for q in scheme.questions
            for choice in q.choices
            if isinstance(scores.get(q.key, {}).get(choice), int | float)
        }
    chosen = check_labels(row, scheme)
    cats: dict[str, float] = {}
    for question in scheme.questions:
        if question.key not in chosen:
            continue
        for choice in question.choices:
            cats[f"{question.key}:{choice}"] = (
                1.0 if choice in chosen[question.key] else 0.0
            )
    return cats


class SpacyDocBinExporter(Exporter):
    name = "spacy"
    extension = ".tar.gz"
    media_type = "application/gzip"

    def __init__(
        self, *, nlp: Language | None = None, alignment_mode: str = "expand"
    ) -> None:
        self.nlp = nlp
        self.alignment_mode = check_alignment_mode(alignment_mode)

    def make_doc(
        self, row: ExportRow, scheme: ExportScheme, report: AlignmentReport
    ) -> Doc:
        from spacy.tokens import Span

        nlp = self.nlp or blank_pipeline(scheme.language)
        doc = nlp.make_doc(row.text)
        aligned = align_spans(
            doc, sorted_spans(row), mode=self.alignment_mode, row=row, report=report
        )
        seen: set[tuple[int, int, str]] = set()
        group, scores = [], []
        for item in sorted(
            aligned, key=lambda a: (a.start_token, a.end_token, a.span.label)
        ):
            key = (item.start_token, item.end_token, item.span.label)
            if key in seen:
                continue
            seen.add(key)
            group.append(
                Span(doc, item.start_token, item.end_token, label=item.span.label)
            )
            scores.append(item.span.score)
        doc.spans[SPANS_KEY] = group
        if row.prediction is not None:
            doc.spans[SPANS_KEY].attrs["scores"] = scores
            doc.user_data["pipeline"] = row.prediction.pipeline
            doc.user_data["pipeline_version"] = row.prediction.version
        doc.ents = [
            Span(doc, item.start_token, item.end_token, label=item.span.label)
            for item in pick_non_overlapping(aligned)
        ]
        doc.cats = doc_cats(row, scheme)
        doc.user_data["article_id"] = row.article_id
        doc.user_data["external_id"] = row.external_id
        doc.user_data["annotator"] = row.annotator
        return doc

    def write_to(
        self, rows: Iterable[ExportRow], fh: IO[bytes], options: ExportOptions
    ) -> None:
        scheme = options.scheme
        from spacy.tokens import DocBin

        report = AlignmentReport(mode=self.alignment_mode)
        bins = {
            split: DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=True)
            for split in SPLITS
        }
        for row in rows:
            check_row(row)
            split = options.split_of(row)
            bins[split].add(self.make_doc(row, scheme, report))
        manifest: dict[str, Any] = {
            "format": self.name,
            "language": scheme.language,
            "files": {f"{split}.spacy": len(bins[split]) for split in SPLITS},
            "spans_key": SPANS_KEY,
            "ents_rule": ENTS_RULE,
            "alignment": report.to_dict(),
            "span_labels": list(scheme.span_labels),
            "cats": cat_labels(scheme),
            "cats_rule": (
                "question:choice one-hot over all choices of each answered question "
                "(multi-hot for multiple-choice questions); unanswered questions "
                "add no cats"
            ),
            "split": options.split_manifest(),
        }
        with DeterministicTar(fh) as tar:
            for split in SPLITS:
                tar.add_bytes(f"{split}.spacy", bins[split].to_bytes())
            tar.add_bytes(
                "manifest.json",
                (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode(),
            )
