"""Grouping and validation of ``(item_id, annotator_id, value)`` ratings (private).

Multi-choice questions: a value that is a list, tuple, set or frozenset is the set of
choices an annotator selected. Every metric on questions expands such ratings into one
binary unit per item x choice: the unit ``(item_id, choice)`` gets the value 1 from an
annotator who selected the choice and 0 from one who rated the item but did not. The
choices expanded are ``categories`` when given, else every choice selected by anyone.
Metrics are then computed on those binary units as on any other nominal question (for
two values nominal, ordinal and interval alpha coincide). Mixing list and scalar values
in one question is an error.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

Grouped = dict[Hashable, dict[Hashable, Any]]

_MULTI_TYPES = (list, tuple, set, frozenset)


def is_multi(value: Any) -> bool:
    return isinstance(value, _MULTI_TYPES)


def group_ratings(ratings: Iterable[Sequence[Any]]) -> tuple[Grouped, bool]:
    """Return ``{item: {annotator: value}}`` (insertion order kept) and whether the
    values are multi-choice. ``None`` values are dropped; a second rating of the same
    item by the same annotator raises ``ValueError``."""
    grouped: Grouped = {}
    kinds: set[bool] = set()
    for row in ratings:
        item, annotator, value = row
        if value is None:
            continue
        multi = is_multi(value)
        kinds.add(multi)
        if len(kinds) > 1:
            raise ValueError("a question mixes multi-choice (list) and scalar values")
        by_annotator = grouped.setdefault(item, {})
        if annotator in by_annotator:
            raise ValueError(
                f"duplicate rating of item {item!r} by annotator {annotator!r}"
            )
        by_annotator[annotator] = frozenset(value) if multi else value
    return grouped, kinds == {True}


def expand_multi(grouped: Grouped, categories: Sequence[Hashable] | None) -> Grouped:
    """One binary unit per item x choice (see the module docstring)."""
    if categories is None:
        seen: dict[Hashable, None] = {}
        for by_annotator in grouped.values():
            for chosen in by_annotator.values():
                for choice in _stable(chosen):
                    seen.setdefault(choice, None)
        choices: list[Hashable] = list(seen)
    else:
        choices = list(categories)
        allowed = set(choices)
        for by_annotator in grouped.values():
            for chosen in by_annotator.values():
                unknown = set(chosen) - allowed
                if unknown:
                    raise ValueError(
                        f"choices not in categories: {sorted(map(repr, unknown))}"
                    )
    expanded: Grouped = {}
    for item, by_annotator in grouped.items():
        for choice in choices:
            expanded[(item, choice)] = {
                annotator: int(choice in chosen)
                for annotator, chosen in by_annotator.items()
            }
    return expanded


def _stable(values: frozenset) -> list[Hashable]:
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=repr)


def prepare(
    ratings: Iterable[Sequence[Any]], categories: Sequence[Hashable] | None = None
) -> tuple[Grouped, bool]:
    """Group ratings, expanding multi-choice ones into binary units."""
    grouped, multi = group_ratings(ratings)
    if multi:
        return expand_multi(grouped, categories), True
    if categories is not None:
        allowed = set(categories)
        for by_annotator in grouped.values():
            for value in by_annotator.values():
                if value not in allowed:
                    raise ValueError(f"value {value!r} is not in categories")
    return grouped, False


def pairable(grouped: Grouped) -> Grouped:
    """Only the items with at least two ratings."""
    return {item: values for item, values in grouped.items() if len(values) >= 2}


def ordered_values(grouped: Grouped, categories: Sequence[Hashable] | None) -> list:
    """The distinct values: ``categories`` order when given, else sorted (or first-seen
    order when the values cannot be sorted)."""
    if categories is not None:
        return list(categories)
    seen: dict[Hashable, None] = {}
    for by_annotator in grouped.values():
        for value in by_annotator.values():
            seen.setdefault(value, None)
    try:
        return sorted(seen)
    except TypeError:
        return list(seen)
