"""What an import holds once read: plain dataclasses, the formats and the file error.

Imported by every module of the importers package (and, through the package, by
callers); imports nothing of ours but Django's ValidationError.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

FORMATS = ("articles", "jsonl", "csv", "labelstudio", "doccano")
ARTICLE_FIELDS = ("title", "text", "language", "external_id", "meta")
#: The key under which our own exports describe a row; never stored as article meta.
EXPORT_META_KEY = "newsroom"


class ImportFormatError(ValidationError):
    """The file as a whole cannot be read (malformed, wrong format): HTTP 400."""


@dataclass
class ImportedAnnotation:
    index: int
    annotator: str  # source name
    spans: list[dict[str, Any]]
    labels: dict[str, Any]
    draft: bool = False  # the source marks it as a draft (our own exports)
    lead_time_ms: int = 0


@dataclass
class ImportedPrediction:
    index: int
    version: str
    spans: list[dict[str, Any]]
    labels: dict[str, dict[str, float]]
    pipeline: str = "labelstudio"
    evidence: list[Any] = field(default_factory=list)


@dataclass
class ParsedImport:
    format: str
    tool: str
    articles: list[Any] = field(default_factory=list)
    annotations: list[ImportedAnnotation] = field(default_factory=list)
    predictions: list[ImportedPrediction] = field(default_factory=list)
    ignored_results: int = 0
    predictions_skipped: int = 0
    #: The file line of each item (JSON Lines and CSV); empty for JSON documents.
    lines: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def where(self, index: int) -> dict[str, int]:
        """``{"index"}`` plus ``{"line"}`` where the file has lines."""
        place = {"index": index}
        if index < len(self.lines):
            place["line"] = self.lines[index]
        return place


@dataclass
class ImportSummary:
    """What an import did. ``drafts`` lists the annotations stored as drafts and why
    (``{"index", "line"?, "annotator", "missing", "reason"}``); ``warnings`` says what
    the file held that was not imported."""

    format: str
    articles_created: int = 0
    articles_existing: int = 0
    annotations_created: int = 0
    annotations_existing: int = 0
    predictions_created: int = 0
    predictions_skipped: int = 0
    ignored_results: int = 0
    annotators: list[str] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)
    preannotation_job: str | None = None
    drafts: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "created": self.articles_created,
            "existing": self.articles_existing,
            "annotations_created": self.annotations_created,
            "annotations_existing": self.annotations_existing,
            "predictions_created": self.predictions_created,
            "predictions_skipped": self.predictions_skipped,
            "ignored_results": self.ignored_results,
            "annotators": self.annotators,
            "ids": self.created_ids,
            "preannotation_job": self.preannotation_job,
            "drafts": self.drafts,
            "warnings": self.warnings,
        }
