"""What a scheme change does to stored work: the chosen actions and rewritten answers.

A leaf module next to ``annotations.scheme_diff`` (which lists the changes):
pure functions on ``SchemeChange`` objects and plain JSON values, no models.
``services/scheme_changes.py`` calls them while it migrates the database.

Actions are a dict from the change id (``label:ORG``, ``question:bias``,
``choice:sentiment:very_negative``) to the action string, ``migrate:<KEY>`` or
``drop:<N>`` (see ``annotations.scheme_diff``); the same strings serve the
settings form and the API (``scheme_actions``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError

from annotations.scheme_diff import (
    CHOICE_REMOVED,
    LABEL_REMOVED,
    QUESTION_MADE_MULTIPLE,
    QUESTION_MADE_SINGLE,
    QUESTION_REMOVED,
    SchemeChange,
    SchemePreview,
)


class SchemeActionsInvalid(ValidationError):
    """The scheme is valid but the actions do not fit its changes (HTTP 400).

    Carries the preview so a page can show the changes again with the errors.
    """

    def __init__(self, errors: list[str], preview: SchemePreview):
        self.preview = preview
        super().__init__({"scheme_actions": errors})


# --- actions ---------------------------------------------------------------------


def actions_assign(preview: SchemePreview, actions: Any) -> None:
    """Set each lossy change's ``action`` from ``{change id: action}``.

    Raises ``SchemeActionsInvalid`` for an unknown change id, a migration
    target outside the new scheme or a malformed action. A stale drop count
    is not an error: the change just stays blocking, so it is reported with
    the current count instead of dropping more than was shown.
    """
    if not isinstance(actions, dict):
        raise SchemeActionsInvalid(["Must map change ids to actions."], preview)
    by_id = {change.id: change for change in preview.changes if change.lossy}
    errors = []
    for change_id, action in actions.items():
        if not action:
            continue
        change = by_id.get(change_id)
        if change is None:
            errors.append(f"{change_id}: no removal with this id in the change.")
        elif not isinstance(action, str):
            errors.append(f"{change_id}: the action must be a string.")
        else:
            error = _action_set(change, action)
            if error:
                errors.append(f"{change_id}: {error}")
    if errors:
        raise SchemeActionsInvalid(errors, preview)


def _action_set(change: SchemeChange, action: str) -> str:
    """Set ``action`` on ``change`` when it fits; return the error otherwise."""
    verb, _, argument = action.partition(":")
    if verb == "migrate":
        if not change.can_migrate or argument not in change.migrate_targets:
            return (
                f"cannot migrate to {argument!r}; "
                f"use one of {', '.join(change.migrate_targets) or 'nothing'}."
            )
        change.action = action
        return ""
    if verb == "drop":
        if not argument.isdigit():
            return f"say how many items you drop, e.g. drop:{change.touched}."
        if int(argument) == change.touched:
            change.action = action
        return ""
    return f"unknown action {action!r}; use migrate or drop."


# --- what a change does to stored answers ----------------------------------------


def answer_is_touched(change: SchemeChange, value: Any) -> bool:
    """Whether the stored answer ``value`` to ``change.key`` counts for the change."""
    if change.kind == QUESTION_REMOVED:
        return value not in (None, [])
    if change.kind == CHOICE_REMOVED:
        return (
            change.choice in value
            if isinstance(value, list)
            else value == change.choice
        )
    if change.kind == QUESTION_MADE_SINGLE:
        return isinstance(value, list) and len(value) > 1
    if change.kind == QUESTION_MADE_MULTIPLE:
        return isinstance(value, str)
    return False


def answer_rewrite(change: SchemeChange, value: Any) -> Any:
    """The new stored answer for one question, or None to delete it."""
    if change.kind == QUESTION_REMOVED:
        return None
    if change.kind == QUESTION_MADE_MULTIPLE:
        return [value] if isinstance(value, str) else value
    if change.kind == QUESTION_MADE_SINGLE:
        if isinstance(value, list):
            return value[0] if len(value) == 1 else None
        return value
    # CHOICE_REMOVED
    target = change.migrate_target
    if isinstance(value, list):
        replaced = [target if v == change.choice else v for v in value]
        kept = []
        for v in replaced:
            if v is not None and v not in kept:
                kept.append(v)
        return kept or None
    if value == change.choice:
        return target
    return value


def labels_rewrite(change: SchemeChange, labels: Mapping[str, Any]) -> dict | None:
    """A stored ``labels`` object after the change, or None when it stays the same."""
    value = labels.get(change.key)
    new_value = answer_rewrite(change, value)
    if new_value == value:
        return None
    rewritten = dict(labels)
    if new_value is None:
        rewritten.pop(change.key, None)
    else:
        rewritten[change.key] = new_value
    return rewritten


def label_mapping_follow(
    mapping: Any, changes: Iterable[SchemeChange]
) -> dict[str, str | None] | None:
    """The pipeline label mapping after removals, or None when it need not change.

    Targets of removed labels follow their migration, else become null.
    """
    if not isinstance(mapping, dict) or not mapping:
        return None
    moved = {
        change.key: change.migrate_target
        for change in changes
        if change.kind == LABEL_REMOVED
    }
    if not moved:
        return None
    return {source: moved.get(target, target) for source, target in mapping.items()}
