"""The scheme editor's form: posted fields → scheme JSON, scheme JSON → form rows.

Pure functions on the POST data and plain dicts, used by ``views.settings.scheme``.
Unknown fields of existing entries (a label's ``examples`` when the form has
none, fields a newer scheme version may add) are kept.
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

NEW_LABEL_ROWS = 1
NEW_QUESTION_ROWS = 1
DEFAULT_COLOR = "#888888"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _kept_rows(post: QueryDict, kind: str) -> list[tuple[str, str]]:
    """``(field prefix, key)`` of the posted ``kind`` rows that have a key and stay."""
    try:
        count = int(post.get(f"{kind}-count", 0) or 0)
    except ValueError:
        count = 0
    rows = []
    for index in range(count):
        prefix = f"{kind}-{index}-"
        key = post.get(prefix + "key", "").strip()
        if key and post.get(prefix + "remove") != "on":
            rows.append((prefix, key))
    return rows


def _label_from_form(post: QueryDict, prefix: str, key: str, existing: dict) -> dict:
    label = dict(existing)
    label.update(
        key=key,
        name=post.get(prefix + "name", "").strip() or key,
        description=post.get(prefix + "description", "").strip(),
        color=post.get(prefix + "color", "").strip() or DEFAULT_COLOR,
        shortcut=post.get(prefix + "shortcut", "").strip(),
    )
    positive = _lines(post.get(prefix + "positive", ""))
    negative = _lines(post.get(prefix + "negative", ""))
    if positive or negative:
        label["examples"] = {"positive": positive, "negative": negative}
    else:
        label.pop("examples", None)
    return label


def _question_from_form(post: QueryDict, prefix: str, key: str, existing: dict) -> dict:
    choices = []
    for line in _lines(post.get(prefix + "choices", "")):
        choice_key, _sep, name = line.partition("=")
        choices.append(
            {"key": choice_key.strip(), "name": name.strip() or choice_key.strip()}
        )
    question = dict(existing)
    question.update(
        key=key,
        name=post.get(prefix + "name", "").strip() or key,
        level=post.get(prefix + "level", "nominal"),
        multiple=post.get(prefix + "multiple") == "on",
        required=post.get(prefix + "required") == "on",
        choices=choices,
    )
    return question


def scheme_from_form(post: QueryDict, current: dict) -> dict:
    """The scheme the admin submitted; unknown fields of existing entries are kept.

    Rows: ``label-<i>-<field>`` and ``question-<i>-<field>``, counted by
    ``label-count`` and ``question-count``; a row without a key or with
    ``remove`` ticked is left out.
    """
    labels = {label.get("key"): label for label in current.get("span_labels", [])}
    questions = {q.get("key"): q for q in current.get("questions", [])}
    scheme = {k: v for k, v in current.items() if k not in ("span_labels", "questions")}
    scheme.update(
        span_labels=[
            _label_from_form(post, prefix, key, labels.get(key, {}))
            for prefix, key in _kept_rows(post, "label")
        ],
        questions=[
            _question_from_form(post, prefix, key, questions.get(key, {}))
            for prefix, key in _kept_rows(post, "question")
        ],
    )
    return scheme


def scheme_form_rows(scheme: dict, current_keys: set[str]) -> dict[str, Any]:
    """``label_rows`` and ``question_rows`` of the editor, plus one empty row of each."""
    labels = []
    for label in scheme.get("span_labels", []):
        examples = label.get("examples") or {}
        labels.append(
            {
                "key": label.get("key", ""),
                "existing": label.get("key") in current_keys,
                "name": label.get("name", ""),
                "description": label.get("description", ""),
                "color": label.get("color") or DEFAULT_COLOR,
                "shortcut": label.get("shortcut", ""),
                "positive": "\n".join(examples.get("positive") or []),
                "negative": "\n".join(examples.get("negative") or []),
            }
        )
    labels.extend(
        {"key": "", "existing": False, "color": DEFAULT_COLOR}
        for _ in range(NEW_LABEL_ROWS)
    )
    questions = []
    for question in scheme.get("questions", []):
        questions.append(
            {
                "key": question.get("key", ""),
                "existing": question.get("key") in current_keys,
                "name": question.get("name", ""),
                "level": question.get("level", "nominal"),
                "multiple": bool(question.get("multiple")),
                "required": bool(question.get("required")),
                "choices": "\n".join(
                    f"{c.get('key', '')} = {c.get('name', '')}"
                    for c in question.get("choices", [])
                    if isinstance(c, dict)
                ),
            }
        )
    questions.extend(
        {"key": "", "existing": False, "level": "nominal"}
        for _ in range(NEW_QUESTION_ROWS)
    )
    return {"label_rows": labels, "question_rows": questions}


def scheme_keys(scheme: dict) -> set[str]:
    """Every label and question key of a stored scheme."""
    return {label.get("key") for label in scheme.get("span_labels", [])} | {
        q.get("key") for q in scheme.get("questions", [])
    }
