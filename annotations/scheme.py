"""The label scheme: span labels and document questions, as validated plain data.

A scheme is stored as JSON (on the project, and frozen into every guideline
version) in the contract's shape::

    {"span_labels": [{"key", "name", "description", "color", "shortcut",
                      "examples"?: {"positive": [str], "negative": [str]}}],
     "questions": [{"key", "name", "level", "multiple", "required",
                    "choices": [{"key", "name"}]}]}

Keys are the stable identity: names and colours may change, keys never silently
do. ``examples`` is optional (guideline examples shown next to each label);
``to_dict`` writes it only when a label has examples, so schemes without
examples round-trip unchanged. This module imports no models, so services, serializers and tests share it.

``parse_scheme(data, strict=True)`` is what every write uses (new projects,
scheme changes, guideline versions): on top of the shape it checks the types
(``multiple``/``required`` are booleans, names and descriptions strings of
storable text within their limits, shortcuts strings) so nothing is silently
rewritten (``"multiple": "yes"`` used to become True and rewrite every answer).
Reads of stored schemes stay lenient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from annotations.validation import json_problems, text_errors

KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
COLOR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
LEVELS = ("nominal", "ordinal")
SHORTCUTS = tuple("1234567890")
MAX_NAME = 200
MAX_DESCRIPTION = 5000
LABEL_TEXTS = {"name": MAX_NAME, "description": MAX_DESCRIPTION, "color": 7}
LABEL_TEXTS_SHORTCUT = {**LABEL_TEXTS, "shortcut": 1}
QUESTION_TEXTS = {"name": MAX_NAME, "description": MAX_DESCRIPTION, "level": 16}
QUESTION_FLAGS = ("multiple", "required")


class SchemeError(ValueError):
    """A scheme or an answer that does not fit it; ``errors`` maps fields to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


@dataclass(frozen=True)
class LabelExamples:
    """Positive and negative example phrases of one span label (guideline material)."""

    positive: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.positive or self.negative)

    def to_dict(self) -> dict[str, list[str]]:
        return {"positive": list(self.positive), "negative": list(self.negative)}


@dataclass(frozen=True)
class SpanLabel:
    key: str
    name: str
    description: str = ""
    color: str = "#888888"
    shortcut: str = ""
    examples: LabelExamples = LabelExamples()


@dataclass(frozen=True)
class Choice:
    key: str
    name: str


@dataclass(frozen=True)
class Question:
    key: str
    name: str
    level: str
    multiple: bool
    required: bool
    choices: tuple[Choice, ...]

    @property
    def choice_keys(self) -> tuple[str, ...]:
        return tuple(choice.key for choice in self.choices)


@dataclass(frozen=True)
class Scheme:
    span_labels: tuple[SpanLabel, ...]
    questions: tuple[Question, ...]

    @property
    def span_label_keys(self) -> tuple[str, ...]:
        return tuple(label.key for label in self.span_labels)

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "span_labels": [_label_dict(label) for label in self.span_labels],
            "questions": [
                {
                    "key": q.key,
                    "name": q.name,
                    "level": q.level,
                    "multiple": q.multiple,
                    "required": q.required,
                    "choices": [{"key": c.key, "name": c.name} for c in q.choices],
                }
                for q in self.questions
            ],
        }


def _label_dict(label: SpanLabel) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": label.key,
        "name": label.name,
        "description": label.description,
        "color": label.color,
        "shortcut": label.shortcut,
    }
    if label.examples:
        data["examples"] = label.examples.to_dict()
    return data


MAX_EXAMPLES = 50
MAX_EXAMPLE_LENGTH = 500


