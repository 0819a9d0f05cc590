"""Mapping source labels onto the scheme, naming source annotators, and what every
reader shares (our exported predictions read back, the end of a parse).

Imported by the Label Studio, doccano and row readers and the package's
``parse_import``; imports the pure ``scheme`` module and ``ArticleImportError``.
No database access.
"""

from __future__ import annotations

from typing import Any

from annotations.scheme import Scheme
from annotations.services.articles import ArticleImportError

from .parsed import ImportedPrediction, ImportFormatError, ParsedImport

CANCELLED = "{count} cancelled (skipped) annotation(s) were not imported."


class LabelMapper:
    """Maps source span labels and choices onto the scheme, collecting unknown ones."""

    def __init__(self, scheme: Scheme, mapping: dict[str, str | None]) -> None:
        if not isinstance(mapping, dict):
            raise ImportFormatError("label_mapping must be an object.")
        self.scheme = scheme
        self.mapping = mapping
        self.span_keys = set(scheme.span_label_keys)
        self.unknown_spans: set[str] = set()
        self.unknown_choices: set[str] = set()
        bad = [
            f"{source} → {target}"
            for source, target in mapping.items()
            if target is not None and not self._valid_target(target)
        ]
        if bad:
            raise ImportFormatError(
                "label_mapping points at labels the scheme does not have: "
                + "; ".join(sorted(bad))
            )

    def _valid_target(self, target: str) -> bool:
        if target in self.span_keys:
            return True
        question, _, choice = str(target).partition(":")
        q = self.scheme.question(question)
        return q is not None and choice in q.choice_keys

    def span(self, label: str) -> str | None:
        """The scheme label, or None to drop; unknown labels are recorded."""
        if label in self.mapping:
            target = self.mapping[label]
            return target if target in self.span_keys or target is None else None
        if label in self.span_keys:
            return label
        self.unknown_spans.add(str(label))
        return None

    def choice(self, question: str | None, choice: str) -> tuple[str, str] | None:
        keys = [f"{question}:{choice}"] if question else []
        keys.append(str(choice))
        for key in keys:
            if key in self.mapping:
                target = self.mapping[key]
                if target is None:
                    return None
                q, _, c = target.partition(":")
                return q, c
        if question:
            q = self.scheme.question(question)
            if q is not None and choice in q.choice_keys:
                return question, choice
        else:
            owners = [q for q in self.scheme.questions if choice in q.choice_keys]
            if len(owners) == 1:
                return owners[0].key, choice
        self.unknown_choices.add(keys[0])
        return None

    def raise_unknown(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.unknown_spans:
            errors["labels"] = [
                "Unknown span label(s): "
                + ", ".join(sorted(self.unknown_spans))
                + f". The scheme has {', '.join(sorted(self.span_keys))}; map them "
                'with label_mapping, e.g. {"B-ORG": "ORG"} (null drops a label).'
            ]
        if self.unknown_choices:
            errors.setdefault("labels", []).append(
                "Unknown choice(s): "
                + ", ".join(sorted(self.unknown_choices))
                + '. Map them with label_mapping, e.g. {"sentiment:pos": '
                '"sentiment:positive"}.'
            )
        if errors:
            error = ImportFormatError(errors)
            # For the import page's mapping form: which labels need a target.
            error.unknown_spans = sorted(self.unknown_spans)
            error.unknown_choices = sorted(self.unknown_choices)
            raise error


def add_answer(
    labels: dict[str, Any], scheme: Scheme, question: str, choice: str
) -> None:
    """Record ``choice`` as the answer (or one of the answers) to ``question``."""
    q = scheme.question(question)
    if q is not None and q.multiple:
        labels.setdefault(question, [])
        if choice not in labels[question]:
            labels[question].append(choice)
    else:
        labels[question] = choice


def annotator_name(completed_by: Any, default: str | None = None) -> str:
    """A source annotator's name: an email, username or id (``user<id>``).

    ``default`` (else ``unknown``) when the source names nobody.
    """
    if isinstance(completed_by, dict):
        completed_by = (
            completed_by.get("email")
            or completed_by.get("username")
            or completed_by.get("id")
        )
    if completed_by is None or completed_by == "":
        return default or "unknown"
    if isinstance(completed_by, int) and not isinstance(completed_by, bool):
        return f"user{completed_by}"
    return str(completed_by)


def label_scores(raw: Any, mapper: LabelMapper) -> dict[str, dict[str, float]]:
    """``{question: {choice: score}}`` of a prediction mapped onto the scheme;
    entries that are not of that shape are left out."""
    scores: dict[str, dict[str, float]] = {}
    if not isinstance(raw, dict):
        return scores
    for question, choices in raw.items():
        if not isinstance(choices, dict):
            continue
        for choice, score in choices.items():
            if not isinstance(score, int | float) or isinstance(score, bool):
                continue
            mapped = mapper.choice(question, choice)
            if mapped is not None:
                scores.setdefault(mapped[0], {})[mapped[1]] = float(score)
    return scores


def exported_prediction(
    index: int, item: dict[str, Any], spans: list[dict], mapper: LabelMapper
) -> ImportedPrediction:
    """A row of our ``source=predictions`` export (``jsonl``, ``doccano``) back as a
    prediction: pipeline, version, ``label_scores`` and ``evidence``."""
    evidence = item.get("evidence")
    return ImportedPrediction(
        index=index,
        pipeline=str(item["pipeline"]),
        version=str(item.get("pipeline_version") or "imported"),
        spans=spans,
        labels=label_scores(item.get("label_scores"), mapper),
        evidence=evidence if isinstance(evidence, list) else [],
    )


def finish(
    parsed: ParsedImport, errors: list[dict[str, Any]], cancelled: int
) -> ParsedImport:
    """The parsed import, or ArticleImportError for the items' errors; cancelled
    (skipped) annotations left out are named in the warnings."""
    if errors:
        raise ArticleImportError(errors)
    if cancelled:
        parsed.warnings.append(CANCELLED.format(count=cancelled))
    return parsed
