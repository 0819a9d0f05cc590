"""Optional per-label examples in the scheme (guideline material)."""

import pytest

from annotations.default_scheme import default_scheme
from annotations.scheme import SchemeError, parse_scheme


def test_examples_parse_and_round_trip():
    data = default_scheme("en")
    data["span_labels"][0]["examples"] = {
        "positive": ["Siemens", "BaFin"],
        "negative": ["the market"],
    }
    scheme = parse_scheme(data)
    assert scheme.span_labels[0].examples.positive == ("Siemens", "BaFin")
    assert scheme.span_labels[0].examples.negative == ("the market",)
    assert not scheme.span_labels[1].examples
    assert scheme.to_dict() == data
    assert "examples" not in scheme.to_dict()["span_labels"][1]


def test_examples_lists_are_optional_and_blank_lines_dropped():
    data = default_scheme("en")
    data["span_labels"][0]["examples"] = {"positive": ["  Siemens ", " "]}
    label = parse_scheme(data).span_labels[0]
    assert label.examples.positive == ("Siemens",)
    assert label.examples.negative == ()


@pytest.mark.parametrize(
    ("examples", "message"),
    [
        (["Siemens"], "examples must be an object"),
        ({"positive": "Siemens"}, "examples.positive must be a list of strings"),
        ({"negative": [1]}, "examples.negative must be a list of strings"),
        ({"maybe": []}, "Unknown examples field"),
        ({"positive": ["x" * 501]}, "at most 500 characters"),
    ],
)
def test_invalid_examples_are_rejected(examples, message):
    data = default_scheme("en")
    data["span_labels"][0]["examples"] = examples
    with pytest.raises(SchemeError, match=message):
        parse_scheme(data)