def _parse_examples(raw: Any, field: str, add) -> LabelExamples:
    """``{"positive": [str], "negative": [str]}``; both lists optional."""
    if raw is None:
        return LabelExamples()
    if not isinstance(raw, dict):
        add(field, "examples must be an object with positive and negative lists.")
        return LabelExamples()
    unknown = set(raw) - {"positive", "negative"}
    if unknown:
        add(field, f"Unknown examples field(s): {', '.join(sorted(unknown))}.")
    lists: dict[str, tuple[str, ...]] = {}
    for kind in ("positive", "negative"):
        items = raw.get(kind) or []
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            add(field, f"examples.{kind} must be a list of strings.")
            items = []
        if len(items) > MAX_EXAMPLES:
            add(field, f"At most {MAX_EXAMPLES} {kind} examples.")
        if any(len(i) > MAX_EXAMPLE_LENGTH for i in items):
            add(field, f"Examples are at most {MAX_EXAMPLE_LENGTH} characters.")
        lists[kind] = tuple(i.strip() for i in items if i.strip())
    return LabelExamples(positive=lists["positive"], negative=lists["negative"])


def parse_scheme(data: Any, *, strict: bool = False) -> Scheme:
    """Validate scheme JSON and return it as a Scheme; raise SchemeError listing every problem.

    ``strict`` (every write) also refuses values of the wrong type instead of
    converting them (see the module docstring).
    """
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not isinstance(data, dict):
        raise SchemeError(
            {"scheme": ["Must be an object with span_labels and questions."]}
        )
    raw_labels = data.get("span_labels", [])
    raw_questions = data.get("questions", [])
    if not isinstance(raw_labels, list):
        add("span_labels", "Must be a list.")
        raw_labels = []
    if not isinstance(raw_questions, list):
        add("questions", "Must be a list.")
        raw_questions = []

    if strict:
        for path, message in json_problems(data):
            add("scheme", f"{'.'.join(path)}: {message}")
        _check_types(raw_labels, raw_questions, add)
    labels: list[SpanLabel] = []
    seen_shortcuts: set[str] = set()
    for index, raw in enumerate(raw_labels):
        label = _parse_label(raw, f"span_labels[{index}]", seen_shortcuts, add)
        if label is not None:
            labels.append(label)
    _check_unique((label.key for label in labels), "span_labels", add)

    questions: list[Question] = []
    for index, raw in enumerate(raw_questions):
        question = _parse_question(raw, f"questions[{index}]", add)
        if question is not None:
            questions.append(question)
    _check_unique((q.key for q in questions), "questions", add)

    if errors:
        raise SchemeError(errors)
    return Scheme(span_labels=tuple(labels), questions=tuple(questions))


def _check_types(raw_labels: list, raw_questions: list, add) -> None:
    """The strict part: each known field has its type and storable text."""
    for index, raw in enumerate(raw_labels):
        field = f"span_labels[{index}]"
        _check_entry(raw, field, add, LABEL_TEXTS_SHORTCUT, ())
        if isinstance(raw, dict) and raw.get("examples") is not None:
            for path, message in json_problems(raw["examples"]):
                add(field, f"examples.{'.'.join(path)}: {message}")
    for index, raw in enumerate(raw_questions):
        field = f"questions[{index}]"
        _check_entry(raw, field, add, QUESTION_TEXTS, QUESTION_FLAGS)
        choices = raw.get("choices") if isinstance(raw, dict) else None
        for number, choice in enumerate(choices if isinstance(choices, list) else []):
            _check_entry(choice, f"{field}.choices[{number}]", add, {"name": 200}, ())


def _check_entry(
    raw: Any, field: str, add, texts: dict[str, int], flags: tuple[str, ...]
) -> None:
    if not isinstance(raw, dict):
        return  # reported by the shape checks
    for name, limit in texts.items():
        if raw.get(name) is not None:
            for message in text_errors(raw[name], max_length=limit):
                add(field, f"{name}: {message}")
    for name in flags:
        if name in raw and not isinstance(raw[name], bool):
            add(field, f"{name} must be true or false, not {raw[name]!r}.")


def _parse_key(raw: Any, field: str, add) -> str | None:
    """The entry's key, or None (with the error added) when the entry is unusable."""
    if not isinstance(raw, dict):
        add(field, "Must be an object.")
        return None
    key = raw.get("key")
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        add(
            field,
            f"Invalid key {key!r}: letters, digits and _ only, starting with a letter.",
        )
        return None
    return key


