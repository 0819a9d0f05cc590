import pytest

from annotations.default_scheme import default_scheme
from annotations.scheme import SchemeError, parse_scheme, validate_answers


@pytest.mark.parametrize("language", ["en", "de"])
def test_default_scheme_is_valid_and_complete(language):
    scheme = parse_scheme(default_scheme(language))
    assert scheme.span_label_keys == (
        "ORG", "PERSON", "INSTRUMENT", "MONEY", "PERCENT", "ANALYST_VIEW",
        "LOADED", "EXAGGERATION", "SPECULATION", "CLICKBAIT",
    )  # fmt: skip
    assert [label.shortcut for label in scheme.span_labels] == list("1234567890")
    assert scheme.question("sentiment").level == "ordinal"
    assert scheme.question("bias").choice_keys == ("non_biased", "biased")
    assert scheme.question("opinion").choice_keys == (
        "factual",
        "somewhat_opinionated",
        "opinion",
    )


def test_german_template_has_german_names_same_keys():
    de, en = parse_scheme(default_scheme("de")), parse_scheme(default_scheme("en"))
    assert de.span_label_keys == en.span_label_keys
    assert de.question("sentiment").choices[0].name == "sehr negativ"


def test_scheme_round_trips_through_json():
    data = default_scheme("en")
    assert parse_scheme(data).to_dict() == data


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda s: s["span_labels"].append(dict(s["span_labels"][0])), "Duplicate key"),
        (lambda s: s["span_labels"][0].update(key="1bad"), "Invalid key"),
        (lambda s: s["span_labels"][0].update(color="red"), "Invalid color"),
        (lambda s: s["span_labels"][1].update(shortcut="1"), "Shortcut '1' is used"),
        (lambda s: s["questions"][0].update(level="interval"), "Invalid level"),
        (lambda s: s["questions"][0].update(choices=[{"key": "a"}]), "at least two"),
        (lambda s: s.update(span_labels="ORG"), "Must be a list"),
    ],
)
def test_invalid_schemes_are_rejected(mutate, message):
    data = default_scheme("en")
    mutate(data)
    with pytest.raises(SchemeError, match=message):
        parse_scheme(data)


def test_answers_are_checked_against_choices():
    scheme = parse_scheme(default_scheme("en"))
    assert validate_answers(
        scheme, {"sentiment": "negative"}, require_complete=False
    ) == {"sentiment": "negative"}
    with pytest.raises(SchemeError, match="Unknown choice 'bad'"):
        validate_answers(scheme, {"sentiment": "bad"}, require_complete=False)
    with pytest.raises(SchemeError, match="Unknown question 'mood'"):
        validate_answers(scheme, {"mood": "neutral"}, require_complete=False)
    with pytest.raises(SchemeError, match="takes one choice"):
        validate_answers(scheme, {"bias": ["biased"]}, require_complete=False)


def test_submit_requires_required_questions():
    scheme = parse_scheme(default_scheme("en"))
    with pytest.raises(SchemeError, match="not answered: bias"):
        validate_answers(scheme, {"sentiment": "neutral"}, require_complete=True)
    # opinion is optional
    validate_answers(
        scheme, {"sentiment": "neutral", "bias": "biased"}, require_complete=True
    )


def test_multiple_choice_answers_are_normalised_to_scheme_order():
    data = default_scheme("en")
    data["questions"].append(
        {
            "key": "topics",
            "name": "Topics",
            "level": "nominal",
            "multiple": True,
            "required": False,
            "choices": [{"key": "earnings"}, {"key": "merger"}, {"key": "rumour"}],
        }
    )
    scheme = parse_scheme(data)
    answers = validate_answers(
        scheme, {"topics": ["rumour", "earnings"]}, require_complete=False
    )
    assert answers == {"topics": ["earnings", "rumour"]}
