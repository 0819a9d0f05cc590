"""The dashboard's per-chart helpers, fed a typed report built from plain data."""

from annotations.agreement_report import HistoryPoint, ReportSummary
from annotations.default_scheme import default_scheme
from annotations.scheme import parse_scheme
from annotations.views import dashboard
from tests.unit.agreement_report.conftest import NOW

SCHEME = parse_scheme(default_scheme("en"))
QUESTIONS = {q.key: q for q in SCHEME.questions}


def test_tables_name_questions_and_keep_the_contract_figures(report):
    rows = dashboard.question_table(report, QUESTIONS)
    assert [row["key"] for row in rows] == ["sentiment", "bias", "opinion"]
    assert rows[0]["name"] == QUESTIONS["sentiment"].name
    assert rows[0]["percent_agreement"] == 1.0
    spans = {row["label"]: row for row in dashboard.span_table(report)}
    assert spans["ORG"]["pairwise_f1"] == 1.0
    assert spans["ORG"]["name"] == "ORG"  # no scheme names given: the key
    assert "token_alpha" in spans["ORG"]
    named = dashboard.span_table(report, {"ORG": "Organisation"})
    assert named[0]["name"] == "Organisation"


def test_kappa_heatmaps_only_for_questions_with_pairable_items(report):
    heatmaps = dashboard.kappa_heatmaps(report, QUESTIONS)
    assert [h["name"] for h in heatmaps] == [
        QUESTIONS["sentiment"].name,
        QUESTIONS["bias"].name,
    ]
    chart = heatmaps[0]["chart"]
    assert "@20" in chart.columns
    assert [row.name for row in chart.rows] == list(chart.columns)
    diagonal = [row.cells[i] for i, row in enumerate(chart.rows)]
    assert {(cell.value, cell.level) for cell in diagonal} == {("1", 9)}
    assert heatmaps[0]["size"] == ""  # two annotators fit a narrow card


def test_confusion_and_reliability_charts(report):
    (confusion,) = dashboard.confusion_charts(
        report, {"sentiment": QUESTIONS["sentiment"]}
    )
    assert confusion["name"] == QUESTIONS["sentiment"].name
    reliability = dashboard.reliability_charts(report, QUESTIONS)
    assert [r["n_items"] for r in reliability] == [1, 1]
    assert dashboard.reliability_charts(report, {}) == []


def test_levels_and_calibration_rows(report):
    levels = dashboard.level_rows(report, QUESTIONS)
    assert levels[0] == {"name": QUESTIONS["sentiment"].name, "counts": [1, 0, 0, 0, 0]}
    rows = dashboard.calibration_rows(report.calibration, QUESTIONS)
    assert rows[0]["rest"].gold_accuracy == 1.0
    assert rows[0]["calibration"].n_gold == 0


def test_history_charts_skip_missing_span_figures():
    history = [
        HistoryPoint(
            NOW, ReportSummary(questions={"sentiment": 0.2}, spans={"ORG": None})
        ),
        HistoryPoint(
            NOW.replace(hour=9),
            ReportSummary(questions={"sentiment": 0.5}, spans={"ORG": 0.7}),
        ),
    ]
    alpha = dashboard.alpha_history_chart(history, QUESTIONS)
    assert [line.name for line in alpha.lines] == [QUESTIONS["sentiment"].name]
    assert len(alpha.lines[0].dots) == 2
    # The later point (0.5) is to the right of and higher than the first (0.2).
    (x0, y0), (x1, y1) = alpha.lines[0].dots
    assert x1 > x0
    assert y1 < y0
    spans = dashboard.span_history_chart(history, {"ORG": "Organisation"})
    assert [(line.name, len(line.dots)) for line in spans.lines] == [
        ("Organisation", 1)
    ]
    assert dashboard.span_history_chart([]).lines == ()


def test_progress_lead_time_and_origin_charts_carry_their_numbers(report):
    (progress,) = dashboard.progress_chart(report.progress.articles).bars
    assert progress.value == "3"  # 1 complete + 1 in progress + 1 untouched
    assert [s.width for s in progress.segments] == [33.33, 33.33, 33.33]
    lead = dashboard.lead_time_chart(report.lead_time)
    assert {bar.value for bar in lead.bars} >= {"4", "6"}
    origins = dashboard.preannotation_chart(report.preannotation)
    assert origins.bars[0].value == "3"
    assert [entry.name for entry in origins.legend] == [
        "Manual",
        "Accepted suggestion",
        "Edited suggestion",
    ]
    spans = dashboard.span_distribution_chart(report, SCHEME)
    org = next(bar for bar in spans.bars if bar.label == "Organisation")
    assert org.value == "2"
