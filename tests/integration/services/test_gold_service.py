"""Gold: saving with validation and optimistic locking, one-click accepts, consensus."""

import pytest
from django.core.exceptions import ValidationError

from annotations.choices import GoldStatus, Role
from annotations.errors import ConflictError
from annotations.models import GoldAnnotation
from annotations.services.adjudication import (
    gold_answer_set,
    gold_draft_prefill,
    gold_finish,
    gold_save,
    gold_span_accept,
    gold_span_relabel,
    gold_span_remove,
)
from annotations.services.gold import consensus_for_article, consensus_for_project
from tests.factories import ArticleFactory, ProjectFactory, annotate, span, team

pytestmark = pytest.mark.django_db

TEXT = "Siemens shares rose 5% after Deutsche Bank upgraded them to buy."


@pytest.fixture
def project():
    return ProjectFactory(overlap=3)


@pytest.fixture
def article(project):
    return ArticleFactory(project=project, text=TEXT)


@pytest.fixture
def reviewer(project):
    return team(project, ["rev"], Role.REVIEWER)[0]


def test_gold_save_creates_then_replaces_with_the_current_version(article, reviewer):
    gold = gold_save(
        article=article,
        reviewer=reviewer,
        spans=[span(article.text, "Siemens", "ORG")],
        labels={"sentiment": "positive"},
    )
    assert (gold.version, gold.status) == (1, GoldStatus.DRAFT)
    with pytest.raises(ConflictError, match="already exists"):
        gold_save(article=article, reviewer=reviewer, spans=[], labels={})
    gold = gold_save(
        article=article,
        reviewer=reviewer,
        spans=[],
        labels={"sentiment": "positive", "bias": "biased"},
        status="submitted",
        version=1,
        note="clear case",
    )
    assert (gold.version, gold.status, gold.note) == (2, GoldStatus.FINAL, "clear case")
    assert gold.spans.count() == 0
    with pytest.raises(ConflictError, match="stale"):
        gold_save(article=article, reviewer=reviewer, spans=[], labels={}, version=1)


def test_gold_save_validates_spans_answers_and_required_questions(article, reviewer):
    with pytest.raises(ValidationError, match="does not match"):
        gold_save(
            article=article,
            reviewer=reviewer,
            spans=[{"start": 0, "end": 7, "label": "ORG", "text": "Siemenz"}],
            labels={},
        )
    with pytest.raises(ValidationError, match="Unknown choice"):
        gold_save(
            article=article, reviewer=reviewer, spans=[], labels={"sentiment": "meh"}
        )
    with pytest.raises(ValidationError, match="Answer “Media bias” before submitting"):
        gold_save(
            article=article,
            reviewer=reviewer,
            spans=[],
            labels={"sentiment": "neutral"},
            status="submitted",
        )
    assert not GoldAnnotation.objects.filter(article=article).exists()


def test_consensus_majority_threshold_and_span_minimum(project, article):
    anna, ben, cem = team(project, ["anna", "ben", "cem"])
    siemens = span(article.text, "Siemens", "ORG")
    bank = span(article.text, "Deutsche Bank", "ORG")
    annotate(
        article, anna, [siemens, bank], {"sentiment": "positive", "bias": "biased"}
    )
    annotate(article, ben, [siemens], {"sentiment": "positive", "bias": "non_biased"})
    annotate(article, cem, [siemens], {"sentiment": "neutral"}, status="draft")
    consensus = consensus_for_article(article=article)
    # cem's draft does not count; two submitted annotations.
    assert consensus.n_annotations == 2
    assert consensus.labels == {"sentiment": "positive"}  # bias is a 1:1 tie
    assert [(s["text"], s["support"]) for s in consensus.spans] == [("Siemens", 2)]
    assert consensus.source == "consensus"
    project.consensus = {"span_min_annotators": 1, "question_threshold": 0.9}
    project.save()
    article.project = project
    loose = consensus_for_article(article=article)
    assert {s["text"] for s in loose.spans} == {"Siemens", "Deutsche Bank"}
    assert loose.labels == {"sentiment": "positive"}  # share 1.0 >= 0.9


def test_consensus_of_one_annotation_is_that_annotation(project, article):
    (anna,) = team(project, ["anna"])
    labels = {"sentiment": "negative", "bias": "non_biased"}
    annotate(article, anna, [span(article.text, "Siemens", "ORG")], labels)
    consensus = consensus_for_project(project=project)[article.pk]
    assert consensus.labels == {"sentiment": "negative", "bias": "non_biased"}
    assert len(consensus.spans) == 1


