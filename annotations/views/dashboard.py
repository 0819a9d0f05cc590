"""The project dashboard for admins and reviewers (on ``/projects/<slug>/``).

``dashboard_context`` reads the typed agreement report
(``services.agreement.agreement_report_for_viewer``, the cached figures, shown
at once even when stale) and the snapshot history
(``selectors.agreement.agreement_history``), then builds each chart or table
with one small helper below, as plain data from ``views.charts`` that
``dashboard/_chart.html`` draws. Everything is named by its display name
(questions, choices, span labels), which wraps inside its card at any width
the layout gives it (tests/browser/test_dashboard_layout.py). ``project_detail``
includes the section for admins and reviewers, and ``/projects/<slug>/dashboard/``
serves it alone (for an htmx refresh). Every figure shown is also in
``GET /api/v1/projects/<id>/agreement/``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from annotations import job_states, permissions, selectors
from annotations.agreement_report import LEVEL_BUCKETS, AgreementReport, HistoryPoint
from annotations.agreement_report.types import (
    ArticleProgress,
    Calibration,
    LeadTime,
    OriginCounts,
)
from annotations.choices import SpanOrigin
from annotations.models import Project
from annotations.scheme import Question, Scheme
from annotations.selectors.agreement import agreement_history
from annotations.services.agreement import agreement_report_for_viewer
from annotations.views import charts
from annotations.views.charts import BarChart, LineChart

CONFUSION_QUESTIONS = ("sentiment", "bias")
# Recomputation states in which no worker is working on the figures yet.
REFRESH_WAITING = {
    job_states.PUBLISH_FAILED,
    job_states.LOST,
    job_states.STALLED,
    job_states.FAILED,
}
# Heatmap cards grow with their columns: two grid columns beyond 6, a whole row
# beyond 12, and beyond 16 only colours (the values in each cell's title).
WIDE_HEATMAP, FULL_HEATMAP, COMPACT_HEATMAP = 6, 12, 16


def _heatmap_size(columns: int) -> dict[str, object]:
    size = (
        "full" if columns > FULL_HEATMAP else "wide" if columns > WIDE_HEATMAP else ""
    )
    return {"size": size, "compact": columns > COMPACT_HEATMAP}


Questions = dict[str, Question]
Series = dict[str, list[tuple[datetime, float | None]]]


def dashboard_context(*, project: Project, role: str | None) -> dict[str, Any]:
    """Charts and figures of the dashboard section, for admins and reviewers."""
    report = agreement_report_for_viewer(project=project, role=role)
    history = agreement_history(project=project)
    scheme = project.parsed_scheme
    questions = {q.key: q for q in scheme.questions}
    return {
        "report": report,
        "stale": report.stale,
        "refresh_waiting": report.refresh in REFRESH_WAITING,
        "computed_at": report.computed_at,
        "progress": report.progress.articles,
        "progress_chart": progress_chart(report.progress.articles),
        "annotator_chart": annotator_chart(report),
        "question_table": question_table(report, questions),
        "span_table": span_table(report, _label_names(scheme)),
        "history_chart": alpha_history_chart(history, questions),
        "span_history_chart": span_history_chart(history, _label_names(scheme)),
        "heatmaps": kappa_heatmaps(report, questions),
        "distribution_charts": distribution_charts(report, questions),
        "span_distribution_chart": span_distribution_chart(report, scheme),
        "confusion_charts": confusion_charts(report, questions),
        "lead_time": report.lead_time,
        "lead_time_chart": lead_time_chart(report.lead_time),
        "preannotation": report.preannotation,
        "preannotation_chart": preannotation_chart(report.preannotation),
        "calibration": report.calibration,
        "calibration_rows": calibration_rows(report.calibration, questions),
        "levels": level_rows(report, questions),
        "reliability": reliability_charts(report, questions),
    }


def _label_names(scheme: Scheme) -> dict[str, str]:
    return {label.key: label.name for label in scheme.span_labels}


def progress_chart(progress: ArticleProgress) -> BarChart:
    return charts.stacked_bars(
        [
            (
                _("articles"),
                [progress.complete, progress.in_progress, progress.untouched],
            )
        ],
        parts=[_("complete"), _("in progress"), _("untouched")],
        colors=("#2ca02c", "#f2a900", "#d9dee7"),
        title=_("Articles complete, in progress and untouched"),
    )


def annotator_chart(report: AgreementReport) -> BarChart:
    rows = []
    for name in report.annotator_order:
        figures = report.annotators[name]
        rows.append((name, [figures.n_submitted, figures.n_drafts, figures.n_skipped]))
    return charts.stacked_bars(
        rows,
        parts=[_("submitted"), _("drafts"), _("skipped")],
        colors=("#1f5fbf", "#f2a900", "#7f7f7f"),
        title=_("Progress per annotator"),
    )


def question_table(report: AgreementReport, questions: Questions) -> list[dict]:
    """One row per question: its name and the contract's figures."""
    return [
        {
            "key": key,
            "name": getattr(questions.get(key), "name", key),
            **figures.as_dict(),
        }
        for key, figures in report.questions.items()
    ]


def span_table(
    report: AgreementReport, names: dict[str, str] | None = None
) -> list[dict]:
    """One row per span label: its name (the key when the scheme lost it) and figures."""
    names = names or {}
    return [
        {"label": label, "name": names.get(label, label), **figures.to_dict()}
        for label, figures in report.spans.items()
    ]


def alpha_history_chart(
    history: list[HistoryPoint], questions: Questions | None = None
) -> LineChart:
    """Alpha per question over the stored snapshots, one line per question name."""
    questions = questions or {}
    series: Series = {}
    for point in history:
        for key, alpha in point.summary.questions.items():
            name = getattr(questions.get(key), "name", key)
            series.setdefault(name, []).append((point.computed_at, alpha))
    return charts.line_chart(
        series, title=_("Krippendorff's alpha per question over time")
    )


