"""Span F1 (exact, overlap credit) and token-level alpha on hand-computed cases."""

import krippendorff
import numpy as np
import pytest

from annotations.agreement import pairwise_span_f1, span_agreement, token_alpha


def f1(annotations, label, labels=None):
    return pairwise_span_f1(annotations, labels)[label]


def test_exact_match_and_one_extra_span():
    data = [(1, "a", [(0, 5, "ORG"), (10, 15, "ORG")]), (1, "b", [(0, 5, "ORG")])]
    score = f1(data, "ORG")
    assert score.f1 == pytest.approx(2 / 3)
    assert score.precision == score.recall == score.f1
    assert score.f1_overlap == pytest.approx(2 / 3)
    assert score.n_items == 1


def test_identical_annotations_give_one():
    spans = [(0, 5, "ORG"), (7, 12, "PERSON"), (20, 30, "LOADED")]
    data = [(1, a, spans) for a in "abc"]
    for score in pairwise_span_f1(data).values():
        assert score.f1 == 1.0
        assert score.f1_overlap == 1.0


def test_partial_overlap_same_length():
    data = [(1, "a", [(0, 10, "LOADED")]), (1, "b", [(5, 15, "LOADED")])]
    score = f1(data, "LOADED")
    assert score.f1 == 0.0
    # C(a, b) = 5/10, C(b, a) = 5/10 -> (0.5 + 0.5) / 2
    assert score.f1_overlap == pytest.approx(0.5)


def test_partial_overlap_nested_span():
    data = [(1, "a", [(0, 10, "LOADED")]), (1, "b", [(5, 10, "LOADED")])]
    # C(a, b) = 5/10, C(b, a) = 5/5 -> (0.5 + 1.0) / 2
    assert f1(data, "LOADED").f1_overlap == pytest.approx(0.75)


def test_one_span_covering_two():
    data = [
        (1, "a", [(0, 10, "EXAGGERATION")]),
        (1, "b", [(0, 4, "EXAGGERATION"), (6, 10, "EXAGGERATION")]),
    ]
    # C(a, b) = (4 + 4)/10 = 0.8; C(b, a) = 1 + 1 = 2; sizes 1 + 2
    assert f1(data, "EXAGGERATION").f1_overlap == pytest.approx(2.8 / 3)
    assert f1(data, "EXAGGERATION").f1 == 0.0


def test_disjoint_spans_score_zero():
    data = [(1, "a", [(0, 5, "ORG")]), (1, "b", [(6, 10, "ORG")])]
    assert f1(data, "ORG").f1 == 0.0
    assert f1(data, "ORG").f1_overlap == 0.0


def test_different_labels_do_not_match():
    data = [(1, "a", [(0, 5, "ORG")]), (1, "b", [(0, 5, "PERSON")])]
    scores = pairwise_span_f1(data)
    assert set(scores) == {"ORG", "PERSON"}
    assert scores["ORG"].f1 == 0.0
    assert scores["PERSON"].f1 == 0.0
    assert scores["ORG"].f1_overlap == 0.0


def test_micro_average_over_pairs_and_items():
    data = [
        (1, "a", [(0, 10, "X")]),
        (1, "b", [(0, 10, "X")]),
        (1, "c", []),  # pairs ab: tp 1 of 2; ac: 0 of 1; bc: 0 of 1
        (2, "a", [(0, 3, "X"), (4, 6, "X"), (8, 9, "X")]),
        (2, "b", [(0, 3, "X"), (4, 6, "X"), (8, 9, "X")]),  # tp 3 of 6
    ]
    # 2 * (1 + 3) / (2 + 1 + 1 + 6)
    assert f1(data, "X").f1 == pytest.approx(8 / 10)
    assert f1(data, "X").n_items == 2


def test_overlapping_spans_of_one_annotator_are_merged_for_overlap_credit():
    data = [(1, "a", [(0, 10, "X"), (5, 15, "X")]), (1, "b", [(0, 15, "X")])]
    assert f1(data, "X").f1 == 0.0
    assert f1(data, "X").f1_overlap == 1.0


