"""What one history record changed, on plain data (no ORM): fields, spans, authors.

A record is a ``PlainRecord``: the object's tracked fields after the change (or,
for a delete, as it was), its spans where the kind has them, who acted and when.
``history_entry`` compares a record with the previous record of the same object
and gives what the page and the export show. Imported by ``selectors.history``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
# Bookkeeping that changes on every save; kept in the records, not shown as changes.
QUIET_FIELDS = frozenset({"id", "created_at", "updated_at", "version", "lead_time_ms"})
# Foreign keys to users, shown by name.
USER_FIELDS = {
    "annotator_id": "annotator",
    "reviewer_id": "reviewer",
    "user_id": "user",
    "created_by_id": "created_by",
}
SYSTEM = "system"
# A spreadsheet runs a cell starting with these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class PlainRecord:
    kind: str
    object_id: int
    history_id: int
    at: datetime
    action: str  # "+", "~" or "-"
    user_id: int | None
    reason: str
    fields: dict[str, Any]
    spans: list[dict[str, Any]] | None = None


@dataclass(frozen=True)
class FieldChange:
    name: str
    before: Any
    after: Any


@dataclass(frozen=True)
class HistoryEntry:
    kind: str
    object_id: int
    article_id: int | None
    at: datetime
    user: str
    action: str
    reason: str
    author: str | None  # the annotator, reviewer, member or release author
    previous_author: str | None  # set when a change replaced someone else's work
    changes: list[FieldChange] = field(default_factory=list)
    spans_before: list[dict[str, Any]] | None = None
    spans_after: list[dict[str, Any]] | None = None
    spans_added: list[dict[str, Any]] = field(default_factory=list)
    spans_removed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def overwrote(self) -> bool:
        return self.previous_author is not None and self.previous_author != self.author


def _named(fields: dict[str, Any], names: dict[int, str]) -> dict[str, Any]:
    shown = {}
    for key, value in fields.items():
        if key in USER_FIELDS:
            shown[USER_FIELDS[key]] = names.get(value, value) if value else None
        else:
            shown[key] = value
    return shown


def field_changes(
    before: dict[str, Any] | None, after: dict[str, Any]
) -> list[FieldChange]:
    """Fields whose value differs (all of them for a first record), quiet ones left out."""
    changes = []
    for name, value in after.items():
        if name in QUIET_FIELDS:
            continue
        old = None if before is None else before.get(name)
        if before is None or old != value:
            changes.append(FieldChange(name, old, value))
    return changes


def _span_key(span: dict[str, Any]) -> tuple:
    return (span["start"], span["end"], span["label"], span.get("text"))


def span_changes(
    before: list[dict[str, Any]] | None, after: list[dict[str, Any]] | None
) -> tuple[list[dict], list[dict]]:
    """(added, removed) spans, matched on start, end, label and text."""
    old = {_span_key(s): s for s in before or []}
    new = {_span_key(s): s for s in after or []}
    added = [s for key, s in new.items() if key not in old]
    removed = [s for key, s in old.items() if key not in new]
    return added, removed


def _author(kind: str, fields: dict[str, Any]) -> str | None:
    key = {
        "annotation": "annotator",
        "gold": "reviewer",
        "membership": "user",
        "release": "created_by",
    }.get(kind)
    return fields.get(key) if key else None


def history_entry(
    record: PlainRecord, previous: PlainRecord | None, names: dict[int, str]
) -> HistoryEntry:
    """What ``record`` changed compared with ``previous`` (same object, or None)."""
    after = _named(record.fields, names)
    before = _named(previous.fields, names) if previous else None
    deleted = record.action == "-"
    author = _author(record.kind, after)
    previous_author = _author(record.kind, before) if before else None
    spans_before = previous.spans if previous else None
    spans_after = None if deleted else record.spans
    if deleted:  # the record holds the object as it was when deleted
        spans_before = record.spans if record.spans is not None else spans_before
    added, removed = span_changes(spans_before, spans_after)
    return HistoryEntry(
        kind=record.kind,
        object_id=record.object_id,
        article_id=record.fields.get("article_id"),
        at=record.at,
        user=names.get(record.user_id, SYSTEM) if record.user_id else SYSTEM,
        action=ACTIONS.get(record.action, record.action),
        reason=record.reason,
        author=author,
        previous_author=previous_author,
        changes=[] if deleted else field_changes(before, after),
        spans_before=spans_before,
        spans_after=spans_after,
        spans_added=added,
        spans_removed=removed,
    )


def entry_as_dict(entry: HistoryEntry) -> dict[str, Any]:
    """One line of the JSONL export (JSON-ready values)."""
    return {
        "at": entry.at.isoformat(),
        "user": entry.user,
        "kind": entry.kind,
        "object_id": entry.object_id,
        "article_id": entry.article_id,
        "action": entry.action,
        "reason": entry.reason,
        "author": entry.author,
        "previous_author": entry.previous_author,
        "changes": {
            c.name: {"before": c.before, "after": c.after} for c in entry.changes
        },
        "spans_before": entry.spans_before,
        "spans_after": entry.spans_after,
    }


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


CSV_HEADER = [
    "at",
    "user",
    "kind",
    "object_id",
    "article_id",
    "action",
    "reason",
    "author",
    "previous_author",
    "changes",
    "spans_before",
    "spans_after",
]


def csv_safe(value: Any) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def entry_as_csv_row(entry: HistoryEntry) -> list[str]:
    """One row of the CSV export; nested values as JSON text."""
    data = entry_as_dict(entry)
    return [
        csv_safe(
            to_json(data[name]) if isinstance(data[name], dict | list) else data[name]
        )
        for name in CSV_HEADER
    ]
