"""A small project's work as plain data, and the report built from it."""

from datetime import UTC, datetime

import pytest

from annotations.agreement_report import (
    ProjectWork,
    agreement_report_build,
    report_inputs,
)
from annotations.default_scheme import default_scheme
from annotations.scheme import parse_scheme

NOW = datetime(2025, 3, 4, 5, 6, 7, 890, tzinfo=UTC)
TEXT = "Siemens shares rose after Tim Cook spoke."


def annotation(pk, article, annotator, status, labels=None, lead=0):
    return {
        "pk": pk,
        "article_id": article,
        "annotator_id": annotator,
        "status": status,
        "labels": labels or {},
        "lead_time_ms": lead,
    }


@pytest.fixture
def work():
    """Article 1: two submissions and final gold; 2: one submission and a draft;
    3 (calibration): only a skip."""
    return ProjectWork(
        annotations=[
            annotation(
                1, 1, 10, "submitted", {"sentiment": "positive", "bias": "biased"}, 4000
            ),
            annotation(
                2,
                1,
                20,
                "submitted",
                {"sentiment": "positive", "bias": "non_biased"},
                6000,
            ),
            annotation(3, 2, 10, "submitted", {"sentiment": "negative"}),
            annotation(4, 2, 20, "draft"),
            annotation(5, 3, 30, "skipped"),
        ],
        spans={
            1: [(0, 7, "ORG", "manual")],
            2: [(0, 7, "ORG", "suggestion_accepted")],
            3: [(26, 34, "PERSON", "manual")],
        },
        articles={
            1: {"is_calibration": False},
            2: {"is_calibration": False},
            3: {"is_calibration": True},
        },
        gold={
            1: {
                "pk": 100,
                "article_id": 1,
                "labels": {"sentiment": "positive", "bias": "biased"},
            }
        },
        gold_spans={1: [(0, 7, "ORG")]},
    )


@pytest.fixture
def report(work):
    return agreement_report_build(
        report_inputs(work),
        scheme=parse_scheme(default_scheme("en")),
        overlap=2,
        token_texts={1: TEXT},
        now=NOW,
    )
