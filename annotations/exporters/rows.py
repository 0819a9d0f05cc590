"""Plain rows handed to the exporters.

The ``export_rows`` selector builds these from the database; the exporters never see a
model. Offsets are Python ``str`` indices (Unicode code points) into
``ExportRow.text``, end exclusive, with ``text[start:end] == span.text`` (contract,
"Offsets").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

LabelValue = str | list[str]


@dataclass(frozen=True, slots=True)
class ExportSpan:
    """One span: code-point offsets into the article text, ``end`` exclusive.

    ``score`` is the model's confidence (prediction rows only).
    """

    start: int
    end: int
    label: str
    text: str
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "text": self.text,
        }
        if self.score is not None:
            data["score"] = self.score
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExportSpan:
        return cls(
            start=data["start"],
            end=data["end"],
            label=data["label"],
            text=data["text"],
            score=data.get("score"),
        )


@dataclass(frozen=True, slots=True)
class ExportPrediction:
    """What a pipeline run says beyond its spans (``source=predictions`` rows).

    ``label_scores``: ``{question: {choice: score}}`` (the row's ``labels`` hold the
    best choice of each, see ``best_choices``); ``evidence``: the spans behind the
    scores, ``[{"question", "spans": [{start, end, label, text, score, ...}]}]``.
    Exporters write both as they are: the selector sorts the keys of
    ``label_scores``; ``evidence`` keeps the order the pipeline stored (sorting it
    would cost as much as reading it).
    """

    pipeline: str
    version: str
    label_scores: dict[str, dict[str, float]] = field(default_factory=dict)
    evidence: list[Any] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One article (gold) or one annotation of an article (per annotator).

    ``split`` may be left empty; the exporter then assigns one from the article id and
    the release seed (see ``splits.assign_split``). ``prediction`` is set on the rows
    of ``source=predictions`` (one per article and pipeline version).
    """

    article_id: int
    external_id: str | None
    language: str
    title: str
    text: str
    spans: tuple[ExportSpan, ...]
    labels: dict[str, LabelValue]
    meta: dict[str, Any]
    guideline_version: int | None
    annotator: str | None = None
    status: str | None = None
    split: str = ""
    prediction: ExportPrediction | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExportRow:
        """A row from the JSON shape used by the examples (``id`` = article id)."""
        return cls(
            article_id=data["id"],
            external_id=data.get("external_id"),
            language=data["language"],
            title=data.get("title", ""),
            text=data["text"],
            spans=tuple(ExportSpan.from_dict(span) for span in data.get("spans", ())),
            labels=dict(data.get("labels", {})),
            meta=dict(data.get("meta", {})),
            guideline_version=data.get("guideline_version"),
            annotator=data.get("annotator"),
            status=data.get("status"),
            split=data.get("split", ""),
            prediction=(
                ExportPrediction(
                    pipeline=data["pipeline"],
                    version=data["pipeline_version"],
                    label_scores=dict(data.get("label_scores", {})),
                    evidence=list(data.get("evidence", [])),
                )
                if data.get("pipeline") is not None
                else None
            ),
        )


@dataclass(frozen=True, slots=True)
class ExportQuestion:
    """A document question: key, choice keys in scheme order, single or multiple."""

    key: str
    choices: tuple[str, ...]
    multiple: bool = False


@dataclass(frozen=True, slots=True)
class ExportScheme:
    """What the exporters need to know about a project's scheme."""

    language: str
    span_labels: tuple[str, ...]
    questions: tuple[ExportQuestion, ...] = field(default=())

    def question(self, key: str) -> ExportQuestion | None:
        for question in self.questions:
            if question.key == key:
                return question
        return None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExportScheme:
        """Accept the project shape (``{"key": ...}`` objects) or plain key strings.

        ``{"language": "en", "span_labels": [{"key": "ORG", ...}] | ["ORG"],
        "questions": [{"key", "multiple", "choices": [{"key": ...}] | ["..."]}]}``
        """
        return cls(
            language=data["language"],
            span_labels=tuple(_key(label) for label in data.get("span_labels", ())),
            questions=tuple(
                ExportQuestion(
                    key=question["key"],
                    choices=tuple(_key(choice) for choice in question["choices"]),
                    multiple=bool(question.get("multiple", False)),
                )
                for question in data.get("questions", ())
            ),
        )


def best_choices(
    label_scores: Mapping[str, Mapping[str, float]], scheme: ExportScheme
) -> dict[str, LabelValue]:
    """A prediction's answers: per question the highest-scoring choice (ties: the
    earlier choice of the scheme); for a multiple-choice question every choice
    scored 0.5 or more. Questions and choices the scheme lacks are left out."""
    labels: dict[str, LabelValue] = {}
    for question in scheme.questions:
        scores = label_scores.get(question.key) or {}
        known = [c for c in question.choices if isinstance(scores.get(c), int | float)]
        if not known:
            continue
        if question.multiple:
            labels[question.key] = [c for c in known if scores[c] >= 0.5]
        else:
            labels[question.key] = max(known, key=lambda c: scores[c])
    return labels


def _key(item: str | Mapping[str, Any]) -> str:
    return item if isinstance(item, str) else item["key"]


def rows_from_dicts(items: Sequence[Mapping[str, Any]]) -> list[ExportRow]:
    """For examples and tests: a JSON list of rows as ``ExportRow`` objects."""
    return [ExportRow.from_dict(item) for item in items]
