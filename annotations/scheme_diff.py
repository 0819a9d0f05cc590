"""Differences between two label schemes, and what each one does to stored answers.

A leaf module: pure functions on ``annotations.scheme`` objects and plain JSON
values; no models, services or selectors. ``services/scheme_changes.py`` counts
what each change touches in the database and applies the migration;
``selectors/guidelines.py`` shows the diff between two guideline versions.

Keys are identity (see ``annotations.scheme``). Comparing the scheme in force
with a proposed one, key by key, gives a list of ``SchemeChange`` objects:

* adding a label, a question or a choice is free;
* changing a label's or choice's name, description, colour, shortcut or
  examples keeps every annotation (same key) and is free;
* changing a question's ``level`` or ``required`` is free (it only affects
  agreement and future submits); ``multiple`` false → true converts the stored
  answers to one-element lists (free); true → false converts one-element lists
  back and needs an explicit ``drop`` for answers holding several choices;
* removing a label, a question or a choice that is **in use** (spans, gold
  spans, answers, gold answers) is refused unless the caller names an action
  for that change:

  - ``"migrate:<KEY>"``: spans move to another label of the new scheme
    (duplicates that would collide with an existing span of that label are
    merged into it), or answers move to another choice of the same question;
  - ``"drop:<N>"``: the spans or answers are deleted; ``N`` must equal the
    count the preview showed, so nobody drops data they have not seen counted
    (if the count moved in between, the change is refused again with the new
    counts). Questions can only be dropped.

  Changing a key is therefore "remove + add": migrate the old key to the new.

How the chosen actions are checked and what they do to stored answers is in
the sibling leaf ``annotations.scheme_migration``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from annotations.errors import ConflictError
from annotations.scheme import Question, Scheme, SchemeError, parse_scheme

LABEL_ADDED = "label_added"
LABEL_CHANGED = "label_changed"
LABEL_REMOVED = "label_removed"
QUESTION_ADDED = "question_added"
QUESTION_CHANGED = "question_changed"
QUESTION_MADE_MULTIPLE = "question_made_multiple"
QUESTION_MADE_SINGLE = "question_made_single"
QUESTION_REMOVED = "question_removed"
CHOICE_ADDED = "choice_added"
CHOICE_CHANGED = "choice_changed"
CHOICE_REMOVED = "choice_removed"

#: What each kind is called on the pages (guidelines diff, notice, scheme preview).
KIND_NAMES = {
    LABEL_ADDED: gettext_lazy("Label added"),
    LABEL_CHANGED: gettext_lazy("Label changed"),
    LABEL_REMOVED: gettext_lazy("Label removed"),
    QUESTION_ADDED: gettext_lazy("Question added"),
    QUESTION_CHANGED: gettext_lazy("Question changed"),
    QUESTION_MADE_MULTIPLE: gettext_lazy("Question now takes several choices"),
    QUESTION_MADE_SINGLE: gettext_lazy("Question now takes one choice"),
    QUESTION_REMOVED: gettext_lazy("Question removed"),
    CHOICE_ADDED: gettext_lazy("Choice added"),
    CHOICE_CHANGED: gettext_lazy("Choice changed"),
    CHOICE_REMOVED: gettext_lazy("Choice removed"),
}

#: Kinds that can lose data and so need an action when in use.
LOSSY_KINDS = frozenset(
    {LABEL_REMOVED, QUESTION_REMOVED, CHOICE_REMOVED, QUESTION_MADE_SINGLE}
)
#: Kinds that rewrite stored document answers (the others touch spans or nothing).
ANSWER_KINDS = frozenset(
    {QUESTION_REMOVED, CHOICE_REMOVED, QUESTION_MADE_SINGLE, QUESTION_MADE_MULTIPLE}
)


@dataclass
class SchemeChange:
    """One difference between two schemes, with how much stored work it touches."""

    kind: str
    key: str
    choice: str = ""
    detail: str = ""
    spans: int = 0
    gold_spans: int = 0
    answers: int = 0
    gold_answers: int = 0
    action: str = ""
    migrate_targets: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        prefix = self.kind.split("_", 1)[0]
        if prefix == "choice":
            return f"choice:{self.key}:{self.choice}"
        return f"{prefix}:{self.key}"

    @property
    def kind_name(self) -> str:
        """The kind in the reader's words ("Label added"), not its code (``label_added``)."""
        return str(KIND_NAMES.get(self.kind, self.kind))

    @property
    def touched(self) -> int:
        return self.spans + self.gold_spans + self.answers + self.gold_answers

    @property
    def lossy(self) -> bool:
        return self.kind in LOSSY_KINDS

    @property
    def needs_action(self) -> bool:
        return self.lossy and self.touched > 0 and not self.action

    @property
    def can_migrate(self) -> bool:
        return self.kind in {LABEL_REMOVED, CHOICE_REMOVED} and bool(
            self.migrate_targets
        )

    @property
    def migrate_target(self) -> str | None:
        """The key the chosen ``migrate:<KEY>`` action moves work to, else None."""
        if self.action.startswith("migrate:"):
            return self.action.split(":", 1)[1]
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "key": self.key,
            "choice": self.choice or None,
            "detail": self.detail,
            "spans": self.spans,
            "gold_spans": self.gold_spans,
            "answers": self.answers,
            "gold_answers": self.gold_answers,
            "touched": self.touched,
            "needs_action": self.needs_action,
            "action": self.action or None,
            "allowed_actions": self.allowed_actions(),
        }

    def allowed_actions(self) -> list[str]:
        if not self.lossy or self.touched == 0:
            return []
        actions = [f"migrate:{target}" for target in self.migrate_targets]
        return (
            [*actions, f"drop:{self.touched}"]
            if self.can_migrate
            else [f"drop:{self.touched}"]
        )


