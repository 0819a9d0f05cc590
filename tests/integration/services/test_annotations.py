"""annotation_save: validation against text and scheme, optimistic locking, nothing lost."""

import pytest
from django.core.exceptions import ValidationError

from annotations.choices import AnnotationStatus, SpanOrigin
from annotations.errors import ConflictError
from annotations.models import Annotation, AnnotationSpan
from annotations.services.annotations import annotation_save
from tests.factories import ArticleFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

TEXT = "Horror-Zahlen 📉 bei der Société Générale: Verlust von 2,3 Mrd. Euro.\r\nMehr?"


def span(text, fragment, label):
    start = text.index(fragment)
    return {
        "start": start,
        "end": start + len(fragment),
        "label": label,
        "text": fragment,
    }


@pytest.fixture
def article():
    return ArticleFactory(text=TEXT, project=ProjectFactory(language="de"))


@pytest.fixture
def annotator():
    return UserFactory()


def test_save_creates_annotation_with_unicode_spans(article, annotator):
    spans = [
        span(TEXT, "Horror-Zahlen", "LOADED"),
        span(TEXT, "Société Générale", "ORG"),
        span(TEXT, "2,3 Mrd. Euro", "MONEY"),
    ]
    annotation = annotation_save(
        article=article,
        annotator=annotator,
        spans=spans,
        labels={"sentiment": "very_negative"},
        lead_time_ms=1234,
    )
    assert annotation.version == 1
    assert annotation.status == AnnotationStatus.DRAFT
    assert annotation.guideline_version.number == 1
    assert annotation.text_sha256 == article.content_hash
    stored = list(annotation.spans.order_by("start"))
    assert [(s.label, s.text) for s in stored] == [
        ("LOADED", "Horror-Zahlen"),
        ("ORG", "Société Générale"),
        ("MONEY", "2,3 Mrd. Euro"),
    ]
    assert all(TEXT[s.start : s.end] == s.text for s in stored)


def test_span_origin_is_recorded(article, annotator):
    annotation_save(
        article=article,
        annotator=annotator,
        spans=[
            {**span(TEXT, "Société Générale", "ORG"), "origin": "suggestion_accepted"}
        ],
        labels={},
    )
    assert AnnotationSpan.objects.get().origin == SpanOrigin.SUGGESTION_ACCEPTED


@pytest.mark.parametrize(
    ("bad_span", "message"),
    [
        ({"start": 0, "end": 500, "label": "ORG"}, "outside the text"),
        ({"start": 0, "end": 6, "label": "COMPANY"}, "unknown label"),
        ({"start": 0, "end": 6, "label": "ORG", "text": "Horrors"}, "does not match"),
    ],
)
def test_invalid_span_leaves_stored_work_untouched(
    article, annotator, bad_span, message
):
    first = annotation_save(
        article=article,
        annotator=annotator,
        spans=[span(TEXT, "Société Générale", "ORG")],
        labels={"sentiment": "negative"},
    )
    with pytest.raises(ValidationError, match=message):
        annotation_save(
            article=article,
            annotator=annotator,
            spans=[bad_span],
            labels={"sentiment": "neutral"},
            version=first.version,
        )
    first.refresh_from_db()
    assert first.version == 1
    assert first.labels == {"sentiment": "negative"}
    assert list(first.spans.values_list("text", flat=True)) == ["Société Générale"]


def test_overlap_rule_follows_the_project_setting(annotator):
    text = "Rekord-Crash bei Siemens"
    spans = [
        span(text, "Rekord-Crash bei Siemens", "LOADED"),
        span(text, "Siemens", "ORG"),
    ]
    allowed = ArticleFactory(
        text=text, project=ProjectFactory(allow_overlapping_spans=True)
    )
    assert annotation_save(article=allowed, annotator=annotator, spans=spans, labels={})
    refused = ArticleFactory(
        text=text, project=ProjectFactory(allow_overlapping_spans=False)
    )
    with pytest.raises(ValidationError, match="overlaps"):
        annotation_save(article=refused, annotator=annotator, spans=spans, labels={})
    assert not Annotation.objects.filter(article=refused).exists()


def test_unknown_choice_is_rejected(article, annotator):
    with pytest.raises(ValidationError, match="Unknown choice 'meh'"):
        annotation_save(
            article=article, annotator=annotator, spans=[], labels={"sentiment": "meh"}
        )


def test_submit_requires_every_required_question(article, annotator):
    with pytest.raises(ValidationError, match="not answered: bias"):
        annotation_save(
            article=article,
            annotator=annotator,
            spans=[],
            labels={"sentiment": "neutral"},
            status=AnnotationStatus.SUBMITTED,
        )
    submitted = annotation_save(
        article=article,
        annotator=annotator,
        spans=[],
        labels={"sentiment": "neutral", "bias": "non_biased"},
        status=AnnotationStatus.SUBMITTED,
    )
    assert submitted.submitted_at is not None


def test_skip_needs_a_reason(article, annotator):
    with pytest.raises(ValidationError, match="Say why"):
        annotation_save(
            article=article, annotator=annotator, spans=[], labels={}, status="skipped"
        )


def test_optimistic_locking(article, annotator):
    first = annotation_save(article=article, annotator=annotator, spans=[], labels={})
    with pytest.raises(ConflictError, match="already exists"):
        annotation_save(article=article, annotator=annotator, spans=[], labels={})
    second = annotation_save(
        article=article, annotator=annotator, spans=[], labels={}, version=first.version
    )
    assert second.version == 2
    with pytest.raises(ConflictError, match="Version 1 is stale") as caught:
        annotation_save(
            article=article, annotator=annotator, spans=[], labels={}, version=1
        )
    assert caught.value.current_version == 2


def test_version_without_existing_annotation_is_a_conflict(article, annotator):
    with pytest.raises(ConflictError, match="no saved annotation"):
        annotation_save(
            article=article, annotator=annotator, spans=[], labels={}, version=3
        )


def test_each_annotator_has_their_own_annotation(article):
    anna, ben = UserFactory(), UserFactory()
    annotation_save(article=article, annotator=anna, spans=[], labels={})
    annotation_save(article=article, annotator=ben, spans=[], labels={})
    assert article.annotations.count() == 2