def test_duplicate_spans_count_once():
    data = [(1, "a", [(0, 5, "X"), (0, 5, "X")]), (1, "b", [(0, 5, "X")])]
    assert f1(data, "X").f1 == 1.0


def test_empty_annotation_differs_from_absent_annotator():
    marked = (1, "a", [(0, 5, "X")])
    assert f1([marked, (1, "b", [])], "X").f1 == 0.0
    assert f1([marked], "X").f1 is None
    assert f1([marked], "X").n_items == 0


def test_unused_label_is_none():
    data = [(1, "a", [(0, 5, "X")]), (1, "b", [(0, 5, "X")])]
    score = f1(data, "CLICKBAIT", labels=["X", "CLICKBAIT"])
    assert score.f1 is None
    assert score.f1_overlap is None


def test_invalid_spans_raise():
    with pytest.raises(ValueError, match="start < end"):
        pairwise_span_f1([(1, "a", [(5, 5, "X")]), (1, "b", [])])
    with pytest.raises(ValueError, match="duplicate"):
        pairwise_span_f1([(1, "a", []), (1, "a", [])])


TOKENS = {1: [(0, 3), (4, 7), (8, 11), (12, 15)]}


def test_token_alpha_perfect_agreement_is_one():
    data = [(1, a, [(0, 7, "X"), (12, 15, "Y")]) for a in "abc"]
    assert token_alpha(data, TOKENS) == {"X": 1.0, "Y": 1.0}


def test_token_alpha_hand_computed_and_reference():
    data = [(1, "a", [(0, 7, "X")]), (1, "b", [(4, 11, "X")])]
    # units (a, b): (1,0) (1,1) (0,1) (0,0); n_0 = n_1 = 4, n = 8, o_01 = o_10 = 2
    # alpha = 1 - (n - 1) * 4 / (2 * 4 * 4) = 1 - 28/32
    assert token_alpha(data, TOKENS)["X"] == pytest.approx(0.125)
    reference = krippendorff.alpha(
        reliability_data=np.array([[1, 1, 0, 0], [0, 1, 1, 0]], dtype=float),
        level_of_measurement="nominal",
    )
    assert token_alpha(data, TOKENS)["X"] == pytest.approx(reference, abs=1e-12)


def test_token_alpha_partial_token_overlap_counts_as_covered():
    shifted = [(1, "a", [(1, 6, "X")]), (1, "b", [(0, 7, "X")])]
    assert token_alpha(shifted, TOKENS)["X"] == 1.0


def test_token_alpha_undefined_cases():
    data = [(1, "a", [(0, 3, "X")]), (1, "b", [(0, 3, "X")])]
    assert token_alpha(data, TOKENS, labels=["X", "Y"])["Y"] is None
    everything = [(1, a, [(0, 15, "X")]) for a in "ab"]
    assert token_alpha(everything, TOKENS)["X"] is None
    with pytest.raises(ValueError, match="no tokens"):
        token_alpha(data, {})


def test_token_alpha_is_at_most_one_on_random_spans():
    rng = np.random.default_rng(0)
    tokens = {i: [(5 * t, 5 * t + 4) for t in range(20)] for i in range(10)}
    data = []
    for item in range(10):
        for annotator in "abc":
            starts = rng.integers(0, 90, size=3)
            data.append((item, annotator, [(int(s), int(s) + 8, "X") for s in starts]))
    value = token_alpha(data, tokens)["X"]
    assert value is not None
    assert -1.0 <= value <= 1.0


def test_span_agreement_contract_shape():
    data = [(1, "a", [(0, 7, "X")]), (1, "b", [(4, 11, "X")]), (2, "c", [])]
    result = span_agreement(data, TOKENS | {2: [(0, 3)]})
    assert set(result) == {"X"}
    assert set(result["X"].as_dict()) == {
        "pairwise_f1",
        "pairwise_f1_overlap",
        "n_items",
    }
    assert result["X"].token_alpha == pytest.approx(0.125)
    assert result["X"].n_annotators == 2
    assert span_agreement(data)["X"].token_alpha is None
