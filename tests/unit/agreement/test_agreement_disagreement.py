"""The review queue's disagreement score per article: hand-computed tables, and the
closed form checked against the package's agreement functions."""

import random
from collections import Counter

import pytest

from annotations.agreement import agreement_levels, pairwise_span_f1
from annotations.agreement.disagreement import SPANS, article_disagreements

QUESTIONS = ["sentiment", "topics"]


def test_full_agreement_scores_zero_and_disputes_nothing():
    answers = [
        (1, "a", {"sentiment": "pos", "topics": ["x", "y"]}),
        (1, "b", {"sentiment": "pos", "topics": ["y", "x"]}),
    ]
    spans = [(1, "a", 0, 5, "ORG"), (1, "b", 0, 5, "ORG")]
    result = article_disagreements(answers, spans, questions=QUESTIONS)[1]
    assert result.parts == {"sentiment": 0.0, "topics": 0.0, SPANS: 0.0}
    assert result.score == 0.0
    assert result.disputed == []


def test_each_part_is_one_minus_the_agreement_and_the_score_their_mean():
    answers = [
        (7, "a", {"sentiment": "pos", "topics": ["x"]}),
        (7, "b", {"sentiment": "pos", "topics": ["x"]}),
        (7, "c", {"sentiment": "neg", "topics": ["x", "y"]}),
    ]
    # ORG: a and b agree on 0-5, c marked nothing; PERSON: only c marked 9-12.
    spans = [
        (7, "a", 0, 5, "ORG"),
        (7, "b", 0, 5, "ORG"),
        (7, "c", 9, 12, "PERSON"),
    ]
    result = article_disagreements(answers, spans, questions=QUESTIONS)[7]
    assert result.parts["sentiment"] == pytest.approx(1 / 3)  # 2 of 3 agree
    assert result.parts["topics"] == pytest.approx(1 / 3)  # the set {x, y} differs
    # Pairwise exact F1 over the pairs (a,b), (a,c), (b,c): ORG 2*1 / (2+1+1) = 0.5,
    # PERSON 0. Weighted by marks (ORG 2, PERSON 1): 1 - (0.5*2 + 0*1) / 3.
    assert result.parts[SPANS] == pytest.approx(1 - 1 / 3)
    assert result.score == pytest.approx((1 / 3 + 1 / 3 + 2 / 3) / 3)
    assert result.disputed == ["sentiment", "topics", SPANS]


def test_a_skipped_optional_question_disagrees_and_an_unanswered_one_is_left_out():
    answers = [
        (1, "a", {"sentiment": "pos", "topics": ["x"]}),
        (1, "b", {"sentiment": "pos"}),
        (2, "a", {"sentiment": "neg"}),
        (2, "b", {"sentiment": "neg", "topics": []}),
    ]
    result = article_disagreements(answers, [], questions=QUESTIONS, with_spans=False)
    assert result[1].parts == {"sentiment": 0.0, "topics": 0.5}
    assert result[2].parts == {"sentiment": 0.0}
    assert result[2].score == 0.0


def test_nobody_marking_spans_is_agreement():
    answers = [(1, "a", {"sentiment": "pos"}), (1, "b", {"sentiment": "neg"})]
    result = article_disagreements(answers, [], questions=["sentiment"])[1]
    assert result.parts == {"sentiment": 0.5, SPANS: 0.0}
    assert result.score == 0.25


def test_one_annotation_has_no_score():
    answers = [(1, "a", {"sentiment": "pos"})]
    spans = [(1, "a", 0, 3, "ORG")]
    result = article_disagreements(answers, spans, questions=QUESTIONS)[1]
    assert result.n_annotations == 1
    assert result.score is None
    assert result.disputed == []


def test_two_annotators_sharing_nothing():
    answers = [(1, "a", {"sentiment": "pos"}), (1, "b", {"sentiment": None})]
    spans = [(1, "a", 0, 3, "ORG"), (1, "b", 0, 3, "PERSON")]
    result = article_disagreements(answers, spans, questions=["sentiment"])[1]
    assert result.parts == {"sentiment": 0.5, SPANS: 1.0}
    # Two annotators can at most split 1:1 on a question, so the score stays below 1.
    assert result.score == 0.75


@pytest.mark.parametrize("seed", range(20))
def test_the_closed_form_equals_the_agreement_functions(seed):
    """Each part is what ``agreement_levels`` and ``pairwise_span_f1`` give the article."""
    rng = random.Random(seed)
    answers, spans = [], []
    for article in range(6):
        for annotator in range(rng.randint(2, 5)):
            labels = {"sentiment": rng.choice(["pos", "neg", "neu", None])}
            answers.append((article, annotator, labels))
            for _ in range(rng.randint(0, 4)):
                start = rng.randint(0, 6)
                label = rng.choice(["ORG", "PERSON"])
                spans.append(
                    (article, annotator, start, start + rng.randint(1, 2), label)
                )
    spans = list(dict.fromkeys(spans))  # a span is marked once per annotation
    result = article_disagreements(answers, spans, questions=["sentiment"])
    for article, disagreement in result.items():
        ratings = [
            (a, annotator, labels["sentiment"] or "no answer")
            for a, annotator, labels in answers
            if a == article
        ]
        if any(labels["sentiment"] for a, _, labels in answers if a == article):
            level = agreement_levels(ratings)[article]
            assert disagreement.parts["sentiment"] == pytest.approx(1 - level.share)
        rows = [
            (
                article,
                annotator,
                [
                    (s, e, lab)
                    for a, an, s, e, lab in spans
                    if (a, an) == (article, annotator)
                ],
            )
            for a, annotator, _labels in answers
            if a == article
        ]
        counts = Counter(lab for _, _, marks in rows for _, _, lab in marks)
        if not counts:
            assert disagreement.parts[SPANS] == 0.0
            continue
        f1 = pairwise_span_f1(rows, labels=sorted(counts))
        weighted = sum(f1[label].f1 * n for label, n in counts.items()) / sum(
            counts.values()
        )
        assert disagreement.parts[SPANS] == pytest.approx(1 - weighted)
