"""The agreement report as typed dataclasses, and the plain work it is computed from.

``AgreementReport.to_dict`` gives the JSON of ``GET /api/v1/projects/{id}/agreement/``
(the contract's ``questions``, ``spans``, ``annotators``, ``computed_at`` and
the extra keys described in ``services/agreement.py``), key for key and in
the same order; ``AgreementReport.from_dict`` reads it back (a cached
snapshot, or the figures after annotators were renamed for a viewer), so the
dashboard works on typed fields rather than string-keyed dicts.

Annotators are keys (``"@<id>"`` internally, usernames or pseudonyms once
renamed for a viewer); deep matrices (confusion counts, Dawid–Skene
confusion, priors and posteriors) stay plain dicts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from annotations.agreement.types import GoldAgreement

#: Key of the span label counts inside ``label_distribution``.
SPANS_DISTRIBUTION = "__spans__"
#: PhraseBank agreement buckets, highest first.
LEVEL_BUCKETS = ("100", "75", "66", "50", "<50")


@dataclass
class ProjectWork:
    """Everything the agreement figures are computed from, as plain data.

    ``annotations``: dicts with ``pk``, ``article_id``, ``annotator_id``,
    ``status``, ``labels`` and ``lead_time_ms`` (every status); ``spans``:
    ``(start, end, label, origin)`` per submitted annotation; ``articles``:
    ``{"is_calibration": bool}`` per article; ``gold``: the final gold's
    ``pk``, ``article_id`` and ``labels`` per article; ``gold_spans``:
    ``(start, end, label)`` per article with final gold.
    """

    annotations: list[dict] = field(default_factory=list)
    spans: dict[int, list[tuple[int, int, str, str]]] = field(default_factory=dict)
    articles: dict[int, dict] = field(default_factory=dict)
    gold: dict[int, dict] = field(default_factory=dict)
    gold_spans: dict[int, list[tuple[int, int, str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class SpanFigures:
    """Agreement on one span label (the contract's ``spans.<label>`` plus token alpha)."""

    pairwise_f1: float | None
    pairwise_f1_overlap: float | None
    n_items: int
    token_alpha: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class GoldSpanFigures:
    """One annotator's span F1 against gold for one label (exact and overlap)."""

    f1: float | None
    f1_overlap: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AnnotatorGold:
    """One annotator against final gold: per question, and per span label when any."""

    questions: dict[str, GoldAgreement] = field(default_factory=dict)
    spans: dict[str, GoldSpanFigures] | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "questions": {k: asdict(v) for k, v in self.questions.items()}
        }
        if self.spans is not None:
            data["spans"] = {k: v.to_dict() for k, v in self.spans.items()}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnnotatorGold:
        spans = data.get("spans")
        return cls(
            questions={
                k: GoldAgreement(**v) for k, v in data.get("questions", {}).items()
            },
            spans=None
            if spans is None
            else {k: GoldSpanFigures(**v) for k, v in spans.items()},
        )


@dataclass(frozen=True)
class AnnotatorFigures:
    """One annotator's counts, pairwise kappas (``{other: {question: kappa}}``) and gold."""

    n_submitted: int
    n_drafts: int
    n_skipped: int
    cohen_kappa: dict[str, dict[str, float | None]]
    gold: AnnotatorGold | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "n_submitted": self.n_submitted,
            "n_drafts": self.n_drafts,
            "n_skipped": self.n_skipped,
            "cohen_kappa": self.cohen_kappa,
        }
        if self.gold is not None:
            data["gold"] = self.gold.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnnotatorFigures:
        gold = data.get("gold")
        return cls(
            n_submitted=data["n_submitted"],
            n_drafts=data["n_drafts"],
            n_skipped=data["n_skipped"],
            cohen_kappa=data["cohen_kappa"],
            gold=None if gold is None else AnnotatorGold.from_dict(gold),
        )


