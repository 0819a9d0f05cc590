"""The annotation page's refusals name the question or span in the annotator's words."""

from __future__ import annotations

from django.utils import translation

from annotations.default_scheme import default_scheme
from annotations.scheme import parse_scheme
from annotations.workspace_checks import (
    Problem,
    answer_problems,
    skip_problems,
    span_problems,
)

SCHEME = parse_scheme(default_scheme())
TEXT = "Kestrel Semiconductors Inc. hired Dana Whitcombe."


def span(fragment: str, label: str, **changes) -> dict:
    start = TEXT.index(fragment)
    return {
        "start": start,
        "end": start + len(fragment),
        "label": label,
        "text": fragment,
        **changes,
    }


def test_each_unanswered_required_question_is_named_at_its_fieldset():
    problems = answer_problems(SCHEME, {"sentiment": "negative", "bias": []})
    assert problems == [Problem("q:bias", "Answer “Media bias” before submitting.")]
    assert answer_problems(SCHEME, {"sentiment": "negative", "bias": "biased"}) == []


def test_german_names_and_words():
    with translation.override("de"):
        scheme = parse_scheme(default_scheme("de"))
        (problem,) = answer_problems(scheme, {"sentiment": "negative"})
        assert problem.message == "Beantworten Sie „Verzerrung“, bevor Sie abschicken."
        assert skip_problems(" ")[0].message.startswith("Sagen Sie, warum")


def test_spans_are_named_by_text_and_label_name():
    moved = span("Whitcombe", "PERSON", start=0)
    (problem,) = span_problems(SCHEME, TEXT, [moved], allow_overlap=False)
    assert problem.field == "spans"
    assert "“Whitcombe” (Person) does not match the article text" in problem.message
    pair = [span("Dana Whitcombe", "PERSON"), span("Whitcombe", "ORG")]
    (overlap,) = span_problems(SCHEME, TEXT, pair, allow_overlap=False)
    assert "“Dana Whitcombe” (Person) and “Whitcombe” (Organisation) overlap" in (
        overlap.message
    )
    assert span_problems(SCHEME, TEXT, pair, allow_overlap=True) == []
    twice = [span("Kestrel", "ORG"), span("Kestrel", "ORG")]
    assert (
        "marked twice"
        in span_problems(SCHEME, TEXT, twice, allow_overlap=True)[0].message
    )
    assert span_problems(SCHEME, TEXT, "x", allow_overlap=True)[0].field == "spans"
