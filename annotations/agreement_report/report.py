"""``AgreementReport``: every figure of a project's agreement, typed, with its JSON form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from annotations.agreement.types import QuestionAgreement
from annotations.agreement_report.types import (
    SPANS_DISTRIBUTION,
    AnnotatorFigures,
    Calibration,
    Confusion,
    DawidSkeneFigures,
    LeadTime,
    OriginCounts,
    Progress,
    ReportSummary,
    SpanFigures,
)


@dataclass(frozen=True)
class AgreementReport:
    """The agreement figures of one project at ``computed_at``.

    ``to_dict`` is the API's JSON, keys in this order: the contract's
    ``questions``, ``spans``, ``annotators``, ``computed_at``, then
    ``annotator_order``, ``dawid_skene``, ``progress``, ``label_distribution``,
    ``confusion``, ``levels``, ``lead_time``, ``preannotation``,
    ``calibration``, ``summary`` (and ``stale`` when the figures are outdated).
    """

    questions: dict[str, QuestionAgreement]
    spans: dict[str, SpanFigures]
    annotators: dict[str, AnnotatorFigures]
    computed_at: datetime
    annotator_order: list[str]
    dawid_skene: dict[str, DawidSkeneFigures]
    progress: Progress
    #: ``{question: {choice: count}}`` plus ``{SPANS_DISTRIBUTION: {label: count}}``.
    label_distribution: dict[str, dict[str, int]]
    confusion: dict[str, Confusion]
    #: ``{question: {bucket: count}}``, buckets as in ``LEVEL_BUCKETS``.
    levels: dict[str, dict[str, int]]
    lead_time: LeadTime
    preannotation: OriginCounts
    calibration: Calibration
    summary: ReportSummary
    stale: bool = False
    #: With ``stale``: the state of the background recomputation (docs/jobs.md).
    refresh: str = ""

    @property
    def span_distribution(self) -> dict[str, int]:
        """Submitted spans per label."""
        return self.label_distribution.get(SPANS_DISTRIBUTION, {})

    def to_dict(self) -> dict[str, Any]:
        data = {
            "questions": {k: v.as_dict() for k, v in self.questions.items()},
            "spans": {k: v.to_dict() for k, v in self.spans.items()},
            "annotators": {k: v.to_dict() for k, v in self.annotators.items()},
            "computed_at": self.computed_at.isoformat(),
            "annotator_order": list(self.annotator_order),
            "dawid_skene": {k: v.to_dict() for k, v in self.dawid_skene.items()},
            "progress": self.progress.to_dict(),
            "label_distribution": self.label_distribution,
            "confusion": {k: v.to_dict() for k, v in self.confusion.items()},
            "levels": self.levels,
            "lead_time": self.lead_time.to_dict(),
            "preannotation": self.preannotation.to_dict(),
            "calibration": self.calibration.to_dict(),
            "summary": self.summary.to_dict(),
        }
        if self.stale:
            data["stale"] = True
        if self.refresh:
            data["refresh"] = self.refresh
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AgreementReport:
        """Read the JSON back (a stored snapshot, or figures renamed for a viewer)."""
        return cls(
            questions={k: QuestionAgreement(**v) for k, v in data["questions"].items()},
            spans={k: SpanFigures(**v) for k, v in data["spans"].items()},
            annotators={
                k: AnnotatorFigures.from_dict(v) for k, v in data["annotators"].items()
            },
            computed_at=datetime.fromisoformat(data["computed_at"]),
            annotator_order=list(data.get("annotator_order", [])),
            dawid_skene={
                k: DawidSkeneFigures.from_dict(v)
                for k, v in data.get("dawid_skene", {}).items()
            },
            progress=Progress.from_dict(data["progress"]),
            label_distribution=data["label_distribution"],
            confusion={k: Confusion(**v) for k, v in data["confusion"].items()},
            levels=data["levels"],
            lead_time=LeadTime(**data["lead_time"]),
            preannotation=OriginCounts(**data["preannotation"]),
            calibration=Calibration.from_dict(data["calibration"]),
            summary=ReportSummary.from_dict(data.get("summary")),
            stale=bool(data.get("stale", False)),
            refresh=str(data.get("refresh", "")),
        )