@dataclass(frozen=True)
class DawidSkeneAnnotator:
    """Estimated error rate and confusion (``{true: {given: p}}``) of one annotator."""

    error_rate: float
    confusion: dict[str, dict[str, float]]

    @property
    def accuracy(self) -> float:
        return 1 - self.error_rate

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DawidSkeneFigures:
    """Dawid–Skene estimates for one single-choice question.

    ``posteriors`` and ``labels`` cover the most uncertain contested items
    only; the dashboard reads the figures without them (then both are empty).
    """

    categories: list[str]
    priors: dict[str, float]
    annotators: dict[str, DawidSkeneAnnotator]
    n_items: int
    n_contested: int
    posteriors: dict[str, dict[str, float]]
    labels: dict[str, str]
    n_iter: int
    converged: bool

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["annotators"] = {k: v.to_dict() for k, v in self.annotators.items()}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DawidSkeneFigures:
        return cls(
            categories=data["categories"],
            priors=data["priors"],
            annotators={
                k: DawidSkeneAnnotator(**v) for k, v in data["annotators"].items()
            },
            n_items=data["n_items"],
            n_contested=data["n_contested"],
            posteriors=data.get("posteriors", {}),
            labels=data.get("labels", {}),
            n_iter=data["n_iter"],
            converged=data["converged"],
        )


@dataclass(frozen=True)
class ArticleProgress:
    total: int
    complete: int
    in_progress: int
    untouched: int
    adjudicated: int


@dataclass(frozen=True)
class Progress:
    """Articles complete (``overlap`` submissions), in progress, untouched, adjudicated."""

    articles: ArticleProgress
    overlap: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Progress:
        return cls(
            articles=ArticleProgress(**data["articles"]), overlap=data["overlap"]
        )


@dataclass(frozen=True)
class Confusion:
    """Symmetric counts of answer pairs two annotators gave to the same item."""

    categories: list[str]
    matrix: dict[str, dict[str, int]]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def rows(self) -> list[list[int]]:
        """The matrix as rows and columns in category order."""
        return [[self.matrix[a][b] for b in self.categories] for a in self.categories]


@dataclass(frozen=True)
class LeadTime:
    """Median milliseconds per submitted article, overall and per annotator."""

    median_ms: float | None
    annotators: dict[str, float | None]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class OriginCounts:
    """Span origins (manual, suggestion accepted or edited) and the suggestion share."""

    origins: dict[str, int]
    n_spans: int
    acceptance_share: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CalibrationQuestion:
    krippendorff_alpha: float | None
    gold_accuracy: float | None
    n_gold: int


@dataclass(frozen=True)
class CalibrationGroup:
    """Figures of the calibration articles, or of the rest."""

    n_articles: int
    n_submitted: int
    questions: dict[str, CalibrationQuestion]
    preannotation: OriginCounts
    span_gold_f1: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CalibrationGroup:
        return cls(
            n_articles=data["n_articles"],
            n_submitted=data["n_submitted"],
            questions={
                k: CalibrationQuestion(**v) for k, v in data["questions"].items()
            },
            preannotation=OriginCounts(**data["preannotation"]),
            span_gold_f1=data["span_gold_f1"],
        )


@dataclass(frozen=True)
class Calibration:
    calibration: CalibrationGroup
    rest: CalibrationGroup

    def to_dict(self) -> dict[str, Any]:
        return {"calibration": self.calibration.to_dict(), "rest": self.rest.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibration:
        return cls(
            calibration=CalibrationGroup.from_dict(data["calibration"]),
            rest=CalibrationGroup.from_dict(data["rest"]),
        )


@dataclass(frozen=True)
class ReportSummary:
    """The headline figures kept cheap to read for the history chart."""

    questions: dict[str, float | None] = field(default_factory=dict)
    spans: dict[str, float | None] = field(default_factory=dict)
    n_submitted: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ReportSummary:
        data = data or {}
        return cls(
            questions=data.get("questions", {}),
            spans=data.get("spans", {}),
            n_submitted=data.get("n_submitted", 0),
        )


@dataclass(frozen=True)
class HistoryPoint:
    """One past snapshot's summary, for "agreement over time"."""

    computed_at: datetime
    summary: ReportSummary
