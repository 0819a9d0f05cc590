"""Pure scoring of spans and document answers (annotations/nlp/evaluation.py)."""

import pytest

from annotations.nlp.evaluation import choice_scores, micro, span_scores


def test_exact_and_overlap_counts_per_label():
    gold = [[(0, 5, "ORG"), (10, 15, "PERSON")], [(0, 4, "MONEY")]]
    predicted = [[(0, 5, "ORG"), (11, 15, "PERSON"), (20, 25, "ORG")], []]
    exact = span_scores(gold, predicted, labels=["ORG", "PERSON", "MONEY"])
    assert (exact["ORG"].precision, exact["ORG"].recall) == (0.5, 1.0)
    assert exact["PERSON"].precision == 0.0
    assert exact["PERSON"].f1 == 0.0
    assert exact["MONEY"].recall == 0.0
    assert exact["MONEY"].precision is None  # nothing predicted
    loose = span_scores(gold, predicted, labels=["PERSON"], overlap=True)
    assert (loose["PERSON"].precision, loose["PERSON"].recall) == (1.0, 1.0)


def test_labels_must_match_and_duplicates_count_once():
    gold = [[(0, 5, "ORG")]]
    predicted = [[(0, 5, "PERSON"), (0, 5, "PERSON")]]
    scores = span_scores(gold, predicted)
    assert scores["ORG"].recall == 0.0
    assert scores["PERSON"].n_predicted == 1
    assert list(scores) == ["ORG", "PERSON"]


def test_micro_sums_counts_of_the_chosen_labels():
    gold = [[(0, 1, "A"), (2, 3, "B"), (4, 5, "C")]]
    predicted = [[(0, 1, "A"), (2, 3, "C")]]
    scores = span_scores(gold, predicted)
    both = micro(scores, ["A", "B"])
    assert (both.n_gold, both.n_predicted, both.hits_gold) == (2, 1, 1)
    assert micro(scores).precision == 0.5


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="2 gold documents but 1 predicted"):
        span_scores([[], []], [[]])
    with pytest.raises(ValueError, match="gold answers"):
        choice_scores(["a"], [])


def test_choice_scores_accuracy_and_macro_f1():
    gold = ["neg", "neg", "pos", "neu"]
    predicted = ["neg", "pos", "pos", "pos"]
    scores = choice_scores(gold, predicted)
    assert scores.n == 4
    assert scores.accuracy == 0.5
    # F1: neg 2/3, pos 2*1/(1+3) = 0.5, neu 0
    assert scores.per_choice_f1 == pytest.approx({"neg": 2 / 3, "pos": 0.5, "neu": 0.0})
    assert scores.macro_f1 == pytest.approx((2 / 3 + 0.5) / 3)
    assert choice_scores([], []).accuracy is None
