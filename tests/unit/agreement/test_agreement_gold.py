"""Per-annotator agreement with gold labels and gold spans."""

import pytest
from sklearn.metrics import cohen_kappa_score

from annotations.agreement import gold_agreement, span_gold_agreement


def test_accuracy_and_kappa_vs_gold_equal_sklearn(make_ratings):
    ratings, _ = make_ratings(0, n_annotators=4, n_categories=3)
    gold = {f"item{i}": (i * 7) % 3 for i in range(0, 40, 2)}  # half the items
    result = gold_agreement(ratings, gold)
    for annotator in ("ann0", "ann1", "ann2", "ann3"):
        pairs = [(v, gold[i]) for i, a, v in ratings if a == annotator and i in gold]
        y_annotator = [p[0] for p in pairs]
        y_gold = [p[1] for p in pairs]
        got = result[annotator]
        assert got.n_items == len(pairs)
        assert got.accuracy == pytest.approx(sum(x == y for x, y in pairs) / len(pairs))
        assert got.cohen_kappa == pytest.approx(
            cohen_kappa_score(y_annotator, y_gold), abs=1e-9
        )


def test_gold_hand_case_and_annotators_without_gold_items():
    ratings = [
        (1, "a", "biased"),
        (2, "a", "biased"),
        (3, "a", "non_biased"),
        (4, "a", "non_biased"),
        (5, "b", "biased"),  # no gold for item 5
    ]
    gold = {1: "biased", 2: "non_biased", 3: "non_biased", 4: "non_biased"}
    result = gold_agreement(ratings, gold)
    assert set(result) == {"a"}
    assert result["a"].accuracy == 0.75
    # po = 3/4; marginals a: (2, 2), gold: (1, 3) -> pe = (2*1 + 2*3)/16 = 1/2
    assert result["a"].cohen_kappa == pytest.approx(0.5)
    assert result["a"].n_items == 4


def test_gold_multi_choice_per_choice_units():
    ratings = [(1, "a", ["x", "y"]), (2, "a", [])]
    gold = {1: ["x"], 2: ["y"]}
    result = gold_agreement(ratings, gold, categories=["x", "y"])
    # units (1,x) 1/1, (1,y) 1/0, (2,x) 0/0, (2,y) 0/1 -> 2 of 4
    assert result["a"].accuracy == 0.5
    assert result["a"].n_items == 2
    with pytest.raises(ValueError, match="differ"):
        gold_agreement(ratings, {1: "x"})


def test_span_gold_precision_recall_f1():
    gold = {1: [(0, 5, "ORG"), (10, 20, "LOADED")], 2: [(0, 4, "ORG")]}
    annotations = [
        (1, "a", [(0, 5, "ORG"), (12, 20, "LOADED"), (30, 35, "ORG")]),
        (2, "a", []),
        (1, "b", [(0, 5, "ORG"), (10, 20, "LOADED")]),
        (3, "b", [(0, 1, "ORG")]),  # no gold for item 3: ignored
    ]
    result = span_gold_agreement(annotations, gold)
    org = result["a"]["ORG"]
    assert org.precision == pytest.approx(1 / 2)  # 1 of 2 predicted
    assert org.recall == pytest.approx(1 / 2)  # 1 of 2 gold
    assert org.f1 == pytest.approx(1 / 2)
    assert org.n_items == 2
    loaded = result["a"]["LOADED"]
    assert loaded.f1 == 0.0
    assert loaded.precision_overlap == pytest.approx(1.0)  # 8/8 of the prediction
    assert loaded.recall_overlap == pytest.approx(0.8)  # 8/10 of the gold span
    assert loaded.f1_overlap == pytest.approx(2 * 0.8 / 1.8)
    assert result["b"]["ORG"].f1 == 1.0
    assert result["b"]["LOADED"].f1_overlap == 1.0
    assert result["b"]["ORG"].n_items == 1


def test_span_gold_undefined_and_missed_labels():
    gold = {1: [(0, 5, "ORG")]}
    result = span_gold_agreement([(1, "a", [])], gold, labels=["ORG", "PERSON"])
    assert result["a"]["ORG"].precision is None
    assert result["a"]["ORG"].recall == 0.0
    assert result["a"]["ORG"].f1 == 0.0
    assert result["a"]["ORG"].f1_overlap == 0.0
    assert result["a"]["PERSON"].f1 is None
    assert result["a"]["PERSON"].f1_overlap is None
