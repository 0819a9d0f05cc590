"""The storable-text leaf: messages, limits and the nested error shape (issue 16)."""

from __future__ import annotations

import pytest

from annotations.validation import (
    DEPTH_MESSAGE,
    NUL_MESSAGE,
    SURROGATE_MESSAGE,
    flat_errors,
    json_problems,
    nest_errors,
    text_errors,
)


@pytest.mark.parametrize(
    ("value", "max_length", "expected"),
    [
        ("ok", None, []),
        ("é📈 ok", 5, []),
        ("a\x00", None, [NUL_MESSAGE]),
        ("a\udc80", None, [SURROGATE_MESSAGE]),
        ("\ud83d\ude00", None, [SURROGATE_MESSAGE]),  # a pair as two code points
        ("x" * 6, 5, ["Ensure this field has no more than 5 characters."]),
        (["x"], None, ["Must be a string."]),
        (None, None, ["Must be a string."]),
    ],
)
def test_text_errors(value, max_length, expected):
    assert text_errors(value, max_length=max_length) == expected


def test_problems_nest_by_path_as_drf_does():
    problems = json_problems(
        {"spans": [{"label": "ok"}, {"attributes": {"n": "\x00", "\x00": 1}}]}
    )
    assert nest_errors(problems) == {
        "spans": {
            "1": {
                "attributes": {
                    "non_field_errors": [NUL_MESSAGE + " (in a key)"],
                    "n": [NUL_MESSAGE],
                }
            }
        }
    }
    assert flat_errors(problems) == [
        f"spans.1.attributes: {NUL_MESSAGE} (in a key)",
        f"spans.1.attributes.n: {NUL_MESSAGE}",
    ]


def test_depth_is_bounded_without_recursion_errors():
    deep: list = []
    node = deep
    for _ in range(5000):
        node.append([])
        node = node[0]
    [(path, message)] = json_problems(deep)
    assert len(path) == 32
    assert message == DEPTH_MESSAGE.format(depth=32)


def test_a_problem_at_the_top_goes_under_the_root_name():
    assert nest_errors(json_problems("a\x00"), root="text") == {"text": [NUL_MESSAGE]}
