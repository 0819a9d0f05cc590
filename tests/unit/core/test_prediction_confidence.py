"""The confidence stored with a prediction: the lowest span score or answer confidence."""

from __future__ import annotations

import pytest

from annotations.prediction_confidence import prediction_min_score


@pytest.mark.parametrize(
    ("spans", "labels", "expected"),
    [
        ([], {}, None),
        ([{"score": 0.9}, {"score": 0.3}], {}, 0.3),
        ([{"label": "ORG"}], {}, None),  # no score at all
        ([], {"sentiment": {"positive": 0.7, "negative": 0.2}}, 0.7),  # top choice
        (
            [{"score": 0.8}],
            {
                "sentiment": {"positive": 0.6},
                "bias": {"biased": 0.1, "non_biased": 0.9},
            },
            0.6,
        ),
        ([{"score": True}, {"score": "0.1"}, {"score": 1}], {"q": "x"}, 1.0),
        ("not a list", ["not a dict"], None),
    ],
)
def test_min_score(spans, labels, expected):
    assert prediction_min_score(spans, labels) == expected
