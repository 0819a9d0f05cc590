"""Offsets are code points into the stored text; browsers send UTF-16 units."""

import pytest

from annotations.offsets import (
    SpanError,
    codepoint_to_utf16,
    parse_spans,
    utf16_to_codepoint,
)

LABELS = ("ORG", "MONEY", "LOADED")


def span(text, fragment, label="ORG", occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(fragment, start + 1)
    return {
        "start": start,
        "end": start + len(fragment),
        "label": label,
        "text": fragment,
    }


@pytest.mark.parametrize(
    "text",
    [
        "Siemens 📈 steigt um 3,5 Prozent",
        "Société Générale cuts jobs",  # combining acute accent (e + U+0301)
        "Line one\r\nLine two with BASF SE\r\n",
        "👨‍👩‍👧 family-owned Müller GmbH 🚀🚀",
    ],
)
def test_utf16_round_trip_for_every_boundary(text):
    """Every code-point index survives the browser's UTF-16 view and back."""
    for index in range(len(text) + 1):
        assert utf16_to_codepoint(text, codepoint_to_utf16(text, index)) == index


def test_utf16_offset_after_emoji_is_shifted_by_one_surrogate():
    text = "📉 DAX fällt"
    # The emoji is one code point but two UTF-16 units.
    assert utf16_to_codepoint(text, 3) == 2
    assert text[utf16_to_codepoint(text, 3) : utf16_to_codepoint(text, 6)] == "DAX"


def test_utf16_offset_inside_surrogate_pair_is_rejected():
    with pytest.raises(ValueError, match="surrogate pair"):
        utf16_to_codepoint("📉 DAX", 1)


def test_utf16_offset_past_end_is_rejected():
    with pytest.raises(ValueError, match="past the end"):
        utf16_to_codepoint("abc", 4)


def test_valid_spans_with_unicode_are_returned_sorted():
    text = "Rekord-Crash 📉 bei der Société Générale: 2,3 Mrd. Euro weg!"
    raw = [
        span(text, "2,3 Mrd. Euro", "MONEY"),
        span(text, "Société Générale", "ORG"),
        span(text, "Rekord-Crash", "LOADED"),
    ]
    spans = parse_spans(raw, text=text, label_keys=LABELS, allow_overlap=False)
    assert [s.label for s in spans] == ["LOADED", "ORG", "MONEY"]
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_crlf_text_offsets_count_both_characters():
    text = "Erste Zeile\r\nBASF SE meldet Gewinn"
    spans = parse_spans(
        [span(text, "BASF SE")], text=text, label_keys=LABELS, allow_overlap=False
    )
    assert spans[0].start == 13


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"start": -1, "end": 3, "label": "ORG"}, "outside the text"),
        ({"start": 5, "end": 5, "label": "ORG"}, "outside the text"),
        ({"start": 0, "end": 999, "label": "ORG"}, "outside the text"),
        ({"start": "0", "end": 3, "label": "ORG"}, "must be integers"),
        ({"start": True, "end": 3, "label": "ORG"}, "must be integers"),
        ({"start": 0, "end": 7, "label": "NOPE"}, "unknown label 'NOPE'"),
        ({"start": 0, "end": 7, "label": "ORG", "text": "Siemenz"}, "does not match"),
        ("ORG 0 7", "must be an object"),
    ],
)
def test_bad_spans_are_rejected_with_a_message(raw, message):
    with pytest.raises(SpanError, match=message):
        parse_spans(
            [raw],
            text="Siemens AG hebt Prognose",
            label_keys=LABELS,
            allow_overlap=True,
        )


def test_every_problem_is_reported_not_only_the_first():
    with pytest.raises(SpanError) as caught:
        parse_spans(
            [
                {"start": 0, "end": 99, "label": "ORG"},
                {"start": 0, "end": 3, "label": "X"},
            ],
            text="Siemens",
            label_keys=LABELS,
            allow_overlap=True,
        )
    assert len(caught.value.errors) == 2


def test_overlap_allowed_or_refused_by_project_setting():
    text = "Horror-Zahlen bei Siemens"
    raw = [span(text, "Horror-Zahlen bei Siemens", "LOADED"), span(text, "Siemens")]
    assert len(parse_spans(raw, text=text, label_keys=LABELS, allow_overlap=True)) == 2
    with pytest.raises(SpanError, match="overlaps"):
        parse_spans(raw, text=text, label_keys=LABELS, allow_overlap=False)


def test_adjacent_spans_do_not_overlap():
    text = "SiemensAG"
    raw = [
        {"start": 0, "end": 7, "label": "ORG"},
        {"start": 7, "end": 9, "label": "LOADED"},
    ]
    assert len(parse_spans(raw, text=text, label_keys=LABELS, allow_overlap=False)) == 2


def test_duplicate_span_is_rejected():
    text = "BASF"
    raw = [{"start": 0, "end": 4, "label": "ORG"}] * 2
    with pytest.raises(SpanError, match="Duplicate"):
        parse_spans(raw, text=text, label_keys=LABELS, allow_overlap=True)
