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
    assert "token_alpha" in spans["ORG"]


def test_kappa_heatmaps_only_for_questions_with_pairable_items(report):
    names = [h["name"] for h in dashboard.kappa_heatmaps(report, QUESTIONS)]
    assert names == [QUESTIONS["sentiment"].name, QUESTIONS["bias"].name]
    assert "@20" in str(dashboard.kappa_heatmaps(report, QUESTIONS)[0]["svg"])


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
    alpha = str(dashboard.alpha_history_chart(history))
    assert alpha.count("<circle") == 2
    spans = str(dashboard.span_history_chart(history))
    assert spans.count("<circle") == 1
    assert "no history yet" in str(dashboard.span_history_chart([]))


def test_progress_lead_time_and_origin_charts_carry_their_numbers(report):
    progress = str(dashboard.progress_chart(report.progress.articles))
    assert ">3</text>" in progress  # 1 complete + 1 in progress + 1 untouched
    lead = str(dashboard.lead_time_chart(report.lead_time))
    assert ">4</text>" in lead
    assert ">6</text>" in lead
    assert ">3</text>" in str(dashboard.preannotation_chart(report.preannotation))
    spans = str(dashboard.span_distribution_chart(report, SCHEME))
    assert ">2</text>" in spans
