"""Property tests (hypothesis) of offsets and span validation over arbitrary Unicode.

Any valid span round-trips through ``parse_spans`` and the UTF-16 conversion;
any other input is a ``SpanError`` (400 at the doors), never another exception
(a 500). Texts include astral characters, combining marks, CRLF and lone
surrogates.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.offsets import (
    SpanError,
    codepoint_to_utf16,
    parse_spans,
    utf16_to_codepoint,
)
from annotations.validation import json_problems, nest_errors, text_problem

LABELS = ("ORG", "MONEY", "PERSON")
SETTINGS = settings(
    max_examples=150, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip

# Every code point, surrogates included (st.text() leaves them out by default).
ANY_CHAR = st.characters(codec=None, exclude_categories=())
TEXTS = st.lists(
    st.one_of(ANY_CHAR, st.sampled_from(["\r\n", "\u0301", "👨‍👩‍👧", "📈"])),
    max_size=40,
).map("".join)
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(alphabet=ANY_CHAR, max_size=8),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.text(alphabet=ANY_CHAR, max_size=5), children, max_size=3),
    ),
    max_leaves=8,
)


@st.composite
def text_and_valid_spans(draw):
    text = draw(TEXTS.filter(lambda t: len(t) > 0))
    spans = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        start = draw(st.integers(min_value=0, max_value=len(text) - 1))
        end = draw(st.integers(min_value=start + 1, max_value=len(text)))
        label = draw(st.sampled_from(LABELS))
        spans.append(
            {"start": start, "end": end, "label": label, "text": text[start:end]}
        )
    return text, spans


@SETTINGS
@given(text_and_valid_spans())
def test_any_valid_span_round_trips(case):
    text, spans = case
    unique = {(s["start"], s["end"], s["label"]): s for s in spans}
    parsed = parse_spans(
        list(unique.values()), text=text, label_keys=LABELS, allow_overlap=True
    )
    assert sorted((s.start, s.end, s.label, s.text) for s in parsed) == sorted(
        (s["start"], s["end"], s["label"], s["text"]) for s in unique.values()
    )
    for span in parsed:
        assert text[span.start : span.end] == span.text
        for index in (span.start, span.end):
            units = codepoint_to_utf16(text, index)
            assert utf16_to_codepoint(text, units) == index
            # the browser's view: UTF-16 units of the prefix
            prefix = text[:index].encode("utf-16-le", "surrogatepass")
            assert units == len(prefix) // 2


SPAN_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "start": st.one_of(st.integers(min_value=-5, max_value=80), JSON_SCALARS),
        "end": st.one_of(st.integers(min_value=-5, max_value=80), JSON_SCALARS),
        "label": st.one_of(st.sampled_from(LABELS), JSON_VALUES),
        "text": JSON_VALUES,
    },
)


@SETTINGS
@given(
    TEXTS,
    st.one_of(st.lists(st.one_of(SPAN_FIELDS, JSON_VALUES), max_size=4), JSON_VALUES),
    st.booleans(),
)
def test_any_input_is_spans_or_a_span_error(text, raw, allow_overlap):
    refused: SpanError | None = None
    parsed = []
    try:
        parsed = parse_spans(
            raw, text=text, label_keys=LABELS, allow_overlap=allow_overlap
        )
    except SpanError as error:
        refused = error
    if refused is not None:
        assert refused.errors
        assert all(isinstance(message, str) for message in refused.errors)
    for span in parsed:
        assert 0 <= span.start < span.end <= len(text)
        assert span.label in LABELS
        assert text[span.start : span.end] == span.text


@SETTINGS
@given(TEXTS, st.integers(min_value=-3, max_value=200))
def test_utf16_conversion_is_exact_or_a_value_error(text, offset):
    try:
        index = utf16_to_codepoint(text, offset)
    except ValueError:
        return
    assert codepoint_to_utf16(text, index) == offset


@SETTINGS
@given(JSON_VALUES)
def test_json_problems_find_exactly_the_unstorable_strings(value):
    problems = json_problems(value)
    encodable = True
    try:
        dumped = json.dumps(value, ensure_ascii=False)
        dumped.encode("utf-8")
    except UnicodeEncodeError:
        encodable = False
    has_nul = "\\u0000" in json.dumps(value)
    assert bool(problems) == (has_nul or not encodable)
    tree = nest_errors(problems)
    assert bool(tree) == bool(problems)


@SETTINGS
@given(st.text(alphabet=ANY_CHAR, max_size=20))
def test_text_problem_agrees_with_utf8_and_nul(value):
    try:
        value.encode("utf-8")
        storable = "\x00" not in value
    except UnicodeEncodeError:
        storable = False
    assert (text_problem(value) is None) == storable
