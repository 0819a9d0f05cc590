"""Krippendorff's alpha vs the ``krippendorff`` package and the textbook example."""

import krippendorff
import numpy as np
import pytest

from annotations.agreement import krippendorff_alpha, question_agreement

SEEDS = range(8)

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
# 4 coders x 12 units, "." = missing. Published: nominal 0.743, ordinal 0.815,
# interval 0.849.
TEXTBOOK = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


def textbook_ratings():
    return [
        (unit, coder, value)
        for coder, values in TEXTBOOK.items()
        for unit, value in enumerate(values)
    ]


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)],
)
def test_textbook_example_matches_published_alpha(level, published):
    alpha = krippendorff_alpha(textbook_ratings(), level=level)
    assert alpha == pytest.approx(published, abs=5e-4)


def test_textbook_nominal_exact_fraction():
    # From the paper's coincidence matrix: n_c = 9, 13, 10, 5, 3 (n = 40) and
    # sum_c o_cc = 32, so alpha = ((n-1) * 32 - sum n_c(n_c-1)) / (n(n-1) - sum
    # n_c(n_c-1)) = (1248 - 344) / (1560 - 344) = 904 / 1216 = 113 / 152.
    assert krippendorff_alpha(textbook_ratings()) == pytest.approx(113 / 152, abs=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_equals_reference_on_random_data(make_ratings, seed, level):
    ratings, matrix = make_ratings(seed, n_categories=3 + seed % 3)
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement=level)
    assert krippendorff_alpha(ratings, level=level) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_interval_uses_numeric_values(make_ratings, seed):
    ratings, matrix = make_ratings(seed, n_categories=4)
    scaled = [(i, a, [0.5, 2.0, 2.5, 10.0][v]) for i, a, v in ratings]
    scaled_matrix = np.where(np.isnan(matrix), np.nan, matrix)
    for code, number in enumerate([0.5, 2.0, 2.5, 10.0]):
        scaled_matrix[matrix == code] = number
    expected = krippendorff.alpha(
        reliability_data=scaled_matrix, level_of_measurement="interval"
    )
    assert krippendorff_alpha(scaled, level="interval") == pytest.approx(
        expected, abs=1e-9
    )


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_string_categories_follow_the_given_order(make_ratings, seed, level):
    names = ["very_negative", "negative", "neutral", "positive", "very_positive"]
    ratings, _ = make_ratings(seed, n_categories=5)
    named = [(i, a, names[v]) for i, a, v in ratings]
    assert krippendorff_alpha(named, level=level, categories=names) == pytest.approx(
        krippendorff_alpha(ratings, level=level), abs=1e-12
    )


def test_ordinal_depends_on_order_nominal_does_not(make_ratings):
    ratings, _ = make_ratings(3, n_categories=4)
    named = [(i, a, "abcd"[v]) for i, a, v in ratings]
    shuffled = ["c", "a", "d", "b"]
    assert krippendorff_alpha(named, "nominal", shuffled) == pytest.approx(
        krippendorff_alpha(named, "nominal", list("abcd")), abs=1e-12
    )
    assert krippendorff_alpha(named, "ordinal", shuffled) != pytest.approx(
        krippendorff_alpha(named, "ordinal", list("abcd")), abs=1e-6
    )


def test_unused_categories_do_not_change_ordinal_alpha():
    ratings = [(0, "a", 1), (0, "b", 2), (1, "a", 3), (1, "b", 3), (2, "a", 1)]
    ratings += [(2, "b", 1), (3, "a", 2), (3, "b", 3)]
    assert krippendorff_alpha(ratings, "ordinal", [0, 1, 2, 3, 4]) == pytest.approx(
        krippendorff_alpha(ratings, "ordinal"), abs=1e-12
    )


def test_does_not_depend_on_annotator_ids(make_ratings):
    ratings, _ = make_ratings(5)
    relabelled = [(i, f"x{hash((i, a)) % 997}-{a}", v) for i, a, v in ratings]
    assert krippendorff_alpha(relabelled) == pytest.approx(
        krippendorff_alpha(ratings), abs=1e-12
    )


