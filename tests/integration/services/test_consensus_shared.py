"""The review page's gold pre-fill and the gold export agree on the consensus."""

import pytest

from annotations.selectors.export_rows import export_rows
from annotations.selectors.exports import ExportFilters
from annotations.services.gold import consensus_for_article
from tests.factories import TEXT, ArticleFactory, annotate, annotator, span

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("allow_overlap", [True, False])
def test_prefill_and_export_consensus_are_the_same_rule(project, allow_overlap):
    project.overlap = 3
    project.allow_overlapping_spans = allow_overlap
    project.consensus = {"span_min_annotators": 1, "question_threshold": 0.5}
    project.save()
    article = ArticleFactory(project=project, text=TEXT)
    users = [annotator(project, name) for name in ("anna", "ben", "cem")]
    siemens, bank = span(TEXT, "Siemens", "ORG"), span(TEXT, "Deutsche Bank", "ORG")
    wide = span(TEXT, "Deutsche Bank cut", "LOADED")
    annotate(
        article,
        users[0],
        [siemens, bank],
        {"sentiment": "negative", "bias": "biased"},
    )
    annotate(
        article,
        users[1],
        [siemens, bank],
        {"sentiment": "negative", "bias": "non_biased"},
    )
    annotate(
        article, users[2], [siemens, wide], {"sentiment": "neutral", "bias": "biased"}
    )

    prefill = consensus_for_article(article=article)
    (row,) = export_rows(project=project, filters=ExportFilters(source="gold"))
    assert {(s.start, s.end, s.label) for s in row.spans} == {
        (s["start"], s["end"], s["label"]) for s in prefill.spans
    }
    assert row.labels == prefill.labels == {"sentiment": "negative", "bias": "biased"}
    # Where overlaps are forbidden the better supported span (bank, 2 votes) wins.
    expected = {"Siemens", "Deutsche Bank", "Deutsche Bank cut"}
    if not allow_overlap:
        expected.discard("Deutsche Bank cut")
    assert {s.text for s in row.spans} == expected
