"""Fleiss' kappa, Cohen's kappa and percent agreement vs statsmodels / scikit-learn."""

import warnings

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from annotations.agreement import (
    cohen_kappa,
    fleiss_kappa,
    pairwise_cohen_kappa,
    percent_agreement,
)

SEEDS = range(8)


def reference_fleiss(ratings):
    """statsmodels on the items with the modal number of ratings (ties: larger)."""
    by_item = {}
    for item, _, value in ratings:
        by_item.setdefault(item, []).append(value)
    sizes = [len(v) for v in by_item.values() if len(v) >= 2]
    counts = {s: sizes.count(s) for s in set(sizes)}
    modal = max(s for s, c in counts.items() if c == max(counts.values()))
    rows = [v for v in by_item.values() if len(v) == modal]
    table, _ = aggregate_raters(np.array(rows))
    return sm_fleiss_kappa(table, method="fleiss"), len(rows), modal


@pytest.mark.parametrize("seed", SEEDS)
def test_fleiss_equals_statsmodels_complete_data(make_ratings, seed):
    ratings, _ = make_ratings(seed, n_annotators=3 + seed % 4, p_missing=0.0)
    expected, n_items, _ = reference_fleiss(ratings)
    result = fleiss_kappa(ratings)
    assert result.value == pytest.approx(expected, abs=1e-9)
    assert result.n_items == n_items == 40
    assert result.n_items_skipped == 0


@pytest.mark.parametrize("seed", SEEDS)
def test_fleiss_with_missing_uses_modal_rater_count(make_ratings, seed):
    ratings, _ = make_ratings(seed, n_annotators=5, p_missing=0.25, n_items=80)
    expected, n_items, modal = reference_fleiss(ratings)
    result = fleiss_kappa(ratings)
    assert result.n_raters == modal
    assert result.n_items == n_items
    pairable = {i for i, _, _ in ratings if sum(r[0] == i for r in ratings) >= 2}
    assert result.n_items + result.n_items_skipped == len(pairable)
    assert result.value == pytest.approx(expected, abs=1e-9)


def test_fleiss_modal_count_tie_goes_to_more_raters():
    ratings = [(1, "a", 0), (1, "b", 0), (2, "a", 1), (2, "b", 0), (2, "c", 1)]
    result = fleiss_kappa(ratings)
    assert (result.n_raters, result.n_items, result.n_items_skipped) == (3, 1, 1)


def test_fleiss_hand_computed():
    # 3 raters, 4 items: P_i = 1, 1/3, 1, 1/3 -> mean 2/3; p = (6/12, 6/12) ->
    # P_e = 1/2; kappa = (2/3 - 1/2) / (1/2) = 1/3.
    rows = [("x", "x", "x"), ("x", "x", "y"), ("y", "y", "y"), ("y", "y", "x")]
    ratings = [
        (i, a, v) for i, row in enumerate(rows) for a, v in zip("abc", row, strict=True)
    ]
    assert fleiss_kappa(ratings).value == pytest.approx(1 / 3, abs=1e-12)


