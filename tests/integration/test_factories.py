"""The shared test factories build rows the services would accept."""

import pytest

from annotations.choices import AnnotationStatus, GoldStatus
from tests.factories import (
    ANSWERS,
    TEXT,
    AnnotationFactory,
    AnnotationSpanFactory,
    ArticleFactory,
    GoldAnnotationFactory,
    GoldSpanFactory,
    annotate,
    span,
    team,
)

pytestmark = pytest.mark.django_db


def test_span_finds_the_nth_occurrence():
    text = "BASF and BASF again"
    assert span(text, "BASF", "ORG", occurrence=1) == {
        "start": 9,
        "end": 13,
        "label": "ORG",
        "text": "BASF",
    }


def test_annotation_and_gold_factories_match_the_article(project):
    article = ArticleFactory(project=project, text=TEXT)
    annotation = AnnotationFactory(
        article=article, spans=[span(TEXT, "Deutsche Bank", "ORG")]
    )
    gold = GoldAnnotationFactory(article=article, spans=[span(TEXT, "5%", "PERCENT")])
    assert (annotation.status, annotation.labels) == (
        AnnotationStatus.SUBMITTED,
        ANSWERS,
    )
    assert gold.status == GoldStatus.FINAL
    for row in (annotation, gold):
        assert row.text_sha256 == article.content_hash
        assert row.guideline_version.number == 1
        for stored in row.spans.all():
            assert TEXT[stored.start : stored.end] == stored.text
    first_word = AnnotationSpanFactory(annotation=annotation)
    assert (first_word.text, first_word.label) == ("Siemens", "ORG")
    assert GoldSpanFactory(gold=gold).text == "Siemens"


def test_annotate_goes_through_the_service(project):
    (anna,) = team(project, ["anna"])
    article = ArticleFactory(project=project, text=TEXT)
    draft = annotate(article, anna, status=AnnotationStatus.DRAFT)
    assert (draft.version, draft.labels) == (1, {})
    submitted = annotate(article, anna, [span(TEXT, "Siemens", "ORG")], version=1)
    assert (submitted.version, submitted.labels) == (2, ANSWERS)
    assert anna.username == f"{project.slug}-anna"
