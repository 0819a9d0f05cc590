"""annotations.changes: what a history record changed, on plain data."""

from datetime import UTC, datetime

from annotations.changes import (
    PlainRecord,
    csv_safe,
    field_changes,
    history_entry,
    span_changes,
)

AT = datetime(2026, 1, 1, tzinfo=UTC)


def record(action, fields, spans=None, user_id=1, kind="gold"):
    return PlainRecord(
        kind=kind,
        object_id=7,
        history_id=1,
        at=AT,
        action=action,
        user_id=user_id,
        reason="",
        fields=fields,
        spans=spans,
    )


def test_field_changes_leave_out_bookkeeping_and_equal_values():
    before = {"status": "draft", "version": 1, "updated_at": 1, "note": "a"}
    after = {"status": "final", "version": 2, "updated_at": 2, "note": "a"}
    [change] = field_changes(before, after)
    assert (change.name, change.before, change.after) == ("status", "draft", "final")


def test_first_record_shows_every_field_as_new():
    changes = field_changes(None, {"role": "annotator", "id": 3})
    assert [(c.name, c.before, c.after) for c in changes] == [
        ("role", None, "annotator")
    ]


def test_span_changes_match_on_offsets_label_and_text():
    a = {"start": 0, "end": 3, "label": "ORG", "text": "ACM"}
    b = {"start": 0, "end": 3, "label": "PER", "text": "ACM"}
    added, removed = span_changes([a], [b])
    assert added == [b]
    assert removed == [a]
    assert span_changes([a], [dict(a)]) == ([], [])


def test_overwrite_names_both_authors():
    names = {1: "rev", 2: "boss"}
    old = record("+", {"reviewer_id": 1, "note": ""}, spans=[])
    new = record("~", {"reviewer_id": 2, "note": ""}, spans=[], user_id=2)
    entry = history_entry(new, old, names)
    assert (entry.user, entry.author, entry.previous_author) == ("boss", "boss", "rev")
    assert entry.overwrote is True
    assert [(c.name, c.before, c.after) for c in entry.changes] == [
        ("reviewer", "rev", "boss")
    ]


def test_delete_shows_what_was_there():
    spans = [{"start": 0, "end": 3, "label": "ORG", "text": "abc"}]
    old = record("+", {"reviewer_id": 1}, spans=spans)
    gone = record("-", {"reviewer_id": 1}, spans=spans, user_id=None)
    entry = history_entry(gone, old, {1: "rev"})
    assert entry.action == "deleted"
    assert entry.user == "system"
    assert entry.spans_after is None
    assert entry.spans_removed == spans
    assert entry.changes == []


def test_csv_cells_never_start_a_formula():
    assert csv_safe("=SUM(A1)") == "'=SUM(A1)"
    assert csv_safe("@cmd") == "'@cmd"
    assert csv_safe("-1") == "'-1"
    assert csv_safe("plain") == "plain"
    assert csv_safe(None) == ""