def test_perfect_agreement_is_one():
    ratings = [(i, a, i % 3) for i in range(10) for a in "xyz"]
    for level in ("nominal", "ordinal", "interval"):
        assert krippendorff_alpha(ratings, level) == 1.0


def test_systematic_disagreement_is_negative():
    ratings = [(i, "x", 0) for i in range(10)] + [(i, "y", 1) for i in range(10)]
    assert krippendorff_alpha(ratings) < 0


def test_one_category_only_is_none_and_reference_is_undefined():
    ratings = [(i, a, "neutral") for i in range(5) for a in "xyz"]
    assert krippendorff_alpha(ratings) is None
    assert krippendorff_alpha(ratings, "ordinal", ["negative", "neutral"]) is None
    matrix = np.ones((3, 5))
    with pytest.raises(ValueError, match="more than one value"):
        krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    with pytest.warns(RuntimeWarning):
        assert np.isnan(
            krippendorff.alpha(
                reliability_data=matrix,
                level_of_measurement="nominal",
                value_domain=[1, 2],
            )
        )


def test_one_annotator_is_none_and_reference_refuses():
    ratings = [(i, "x", i % 2) for i in range(6)]
    assert krippendorff_alpha(ratings) is None
    with pytest.raises(ValueError, match="at least two coders"):
        krippendorff.alpha(
            reliability_data=np.array([[i % 2 for i in range(6)]], dtype=float),
            level_of_measurement="nominal",
        )


def test_all_items_single_rated_is_none():
    ratings = [(i, f"ann{i % 3}", i % 2) for i in range(9)]
    assert krippendorff_alpha(ratings) is None
    result = question_agreement(ratings)
    assert result.n_items == 0
    assert result.krippendorff_alpha is None


def test_single_rated_items_do_not_change_alpha(make_ratings):
    ratings, _ = make_ratings(1)
    extra = [(f"lonely{i}", "ann0", i % 4) for i in range(7)]
    assert krippendorff_alpha(ratings + extra) == pytest.approx(
        krippendorff_alpha(ratings), abs=1e-12
    )


def test_missing_values_given_as_none_are_dropped(make_ratings):
    ratings, _ = make_ratings(2)
    with_none = [*ratings, ("item0", "ghost", None), ("item1", "ghost", None)]
    assert krippendorff_alpha(with_none) == krippendorff_alpha(ratings)


def test_multi_choice_is_alpha_over_item_choice_binary_units():
    choices = ["earnings", "merger", "lawsuit"]
    ratings = [
        (1, "x", ["earnings"]),
        (1, "y", ["earnings", "merger"]),
        (2, "x", []),
        (2, "y", ["lawsuit"]),
        (2, "z", ["lawsuit"]),
        (3, "x", ["merger"]),
        (3, "z", ["merger"]),
    ]
    binary = [
        ((item, choice), annotator, int(choice in chosen))
        for item, annotator, chosen in ratings
        for choice in choices
    ]
    expected = krippendorff_alpha(binary)
    assert expected is not None
    assert krippendorff_alpha(ratings) == pytest.approx(expected, abs=1e-12)
    assert krippendorff_alpha(ratings, categories=choices) == pytest.approx(
        expected, abs=1e-12
    )


def test_invalid_input_raises():
    with pytest.raises(ValueError, match="duplicate"):
        krippendorff_alpha([(1, "x", 0), (1, "x", 1), (1, "y", 0)])
    with pytest.raises(ValueError, match="level"):
        krippendorff_alpha([(1, "x", 0), (1, "y", 1)], level="ratio")
    with pytest.raises(ValueError, match="categories"):
        krippendorff_alpha([(1, "x", "a"), (1, "y", "z")], categories=["a", "b"])
    with pytest.raises(ValueError, match="needs categories"):
        krippendorff_alpha([(1, "x", "low"), (1, "y", "high")], level="ordinal")
    with pytest.raises(ValueError, match="mixes"):
        krippendorff_alpha([(1, "x", "a"), (1, "y", ["a"])])
