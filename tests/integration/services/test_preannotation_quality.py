"""Pipeline spans against gold (exact and overlap) and the acceptance of suggestions."""

import pytest

from annotations.models import GoldAnnotation, GoldSpan, Prediction
from annotations.selectors.preannotation import preannotation_quality
from annotations.services.annotations import annotation_save
from tests.factories import ArticleFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

TEXT = "Siemens AG and BASF SE gained 3 percent, said CEO Roland Busch."
DONE = {"sentiment": "positive", "bias": "non_biased"}


def span(fragment, label, **extra):
    start = TEXT.index(fragment)
    return {
        "start": start,
        "end": start + len(fragment),
        "label": label,
        "text": fragment,
        **extra,
    }


def test_precision_recall_and_acceptance_by_hand():
    project = ProjectFactory()
    article = ArticleFactory(project=project, text=TEXT)
    Prediction.objects.create(
        article=article,
        pipeline="fin-en",
        pipeline_version="v1",
        spans=[
            span("Siemens AG", "ORG", score=1.0),  # exact hit
            span("BASF", "ORG", score=1.0),  # overlaps gold "BASF SE"
            span("3 percent", "PERCENT", score=1.0),  # false positive (gold has none)
        ],
    )
    gold = GoldAnnotation.objects.create(
        article=article, reviewer=UserFactory(), text_sha256=article.content_hash
    )
    for fragment, label in [
        ("Siemens AG", "ORG"),
        ("BASF SE", "ORG"),
        ("Roland Busch", "PERSON"),
    ]:
        s = span(fragment, label)
        GoldSpan.objects.create(
            gold=gold, start=s["start"], end=s["end"], label=label, text=fragment
        )
    annotation_save(
        article=article,
        annotator=UserFactory(),
        spans=[
            span("Siemens AG", "ORG", origin="suggestion_accepted"),
            span("BASF SE", "ORG", origin="suggestion_edited"),
            span("Roland Busch", "PERSON"),
        ],
        labels=DONE,
        status="submitted",
    )

    quality = preannotation_quality(project=project)
    org = quality["labels"]["ORG"]
    assert org["exact"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert org["overlap"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert quality["labels"]["PERCENT"]["exact"]["precision"] == 0.0
    assert quality["labels"]["PERCENT"]["exact"]["recall"] is None  # no gold PERCENT
    assert quality["labels"]["PERSON"]["exact"]["recall"] == 0.0
    acceptance = quality["acceptance"]
    assert (
        acceptance["suggestions"],
        acceptance["accepted"],
        acceptance["edited"],
        acceptance["rejected"],
    ) == (3, 1, 1, 1)
    assert acceptance["manual_spans"] == 1


def test_no_predictions_gives_an_empty_report():
    assert preannotation_quality(project=ProjectFactory())["labels"] == {}
