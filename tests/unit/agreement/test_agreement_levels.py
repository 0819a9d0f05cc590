"""PhraseBank-style agreement levels and soft labels on a hand table."""

import pytest

from annotations.agreement import (
    agreement_bucket,
    agreement_levels,
    meets_level,
    soft_labels,
)
from annotations.agreement.levels import soft_labels_by_question

# item: votes -> (majority, share, bucket)
TABLE = {
    "all": (["pos"] * 4, "pos", 1.0, "100"),
    "three_of_four": (["pos"] * 3 + ["neg"], "pos", 0.75, "75"),
    "two_of_three": (["pos", "pos", "neu"], "pos", 2 / 3, "66"),
    "tie": (["pos", "pos", "neg", "neg"], None, 0.5, "50"),
    "five_of_eight": (["neg"] * 5 + ["pos"] * 3, "neg", 0.625, "50"),
    "three_way": (["pos", "neg", "neu"], None, 1 / 3, "<50"),
    "two_of_five": (["pos", "pos", "neg", "neu", "very_neg"], "pos", 0.4, "<50"),
}


def table_ratings():
    return [
        (item, f"ann{k}", vote)
        for item, (votes, *_) in TABLE.items()
        for k, vote in enumerate(votes)
    ] + [("single", "ann0", "pos")]


def test_levels_match_hand_table():
    levels = agreement_levels(table_ratings())
    assert set(levels) == set(TABLE)  # "single" has one rating: left out
    for item, (votes, majority, share, bucket) in TABLE.items():
        level = levels[item]
        assert level.majority == majority, item
        assert level.share == pytest.approx(share), item
        assert level.bucket == bucket, item
        assert level.n_ratings == len(votes)


def test_min_ratings_one_keeps_single_rated_items():
    levels = agreement_levels(table_ratings(), min_ratings=1)
    assert levels["single"].bucket == "100"
    assert levels["single"].majority == "pos"


@pytest.mark.parametrize(
    ("top", "n", "bucket"),
    [
        (50, 50, "100"),
        (49, 50, "75"),
        (3, 4, "75"),
        (74, 100, "66"),
        (33, 50, "66"),  # exactly 66 %
        (2, 3, "66"),
        (32, 50, "50"),
        (1, 2, "50"),
        (49, 100, "<50"),
        (0, 3, "<50"),
    ],
)
def test_bucket_thresholds_are_exact(top, n, bucket):
    assert agreement_bucket(top, n) == bucket


def test_bucket_rejects_nonsense():
    with pytest.raises(ValueError, match="top"):
        agreement_bucket(3, 2)
    with pytest.raises(ValueError, match="top"):
        agreement_bucket(0, 0)


def test_meets_level_is_cumulative_like_phrasebank_subsets():
    levels = agreement_levels(table_ratings())
    at_least_75 = {i for i, lv in levels.items() if meets_level(lv.bucket, "75")}
    at_least_50 = {i for i, lv in levels.items() if meets_level(lv.bucket, "50")}
    assert at_least_75 == {"all", "three_of_four"}
    assert at_least_50 == set(TABLE) - {"three_way", "two_of_five"}
    assert meets_level("100", "100")
    assert not meets_level("66", "75")
    assert meets_level("<50", "<50")


def test_levels_refuse_multi_choice():
    with pytest.raises(ValueError, match="single-choice"):
        agreement_levels([(1, "a", ["x"]), (1, "b", ["x"])])


def test_soft_labels_hand_table():
    soft = soft_labels(table_ratings(), categories=["neg", "neu", "pos", "very_neg"])
    assert soft["three_of_four"] == {
        "neg": 0.25,
        "neu": 0.0,
        "pos": 0.75,
        "very_neg": 0,
    }
    assert soft["single"] == {"neg": 0.0, "neu": 0.0, "pos": 1.0, "very_neg": 0.0}
    assert list(soft["tie"]) == ["neg", "neu", "pos", "very_neg"]
    for distribution in soft.values():
        assert sum(distribution.values()) == pytest.approx(1.0)


def test_soft_labels_default_categories_are_sorted_values():
    soft = soft_labels([(1, "a", 2), (1, "b", 0), (1, "c", 2)])
    assert soft == {1: {0: pytest.approx(1 / 3), 2: pytest.approx(2 / 3)}}


def test_soft_labels_multi_choice_share_per_choice():
    ratings = [(1, "a", ["x", "y"]), (1, "b", ["x"]), (1, "c", [])]
    assert soft_labels(ratings) == {
        1: {"x": pytest.approx(2 / 3), "y": pytest.approx(1 / 3)}
    }


def test_soft_labels_reject_unknown_values():
    with pytest.raises(ValueError, match="categories"):
        soft_labels([(1, "a", "maybe")], categories=["yes", "no"])


def test_soft_labels_by_question():
    result = soft_labels_by_question(
        {"bias": [(1, "a", "biased"), (1, "b", "non_biased")], "opinion": []},
        {"bias": ["non_biased", "biased"]},
    )
    assert result == {"bias": {1: {"non_biased": 0.5, "biased": 0.5}}, "opinion": {}}