def span_history_chart(
    history: list[HistoryPoint], names: dict[str, str] | None = None
) -> LineChart:
    """Pairwise span F1 per label over the stored snapshots (labels with a figure)."""
    names = names or {}
    series: Series = {}
    for point in history:
        for label, f1 in point.summary.spans.items():
            if f1 is not None:
                name = names.get(label, label)
                series.setdefault(name, []).append((point.computed_at, f1))
    return charts.line_chart(
        series, title=_("Pairwise span F1 per label over time"), y_min=0.0
    )


def kappa_heatmaps(report: AgreementReport, questions: Questions) -> list[dict]:
    """Cohen's kappa between every two annotators, per question with pairable items."""
    order = report.annotator_order
    heatmaps = []
    for key, question in questions.items():
        figures = report.questions.get(key)
        if figures is None or figures.n_items == 0:
            continue
        values = [
            [
                1.0 if a == b else report.annotators[a].cohen_kappa.get(b, {}).get(key)
                for b in order
            ]
            for a in order
        ]
        title = _("Cohen's kappa between annotators: %(q)s") % {"q": question.name}
        heatmaps.append(
            {
                "name": question.name,
                "chart": charts.heatmap(order, order, values, title=title, v_min=0.0),
                **_heatmap_size(len(order)),
            }
        )
    return heatmaps


def distribution_charts(report: AgreementReport, questions: Questions) -> list[dict]:
    """How often each choice was given, per question."""
    return [
        {
            "name": question.name,
            "chart": charts.bar_chart(
                [
                    (
                        choice.name,
                        report.label_distribution.get(key, {}).get(choice.key, 0),
                    )
                    for choice in question.choices
                ],
                title=_("Answers to %(q)s") % {"q": question.name},
                digits=0,
            ),
        }
        for key, question in questions.items()
    ]


def span_distribution_chart(report: AgreementReport, scheme: Scheme) -> BarChart:
    return charts.bar_chart(
        [
            (label.name, report.span_distribution.get(label.key, 0))
            for label in scheme.span_labels
        ],
        title=_("Spans per label"),
        color="#8c564b",
        digits=0,
    )


def confusion_charts(report: AgreementReport, questions: Questions) -> list[dict]:
    """Answer pairs of two annotators, for the questions in ``CONFUSION_QUESTIONS``."""
    result = []
    for key in CONFUSION_QUESTIONS:
        confusion = report.confusion.get(key)
        question = questions.get(key)
        if confusion is None or question is None:
            continue
        names = [c.name for c in question.choices]
        matrix = confusion.rows()
        peak = max((v for row in matrix for v in row), default=0) or 1
        title = _("Answer pairs of two annotators: %(q)s") % {"q": question.name}
        result.append(
            {
                "name": question.name,
                "chart": charts.heatmap(
                    names, names, matrix, title=title, v_max=peak, digits=0
                ),
                **_heatmap_size(len(names)),
            }
        )
    return result


def lead_time_chart(lead_time: LeadTime) -> BarChart:
    return charts.bar_chart(
        [
            (name, None if ms is None else ms / 1000)
            for name, ms in lead_time.annotators.items()
        ],
        title=_("Median seconds per article, per annotator"),
        color="#17becf",
        digits=1,
    )


def preannotation_chart(counts: OriginCounts) -> BarChart:
    origin_names = dict(SpanOrigin.choices)
    return charts.stacked_bars(
        [(_("spans"), [counts.origins.get(o, 0) for o in SpanOrigin.values])],
        parts=[str(origin_names[o]) for o in SpanOrigin.values],
        colors=("#7f7f7f", "#2ca02c", "#bcbd22"),
        title=_("Span origins: manual, accepted or edited suggestions"),
    )


def calibration_rows(calibration: Calibration, questions: Questions) -> list[dict]:
    """Per question: alpha and gold accuracy on calibration articles and on the rest."""
    return [
        {
            "name": question.name,
            "calibration": calibration.calibration.questions.get(key),
            "rest": calibration.rest.questions.get(key),
        }
        for key, question in questions.items()
    ]


def level_rows(report: AgreementReport, questions: Questions) -> list[dict]:
    """Per single-choice question: items per PhraseBank agreement level."""
    return [
        {
            "name": questions[key].name,
            "counts": [buckets.get(bucket, 0) for bucket in LEVEL_BUCKETS],
        }
        for key, buckets in report.levels.items()
        if key in questions
    ]


def reliability_charts(report: AgreementReport, questions: Questions) -> list[dict]:
    """Dawid–Skene's estimated accuracy of each annotator, per question."""
    result = []
    for key, figures in report.dawid_skene.items():
        if key not in questions:
            continue
        name = questions[key].name
        chart = charts.bar_chart(
            [(annotator, a.accuracy) for annotator, a in figures.annotators.items()],
            title=_("Estimated accuracy (Dawid–Skene): %(q)s") % {"q": name},
            max_value=1.0,
            color="#9467bd",
        )
        result.append(
            {
                "name": name,
                "chart": chart,
                "n_contested": figures.n_contested,
                "n_items": figures.n_items,
            }
        )
    return result


@require_GET
@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """The dashboard section alone (admins and reviewers)."""
    project = selectors.project_get_for_user(user=request.user, slug=slug)
    if not permissions.can_review(project.user_role):
        raise PermissionDenied(_("Only reviewers and admins see the dashboard."))
    context = {"project": project, "can_review": True}
    context.update(dashboard_context(project=project, role=project.user_role))
    return render(request, "annotations/dashboard/_dashboard.html", context)
