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
    """One span: code-point offsets into the article text, ``end`` exclusive."""

    start: int
    end: int
    label: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExportSpan:
        return cls(
            start=data["start"],
            end=data["end"],
            label=data["label"],
            text=data["text"],
        )


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One article (gold) or one annotation of an article (per annotator).

    ``split`` may be left empty; the exporter then assigns one from the article id and
    the release seed (see ``splits.assign_split``).
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


def _key(item: str | Mapping[str, Any]) -> str:
    return item if isinstance(item, str) else item["key"]


def rows_from_dicts(items: Sequence[Mapping[str, Any]]) -> list[ExportRow]:
    """For examples and tests: a JSON list of rows as ``ExportRow`` objects."""
    return [ExportRow.from_dict(item) for item in items]