def _parse_label(
    raw: Any, field: str, seen_shortcuts: set[str], add
) -> SpanLabel | None:
    key = _parse_key(raw, field, add)
    if key is None:
        return None
    color = raw.get("color") or "#888888"
    if not isinstance(color, str) or not COLOR_PATTERN.match(color):
        add(field, f"Invalid color {color!r}: use #rrggbb.")
    shortcut = str(raw.get("shortcut") or "")
    if shortcut and shortcut not in SHORTCUTS:
        add(field, f"Invalid shortcut {shortcut!r}: use a single digit.")
    elif shortcut and shortcut in seen_shortcuts:
        add(field, f"Shortcut {shortcut!r} is used by another label.")
    if shortcut:
        seen_shortcuts.add(shortcut)
    return SpanLabel(
        key=key,
        name=str(raw.get("name") or key),
        description=str(raw.get("description") or ""),
        color=color if isinstance(color, str) else "#888888",
        shortcut=shortcut,
        examples=_parse_examples(raw.get("examples"), field, add),
    )


def _parse_question(raw: Any, field: str, add) -> Question | None:
    key = _parse_key(raw, field, add)
    if key is None:
        return None
    level = raw.get("level", "nominal")
    if level not in LEVELS:
        add(field, f"Invalid level {level!r}: use one of {', '.join(LEVELS)}.")
    raw_choices = raw.get("choices")
    if not isinstance(raw_choices, list) or len(raw_choices) < 2:
        add(field, "Needs a list of at least two choices.")
        raw_choices = []
    choices = []
    for choice in raw_choices:
        choice_key = choice.get("key") if isinstance(choice, dict) else None
        if not isinstance(choice_key, str) or not KEY_PATTERN.match(choice_key):
            add(field, f"Invalid choice key {choice_key!r}.")
            continue
        choices.append(
            Choice(key=choice_key, name=str(choice.get("name") or choice_key))
        )
    _check_unique((c.key for c in choices), field, add)
    return Question(
        key=key,
        name=str(raw.get("name") or key),
        level=level if level in LEVELS else "nominal",
        multiple=bool(raw.get("multiple", False)),
        required=bool(raw.get("required", False)),
        choices=tuple(choices),
    )


def _check_unique(keys, field: str, add) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            add(field, f"Duplicate key {key!r}.")
        seen.add(key)


def validate_answers(scheme: Scheme, labels: Any, *, require_complete: bool) -> dict:
    """Check document answers against the scheme; return them normalised.

    ``labels`` maps question keys to a choice key (or a list of them for
    ``multiple`` questions). ``require_complete`` is set on submit: every
    required question must then be answered.
    """
    if not isinstance(labels, dict):
        raise SchemeError(
            {"labels": ["Must be an object mapping question keys to choices."]}
        )
    errors: dict[str, list[str]] = {}
    clean: dict[str, str | list[str]] = {}
    for key, value in labels.items():
        question = scheme.question(key)
        if question is None:
            errors.setdefault("labels", []).append(f"Unknown question {key!r}.")
            continue
        if value is None or value == []:
            continue
        values = value if isinstance(value, list) else [value]
        if not question.multiple and isinstance(value, list):
            errors.setdefault("labels", []).append(
                f"Question {key!r} takes one choice, not a list."
            )
            continue
        unknown = [v for v in values if v not in question.choice_keys]
        if unknown:
            errors.setdefault("labels", []).append(
                f"Unknown choice {unknown[0]!r} for question {key!r}; "
                f"expected one of {', '.join(question.choice_keys)}."
            )
            continue
        if question.multiple:
            clean[key] = [c for c in question.choice_keys if c in values]
        else:
            clean[key] = value
    if require_complete:
        missing = [q.key for q in scheme.questions if q.required and q.key not in clean]
        if missing:
            errors.setdefault("labels", []).append(
                f"Required question(s) not answered: {', '.join(missing)}."
            )
    if errors:
        raise SchemeError(errors)
    return clean
