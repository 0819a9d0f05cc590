"""The project dashboard for admins and reviewers (on ``/projects/<slug>/``).

``dashboard_context`` turns the cached agreement figures
(``services.agreement.agreement_for_viewer``) and the snapshot history into
SVG charts (``views.charts``) and small tables; ``project_detail`` includes it
for admins and reviewers, and ``/projects/<slug>/dashboard/`` serves the same
section alone (for an htmx refresh). Every figure shown is also in
``GET /api/v1/projects/<id>/agreement/``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from annotations import permissions, selectors
from annotations.choices import SpanOrigin
from annotations.models import Project
from annotations.selectors.agreement import agreement_history
from annotations.services.agreement import agreement_for_viewer
from annotations.views import charts

CONFUSION_QUESTIONS = ("sentiment", "bias")


def dashboard_context(*, project: Project, role: str | None) -> dict[str, Any]:
    """Charts and figures of the dashboard section, for admins and reviewers."""
    data = agreement_for_viewer(
        project=project, role=role, include_posteriors=False, allow_stale=True
    )
    scheme = project.parsed_scheme
    questions = {q.key: q for q in scheme.questions}
    order = data.get("annotator_order", [])
    annotators = data.get("annotators", {})
    progress = data["progress"]["articles"]
    result: dict[str, Any] = {
        "agreement": data,
        "stale": data.get("stale", False),
        "computed_at": parse_datetime(data["computed_at"]),
        "progress": progress,
    }
    result["progress_chart"] = charts.stacked_bars(
        [
            (
                _("articles"),
                [progress["complete"], progress["in_progress"], progress["untouched"]],
            )
        ],
        parts=[_("complete"), _("in progress"), _("untouched")],
        colors=("#2ca02c", "#f2a900", "#d9dee7"),
        title=_("Articles complete, in progress and untouched"),
    )
    result["annotator_chart"] = charts.stacked_bars(
        [
            (
                name,
                [
                    annotators[name]["n_submitted"],
                    annotators[name]["n_drafts"],
                    annotators[name]["n_skipped"],
                ],
            )
            for name in order
        ],
        parts=[_("submitted"), _("drafts"), _("skipped")],
        colors=("#1f5fbf", "#f2a900", "#7f7f7f"),
        title=_("Progress per annotator"),
    )
    result["question_table"] = [
        {"key": key, "name": getattr(questions.get(key), "name", key), **figures}
        for key, figures in data["questions"].items()
    ]
    result["span_table"] = [
        {"label": label, **figures} for label, figures in data["spans"].items()
    ]
    history = agreement_history(project=project)
    series: dict[str, list[tuple[datetime, float | None]]] = {}
    for point in history:
        for key, alpha in point["summary"].get("questions", {}).items():
            series.setdefault(f"α {key}", []).append((point["computed_at"], alpha))
    result["history_chart"] = charts.line_chart(
        series, title=_("Krippendorff's alpha per question over time")
    )
    span_series: dict[str, list[tuple[datetime, float | None]]] = {}
    for point in history:
        for label, f1 in point["summary"].get("spans", {}).items():
            if f1 is not None:
                span_series.setdefault(f"F1 {label}", []).append(
                    (point["computed_at"], f1)
                )
    result["span_history_chart"] = charts.line_chart(
        span_series, title=_("Pairwise span F1 per label over time"), y_min=0.0
    )
    result["heatmaps"] = []
    for key, question in questions.items():
        if data["questions"].get(key, {}).get("n_items", 0) == 0:
            continue
        values = [
            [
                1.0 if a == b else annotators[a]["cohen_kappa"].get(b, {}).get(key)
                for b in order
            ]
            for a in order
        ]
        result["heatmaps"].append(
            {
                "name": question.name,
                "svg": charts.heatmap(
                    order,
                    order,
                    values,
                    title=_("Cohen's kappa between annotators: %(q)s")
                    % {"q": question.name},
                    v_min=0.0,
                ),
            }
        )
    distribution = data["label_distribution"]
    result["distribution_charts"] = [
        {
            "name": question.name,
            "svg": charts.bar_chart(
                [
                    (choice.name, distribution.get(key, {}).get(choice.key, 0))
                    for choice in question.choices
                ],
                title=_("Answers to %(q)s") % {"q": question.name},
                digits=0,
            ),
        }
        for key, question in questions.items()
    ]
    result["span_distribution_chart"] = charts.bar_chart(
        [
            (label.name, distribution.get("__spans__", {}).get(label.key, 0))
            for label in scheme.span_labels
        ],
        title=_("Spans per label"),
        color="#8c564b",
        digits=0,
    )
    result["confusion_charts"] = []
    for key in CONFUSION_QUESTIONS:
        confusion = data["confusion"].get(key)
        question = questions.get(key)
        if confusion is None or question is None:
            continue
        names = [c.name for c in question.choices]
        matrix = [
            [confusion["matrix"][a][b] for b in confusion["categories"]]
            for a in confusion["categories"]
        ]
        peak = max((v for row in matrix for v in row), default=0) or 1
        result["confusion_charts"].append(
            {
                "name": question.name,
                "svg": charts.heatmap(
                    names,
                    names,
                    matrix,
                    title=_("Answer pairs of two annotators: %(q)s")
                    % {"q": question.name},
                    v_max=peak,
                    digits=0,
                ),
            }
        )
    lead = data["lead_time"]
    result["lead_time"] = lead
    result["lead_time_chart"] = charts.bar_chart(
        [
            (name, None if ms is None else ms / 1000)
            for name, ms in lead["annotators"].items()
        ],
        title=_("Median seconds per article, per annotator"),
        color="#17becf",
        digits=1,
    )
    pre = data["preannotation"]
    result["preannotation"] = pre
    origin_names = dict(SpanOrigin.choices)
    result["preannotation_chart"] = charts.stacked_bars(
        [(_("spans"), [pre["origins"].get(o, 0) for o in SpanOrigin.values])],
        parts=[str(origin_names[o]) for o in SpanOrigin.values],
        colors=("#7f7f7f", "#2ca02c", "#bcbd22"),
        title=_("Span origins: manual, accepted or edited suggestions"),
    )
    result["calibration"] = data["calibration"]
    result["calibration_rows"] = [
        {
            "name": question.name,
            "calibration": data["calibration"]["calibration"]["questions"].get(key, {}),
            "rest": data["calibration"]["rest"]["questions"].get(key, {}),
        }
        for key, question in questions.items()
    ]
    result["levels"] = [
        {
            "name": questions[key].name,
            "counts": [buckets.get(b, 0) for b in ("100", "75", "66", "50", "<50")],
        }
        for key, buckets in data["levels"].items()
        if key in questions
    ]
    reliability = []
    for key, ds in data["dawid_skene"].items():
        if key not in questions:
            continue
        reliability.append(
            {
                "name": questions[key].name,
                "svg": charts.bar_chart(
                    [
                        (name, 1 - info["error_rate"])
                        for name, info in ds["annotators"].items()
                    ],
                    title=_("Estimated accuracy (Dawid–Skene): %(q)s")
                    % {"q": questions[key].name},
                    max_value=1.0,
                    color="#9467bd",
                ),
                "n_contested": ds["n_contested"],
                "n_items": ds["n_items"],
            }
        )
    result["reliability"] = reliability
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
