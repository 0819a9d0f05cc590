"""The strict scheme validator every write uses: wrong types are refused, never rewritten."""

from __future__ import annotations

import copy

import pytest

from annotations.default_scheme import default_scheme
from annotations.scheme import SchemeError, parse_scheme


def _scheme():
    return copy.deepcopy(default_scheme("en"))


def _with(path: tuple, value):
    scheme = _scheme()
    node = scheme
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return scheme


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        (("questions", 0, "multiple"), "yes", "multiple must be true or false"),
        (("questions", 0, "multiple"), 1, "multiple must be true or false"),
        (("questions", 0, "required"), "false", "required must be true or false"),
        (("questions", 0, "level"), "interval", "Invalid level"),
        (("questions", 0, "level"), ["nominal"], "Invalid level"),
        (("questions", 0, "name"), ["x"], "name: Must be a string"),
        (("questions", 0, "choices", 0, "name"), {"a": 1}, "name: Must be a string"),
        (("questions", 0, "choices", 0, "name"), "a\x00", "NUL"),
        (("span_labels", 0, "name"), ["ORG"], "name: Must be a string"),
        (("span_labels", 0, "name"), "O\x00RG", "NUL"),
        (("span_labels", 0, "name"), "O\ud800RG", "lone surrogate"),
        (("span_labels", 0, "name"), "x" * 201, "no more than 200"),
        (("span_labels", 0, "description"), 5, "description: Must be a string"),
        (("span_labels", 0, "shortcut"), 1, "shortcut: Must be a string"),
        (("span_labels", 0, "shortcut"), "12", "shortcut"),
        (("span_labels", 0, "color"), "red", "Invalid color"),
        (("span_labels", 0, "examples"), {"positive": ["a\x00"]}, "NUL"),
        (("span_labels", 1, "shortcut"), "1", "used by another label"),
        (("span_labels", 1, "key"), "ORG", "Duplicate key"),
        (("questions", 1, "key"), "sentiment", "Duplicate key"),
    ],
)
def test_strict_refuses_what_the_lenient_reader_would_convert(path, value, words):
    scheme = _with(path, value)
    with pytest.raises(SchemeError, match=words):
        parse_scheme(scheme, strict=True)


def test_the_lenient_reader_still_reads_a_legacy_yes():
    """Stored schemes keep loading (reads are lenient); only writes are strict."""
    scheme = _with(("questions", 0, "multiple"), "yes")
    assert parse_scheme(scheme).questions[0].multiple is True


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_templates_pass_the_strict_validator(language):
    parsed = parse_scheme(default_scheme(language), strict=True)
    assert parsed.to_dict()["questions"] == default_scheme(language)["questions"]


def test_every_problem_is_listed_at_once():
    scheme = _with(("questions", 0, "multiple"), "yes")
    scheme["span_labels"][0]["name"] = ["x"]
    with pytest.raises(SchemeError) as caught:
        parse_scheme(scheme, strict=True)
    assert set(caught.value.errors) == {"questions[0]", "span_labels[0]"}