def test_fleiss_degenerate_cases():
    one_category = [(i, a, "neutral") for i in range(5) for a in "xyz"]
    assert fleiss_kappa(one_category).value is None
    table, _ = aggregate_raters(np.zeros((5, 3)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert np.isnan(sm_fleiss_kappa(table, method="fleiss"))
    one_annotator = [(i, "x", i % 2) for i in range(5)]
    assert fleiss_kappa(one_annotator).value is None
    assert fleiss_kappa(one_annotator).n_items == 0
    single_rated = [(i, f"a{i}", i % 2) for i in range(5)]
    assert fleiss_kappa(single_rated).value is None


def common_pairs(ratings, a, b):
    by_item = {}
    for item, annotator, value in ratings:
        by_item.setdefault(item, {})[annotator] = value
    pairs = [(v[a], v[b]) for v in by_item.values() if a in v and b in v]
    return [p[0] for p in pairs], [p[1] for p in pairs]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_equals_sklearn(make_ratings, seed, weights):
    ratings, _ = make_ratings(seed, n_annotators=4, n_categories=4)
    for a, b in [("ann0", "ann1"), ("ann2", "ann3"), ("ann1", "ann3")]:
        y1, y2 = common_pairs(ratings, a, b)
        expected = cohen_kappa_score(y1, y2, labels=[0, 1, 2, 3], weights=weights)
        result = cohen_kappa(ratings, a, b, categories=[0, 1, 2, 3], weights=weights)
        assert result.n_items == len(y1)
        assert result.value == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_cohen_default_categories_equal_sklearn_default(make_ratings, seed):
    ratings, _ = make_ratings(seed, n_annotators=2, n_categories=5)
    y1, y2 = common_pairs(ratings, "ann0", "ann1")
    assert cohen_kappa(ratings, "ann0", "ann1").value == pytest.approx(
        cohen_kappa_score(y1, y2), abs=1e-9
    )


def test_cohen_is_symmetric_and_pairwise_matches(make_ratings):
    ratings, _ = make_ratings(4, n_annotators=3)
    ab = cohen_kappa(ratings, "ann0", "ann1").value
    ba = cohen_kappa(ratings, "ann1", "ann0").value
    assert ab == pytest.approx(ba, abs=1e-12)
    table = pairwise_cohen_kappa(ratings)
    assert table["ann0"]["ann1"].value == pytest.approx(ab, abs=1e-12)
    assert table["ann1"]["ann0"] is table["ann0"]["ann1"]
    assert "ann0" not in table["ann0"]
    assert set(table) == {"ann0", "ann1", "ann2"}


def test_pairwise_cohen_skips_pairs_without_common_items():
    ratings = [(1, "a", 0), (1, "b", 1), (2, "c", 0), (2, "d", 0)]
    table = pairwise_cohen_kappa(ratings)
    assert set(table["a"]) == {"b"}
    assert set(table["c"]) == {"d"}


def test_cohen_degenerate_cases():
    same = [(i, a, "neutral") for i in range(4) for a in "xy"]
    assert cohen_kappa(same, "x", "y").value is None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert np.isnan(cohen_kappa_score(["n"] * 4, ["n"] * 4))
    disjoint = [(1, "x", 0), (2, "y", 1)]
    assert cohen_kappa(disjoint, "x", "y") == cohen_kappa(disjoint, "y", "x")
    assert cohen_kappa(disjoint, "x", "y").n_items == 0
    assert cohen_kappa(disjoint, "x", "y").value is None
    with pytest.raises(ValueError, match="weights"):
        cohen_kappa(same, "x", "y", weights="cubic")


def test_percent_agreement_hand_computed():
    ratings = [
        (1, "a", "pos"),
        (1, "b", "pos"),
        (1, "c", "neg"),  # 1 agreeing pair of 3
        (2, "a", "neg"),
        (2, "b", "neg"),  # 1 of 1
        (3, "a", "pos"),
        (3, "b", "neu"),
        (3, "c", "neg"),
        (3, "d", "neg"),  # 1 of 6
        (4, "a", "pos"),  # single-rated: left out
    ]
    expected = (1 / 3 + 1 + 1 / 6) / 3
    assert percent_agreement(ratings) == pytest.approx(expected, abs=1e-12)


def test_percent_agreement_bounds_and_undefined(make_ratings):
    ratings, _ = make_ratings(0)
    assert 0.0 <= percent_agreement(ratings) <= 1.0
    assert percent_agreement([(i, "x", 1) for i in range(3)]) is None
    assert percent_agreement([(i, a, 1) for i in range(3) for a in "xy"]) == 1.0


def test_percent_agreement_brute_force(make_ratings):
    ratings, _ = make_ratings(6, n_annotators=5)
    by_item = {}
    for item, _, value in ratings:
        by_item.setdefault(item, []).append(value)
    shares = []
    for values in by_item.values():
        pairs = [
            (values[i], values[j])
            for i in range(len(values))
            for j in range(i + 1, len(values))
        ]
        if pairs:
            shares.append(sum(x == y for x, y in pairs) / len(pairs))
    assert percent_agreement(ratings) == pytest.approx(np.mean(shares), abs=1e-12)
