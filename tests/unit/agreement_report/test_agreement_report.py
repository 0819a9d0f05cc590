"""The agreement report built from hand-made plain data (no database), and its JSON form."""

import json

import pytest

from annotations.agreement_report import (
    AgreementReport,
    HistoryPoint,
    ReportSummary,
    agreement_report_build,
    report_inputs,
    token_alpha_sample,
)
from annotations.agreement_report import inputs as report_inputs_module
from annotations.default_scheme import default_scheme
from annotations.scheme import parse_scheme
from tests.unit.agreement_report.conftest import NOW

CONTRACT_KEYS = ["questions", "spans", "annotators", "computed_at"]
EXTRA_KEYS = [
    "annotator_order",
    "dawid_skene",
    "progress",
    "label_distribution",
    "confusion",
    "levels",
    "lead_time",
    "preannotation",
    "calibration",
    "summary",
]


def test_progress_counts_complete_in_progress_untouched_adjudicated(report):
    articles = report.progress.articles
    assert (articles.total, articles.complete, articles.in_progress) == (3, 1, 1)
    assert (articles.untouched, articles.adjudicated) == (1, 1)
    assert report.progress.overlap == 2


def test_only_items_with_two_submissions_count_for_agreement(report):
    sentiment, bias = report.questions["sentiment"], report.questions["bias"]
    assert (sentiment.n_items, sentiment.n_annotators) == (1, 2)
    assert sentiment.percent_agreement == 1.0
    assert bias.percent_agreement == 0.0
    assert report.questions["opinion"].n_items == 0
    assert report.spans["ORG"].n_items == 1
    assert report.spans["ORG"].pairwise_f1 == 1.0
    assert report.spans["ORG"].token_alpha is not None
    assert report.spans["PERSON"].pairwise_f1 is None


def test_annotators_counts_kappas_and_gold(report):
    assert report.annotator_order == ["@10", "@20", "@30"]
    anna, ben, cem = (report.annotators[k] for k in report.annotator_order)
    assert (anna.n_submitted, anna.n_drafts, anna.n_skipped) == (2, 0, 0)
    assert (ben.n_submitted, ben.n_drafts, cem.n_skipped) == (1, 1, 1)
    assert set(anna.cohen_kappa) == {"@20"}
    assert set(anna.cohen_kappa["@20"]) == {"sentiment", "bias"}
    assert anna.gold.questions["bias"].accuracy == 1.0
    assert ben.gold.questions["bias"].accuracy == 0.0
    assert anna.gold.spans["ORG"].f1 == 1.0
    assert cem.gold is None


def test_distribution_confusion_lead_time_and_acceptance(report):
    assert report.label_distribution["sentiment"]["positive"] == 2
    assert report.label_distribution["sentiment"]["negative"] == 1
    assert report.span_distribution == {
        **dict.fromkeys(report.spans, 0),
        "ORG": 2,
        "PERSON": 1,
    }
    confusion = report.confusion["sentiment"]
    assert confusion.matrix["positive"]["positive"] == 2
    assert sum(map(sum, confusion.rows())) == 2
    assert report.levels["sentiment"] == {"100": 1}
    assert report.lead_time.median_ms == 5000  # 0 means "not recorded"
    assert report.lead_time.annotators == {"@10": 4000, "@20": 6000, "@30": None}
    assert report.preannotation.n_spans == 3
    assert report.preannotation.acceptance_share == pytest.approx(1 / 3)
    assert report.dawid_skene["sentiment"].n_contested == 0
    assert report.dawid_skene["sentiment"].posteriors == {}


def test_calibration_articles_are_compared_with_the_rest(report):
    calibration, rest = report.calibration.calibration, report.calibration.rest
    assert (calibration.n_articles, calibration.n_submitted) == (1, 0)
    assert (rest.n_articles, rest.n_submitted) == (2, 3)
    assert rest.questions["sentiment"].gold_accuracy == 1.0
    assert rest.questions["sentiment"].n_gold == 2
    assert rest.span_gold_f1 == 1.0
    assert calibration.span_gold_f1 is None


def test_json_keys_in_contract_order_and_the_round_trip_is_exact(report):
    data = report.to_dict()
    assert list(data) == CONTRACT_KEYS + EXTRA_KEYS
    assert data["computed_at"] == NOW.isoformat()
    question_keys = "krippendorff_alpha fleiss_kappa percent_agreement level n_items"
    assert list(data["questions"]["sentiment"]) == [
        *question_keys.split(),
        "n_annotators",
    ]
    span_keys = "pairwise_f1 pairwise_f1_overlap n_items token_alpha"
    assert list(data["spans"]["ORG"]) == span_keys.split()
    assert data["summary"] == {
        "questions": {k: v["krippendorff_alpha"] for k, v in data["questions"].items()},
        "spans": {k: v["pairwise_f1"] for k, v in data["spans"].items()},
        "n_submitted": 3,
    }
    text = json.dumps(data)
    again = AgreementReport.from_dict(json.loads(text))
    assert json.dumps(again.to_dict()) == text
    assert "stale" not in data
    stale = AgreementReport.from_dict({**data, "stale": True})
    assert stale.stale
    assert stale.to_dict()["stale"] is True


def test_figures_without_posteriors_still_read(report):
    data = report.to_dict()
    for figures in data["dawid_skene"].values():
        del figures["posteriors"]
    assert AgreementReport.from_dict(data).dawid_skene["sentiment"].posteriors == {}


def test_no_token_texts_means_no_token_alpha(work):
    report = agreement_report_build(
        report_inputs(work),
        scheme=parse_scheme(default_scheme("en")),
        overlap=2,
        token_texts={},
        now=NOW,
    )
    assert report.spans["ORG"].token_alpha is None
    assert report.spans["ORG"].pairwise_f1 == 1.0


def test_token_sample_is_capped_and_seeded(monkeypatch):
    rows = [(item, f"@{a}", []) for item in range(1, 11) for a in (1, 2)]
    rows.append((99, "@1", []))  # one annotation only: not pairable
    assert token_alpha_sample(rows, seed=7) == list(range(1, 11))
    monkeypatch.setattr(report_inputs_module, "TOKEN_ALPHA_SAMPLE", 4)
    sample = token_alpha_sample(rows, seed=7)
    assert len(sample) == 4
    assert sample == sorted(sample)
    assert sample == token_alpha_sample(rows, seed=7)
    assert 99 not in sample


def test_summary_and_history_points_tolerate_missing_keys():
    assert ReportSummary.from_dict(None) == ReportSummary()
    summary = ReportSummary.from_dict({"questions": {"sentiment": 0.4}})
    assert (summary.questions, summary.spans, summary.n_submitted) == (
        {"sentiment": 0.4},
        {},
        0,
    )
    assert HistoryPoint(computed_at=NOW, summary=summary).summary.questions == {
        "sentiment": 0.4
    }
