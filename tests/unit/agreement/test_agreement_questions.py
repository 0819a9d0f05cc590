"""The per-question result has the contract's shape and consistent figures."""

import pytest

from annotations.agreement import (
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
    question_agreement,
)

CONTRACT_KEYS = {
    "krippendorff_alpha",
    "fleiss_kappa",
    "percent_agreement",
    "level",
    "n_items",
    "n_annotators",
}


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_figures_equal_the_single_functions(make_ratings, level):
    ratings, _ = make_ratings(7)
    result = question_agreement(ratings, level=level)
    assert result.krippendorff_alpha == krippendorff_alpha(ratings, level)
    assert result.fleiss_kappa == fleiss_kappa(ratings).value
    assert result.fleiss_items == fleiss_kappa(ratings).n_items
    assert result.percent_agreement == percent_agreement(ratings)
    assert result.level == level


def test_counts_leave_out_single_rated_items():
    ratings = [
        (1, "a", "biased"),
        (1, "b", "biased"),
        (2, "a", "non_biased"),
        (2, "c", "biased"),
        (3, "d", "biased"),  # single-rated: item 3 and annotator d left out
    ]
    result = question_agreement(ratings, categories=["non_biased", "biased"])
    assert result.n_items == 2
    assert result.n_annotators == 3
    assert result.percent_agreement == pytest.approx(0.5)


def test_as_dict_matches_contract():
    ratings = [(i, a, (i + (a == "z")) % 2) for i in range(6) for a in "xyz"]
    as_dict = question_agreement(ratings).as_dict()
    assert set(as_dict) == CONTRACT_KEYS
    assert all(
        isinstance(as_dict[k], float)
        for k in ("krippendorff_alpha", "fleiss_kappa", "percent_agreement")
    )
    assert as_dict["n_items"] == 6
    assert as_dict["n_annotators"] == 3


def test_undefined_figures_are_none():
    result = question_agreement([(i, a, "neutral") for i in range(4) for a in "xy"])
    assert result.krippendorff_alpha is None
    assert result.fleiss_kappa is None
    assert result.percent_agreement == 1.0
    empty = question_agreement([])
    assert empty.as_dict() == {
        "krippendorff_alpha": None,
        "fleiss_kappa": None,
        "percent_agreement": None,
        "level": "nominal",
        "n_items": 0,
        "n_annotators": 0,
    }


def test_multi_choice_counts_items_not_units():
    ratings = [
        (1, "x", ["a", "b"]),
        (1, "y", ["a"]),
        (2, "x", ["c"]),
        (2, "y", ["c"]),
    ]
    result = question_agreement(ratings)
    assert result.n_items == 2
    # units: (1,a) agree, (1,b) disagree, (1,c) agree, (2,*) agree: 5 of 6 units
    assert result.percent_agreement == pytest.approx(5 / 6)