def test_consensus_without_overlaps_keeps_the_better_supported_span(project, article):
    project.allow_overlapping_spans = False
    project.consensus = {"span_min_annotators": 1}
    project.save()
    anna, ben, cem = team(project, ["anna", "ben", "cem"])
    short = span(article.text, "Deutsche", "ORG")
    long = span(article.text, "Deutsche Bank", "ORG")
    annotate(article, anna, [long])
    annotate(article, ben, [long])
    annotate(article, cem, [short])
    article.project = project
    assert [s["text"] for s in consensus_for_article(article=article).spans] == [
        "Deutsche Bank"
    ]


def test_one_click_accepts_start_from_the_majority_draft(project, article, reviewer):
    anna, ben = team(project, ["anna", "ben"])
    siemens = span(article.text, "Siemens", "ORG")
    annotate(article, anna, [siemens], {"sentiment": "positive", "bias": "biased"})
    annotate(article, ben, [siemens], {"sentiment": "positive", "bias": "non_biased"})
    prefill = gold_draft_prefill(article=article)
    assert prefill["labels"] == {"sentiment": "positive"}
    bank = span(article.text, "Deutsche Bank", "ORG")
    gold = gold_span_accept(
        article=article, reviewer=reviewer, version=None, **_key(bank)
    )
    assert gold.version == 1
    assert {s.text for s in gold.spans.all()} == {"Siemens", "Deutsche Bank"}
    gold = gold_answer_set(
        article=article, reviewer=reviewer, question="bias", value="biased", version=1
    )
    gold = gold_span_remove(
        article=article, reviewer=reviewer, version=2, **_key(siemens)
    )
    assert {s.text for s in gold.spans.all()} == {"Deutsche Bank"}
    gold = gold_finish(
        article=article, reviewer=reviewer, version=3, note="ok", status="submitted"
    )
    assert gold.status == GoldStatus.FINAL
    assert gold.labels == {"sentiment": "positive", "bias": "biased"}
    assert gold.source_annotations.count() == 2
    with pytest.raises(ConflictError, match="changed this gold meanwhile"):
        gold_span_accept(article=article, reviewer=reviewer, version=2, **_key(siemens))


def _key(span_dict):
    return {k: span_dict[k] for k in ("start", "end", "label")}


def test_relabel_keeps_the_offsets_and_refuses_what_is_not_in_gold(article, reviewer):
    siemens = span(article.text, "Siemens", "ORG")
    gold = gold_save(article=article, reviewer=reviewer, spans=[siemens], labels={})
    gold = gold_span_relabel(
        article=article,
        reviewer=reviewer,
        start=0,
        end=7,
        label="ORG",
        new_label="PERSON",
        version=gold.version,
    )
    assert [(s.start, s.end, s.label, s.text) for s in gold.spans.all()] == [
        (0, 7, "PERSON", "Siemens")
    ]
    assert gold.status == GoldStatus.DRAFT
    refused = {
        ("ORG", "MONEY"): "not in the gold",
        ("PERSON", "RUMOUR"): "“RUMOUR” is not a span label",
    }
    for (label, new_label), message in refused.items():
        with pytest.raises(ValidationError, match=message):
            gold_span_relabel(
                article=article,
                reviewer=reviewer,
                start=0,
                end=7,
                label=label,
                new_label=new_label,
                version=gold.version,
            )


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [(5, 3, "starts before it ends"), (0, 999, "characters 0 to 64"), (-1, 2, "0 to")],
)
def test_accept_refuses_offsets_outside_the_text_in_plain_words(
    article, reviewer, start, end, message
):
    with pytest.raises(ValidationError, match=message) as refused:
        gold_span_accept(
            article=article,
            reviewer=reviewer,
            start=start,
            end=end,
            label="ORG",
            version=None,
        )
    assert set(refused.value.message_dict) == {"start"}
    assert not GoldAnnotation.objects.filter(article=article).exists()


def test_a_stale_page_is_told_to_reload(article, reviewer):
    gold = gold_save(article=article, reviewer=reviewer, spans=[], labels={})
    with pytest.raises(ConflictError, match="Someone changed this gold meanwhile"):
        gold_span_remove(
            article=article,
            reviewer=reviewer,
            start=0,
            end=7,
            label="ORG",
            version=gold.version + 1,
        )