@dataclass
class SchemePreview:
    """The changes from the scheme in force to a proposed one, with counts."""

    old: Scheme
    new: Scheme
    new_data: dict
    changes: list[SchemeChange] = field(default_factory=list)

    @property
    def blocking(self) -> list[SchemeChange]:
        return [change for change in self.changes if change.needs_action]

    @property
    def is_empty(self) -> bool:
        return not self.changes

    def to_dict(self) -> dict[str, Any]:
        return {
            "changes": [change.to_dict() for change in self.changes],
            "blocking": [change.id for change in self.blocking],
        }


class SchemeChangeBlocked(ConflictError):
    """A change would lose stored work and no (valid, current) action was given."""

    def __init__(self, message: str, preview: SchemePreview):
        self.preview = preview
        super().__init__(message)


def scheme_parse(data: Any) -> Scheme:
    """``parse_scheme`` (strict: a scheme about to be stored) with its errors as a
    ValidationError on ``scheme``."""
    try:
        return parse_scheme(data, strict=True)
    except SchemeError as error:
        raise ValidationError(
            {"scheme": [f"{k}: {' '.join(v)}" for k, v in error.errors.items()]}
        ) from error


# --- the diff --------------------------------------------------------------------


def scheme_diff(old: Scheme, new: Scheme) -> list[SchemeChange]:
    """Differences by key, in scheme order (no counts; no database)."""
    return [*_label_diff(old, new), *_questions_diff(old, new)]


def scheme_data_diff(old: Any, new: Any) -> list[SchemeChange]:
    """``scheme_diff`` of two stored scheme JSONs; [] when either is not a valid scheme."""
    try:
        return scheme_diff(parse_scheme(old), parse_scheme(new))
    except SchemeError:
        return []


def _paired(old_items: Sequence, new_items: Sequence) -> tuple[list[tuple], list]:
    """``(new item, old item or None)`` in the new order, and the old items now gone."""
    old_by_key = {item.key: item for item in old_items}
    new_keys = {item.key for item in new_items}
    return (
        [(item, old_by_key.get(item.key)) for item in new_items],
        [item for item in old_items if item.key not in new_keys],
    )


def _label_diff(old: Scheme, new: Scheme) -> list[SchemeChange]:
    changes: list[SchemeChange] = []
    kept, removed = _paired(old.span_labels, new.span_labels)
    for label, before in kept:
        if before is None:
            changes.append(SchemeChange(LABEL_ADDED, label.key, detail=label.name))
        elif before != label:
            fields = [
                name
                for name in ("name", "description", "color", "shortcut", "examples")
                if getattr(before, name) != getattr(label, name)
            ]
            changes.append(
                SchemeChange(LABEL_CHANGED, label.key, detail=", ".join(fields))
            )
    targets = new.span_label_keys
    changes.extend(
        SchemeChange(
            LABEL_REMOVED, label.key, detail=label.name, migrate_targets=targets
        )
        for label in removed
    )
    return changes


def _questions_diff(old: Scheme, new: Scheme) -> list[SchemeChange]:
    changes: list[SchemeChange] = []
    kept, removed = _paired(old.questions, new.questions)
    for question, before in kept:
        if before is None:
            changes.append(
                SchemeChange(QUESTION_ADDED, question.key, detail=question.name)
            )
        else:
            changes.extend(_question_diff(before, question))
    changes.extend(
        SchemeChange(QUESTION_REMOVED, question.key, detail=question.name)
        for question in removed
    )
    return changes


def _question_diff(before: Question, after: Question) -> list[SchemeChange]:
    changes: list[SchemeChange] = []
    fields = [
        name
        for name in ("name", "level", "required")
        if getattr(before, name) != getattr(after, name)
    ]
    if before.choice_keys != after.choice_keys and set(before.choice_keys) == set(
        after.choice_keys
    ):
        fields.append("choice order")
    if fields:
        changes.append(
            SchemeChange(QUESTION_CHANGED, after.key, detail=", ".join(fields))
        )
    if before.multiple != after.multiple:
        kind = QUESTION_MADE_MULTIPLE if after.multiple else QUESTION_MADE_SINGLE
        changes.append(SchemeChange(kind, after.key, detail=after.name))
    kept, removed = _paired(before.choices, after.choices)
    for choice, previous in kept:
        if previous is None:
            changes.append(
                SchemeChange(CHOICE_ADDED, after.key, choice.key, detail=choice.name)
            )
        elif previous.name != choice.name:
            detail = f"{previous.name} → {choice.name}"
            changes.append(
                SchemeChange(CHOICE_CHANGED, after.key, choice.key, detail=detail)
            )
    changes.extend(
        SchemeChange(
            CHOICE_REMOVED,
            after.key,
            choice.key,
            detail=choice.name,
            migrate_targets=after.choice_keys,
        )
        for choice in removed
    )
    return changes


def changes_summary(changes: Iterable[SchemeChange]) -> str:
    """A one-line changelog for a scheme change."""
    parts = []
    for change in changes:
        what = change.kind.replace("_", " ")
        target = f"{change.key}.{change.choice}" if change.choice else change.key
        text = f"{what} {target}"
        if change.migrate_target is not None:
            text += f" → {change.migrate_target}"
        elif change.action.startswith("drop:") and change.touched:
            text += f" (dropped {change.touched})"
        parts.append(text)
    return ("Scheme: " + "; ".join(parts))[:500] if parts else ""
