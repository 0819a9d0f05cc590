"""Label Studio's CSV export read back into Label Studio tasks.

Imported by ``importers.readers``; imports the package's label mapper. No database
access. Label Studio writes one CSV row per annotation (its converter's JSON_MIN
records, flattened): the task's ``data`` keys, ``id`` (the task), ``annotator``
(email or user id), ``annotation_id``, ``created_at``, ``updated_at``,
``lead_time`` (seconds), and one column per control tag: spans as JSON
``[{"start", "end", "text", "labels"}]``, one choice as plain text, several as
JSON ``{"choices": [...]}``. Rows of one task follow each other; they become one
task with one annotation per row, read by the Label Studio task reader.

A column is read as spans when its cells hold such JSON lists, as a question when
its name is a question of the scheme (or is mapped with ``label_mapping``);
anything else stays task data (article ``meta``), and a warning names the
columns that looked like annotations but could not be read.
"""

from __future__ import annotations

import json
from typing import Any

from .labels import LabelMapper

#: Columns Label Studio's CSV export always writes besides the task data.
FIXED_COLUMNS = frozenset(
    {"annotator", "annotation_id", "created_at", "updated_at", "lead_time"}
)
EXTRA_COLUMNS = frozenset({"id", "agreement", "history"})
UNREAD = (
    "Column(s) {columns} look like Label Studio annotation results but are not "
    "spans (JSON [{{start, end, text, labels}}]) or questions of the scheme: kept "
    "as article meta, not imported as annotations. Map them with label_mapping or "
    "export JSON from Label Studio."
)


def is_labelstudio_csv(rows: list[dict[str, Any]]) -> bool:
    """A CSV whose header holds the columns Label Studio's export always writes."""
    return bool(rows) and rows[0].keys() >= FIXED_COLUMNS


def labelstudio_csv_tasks(
    rows: list[dict[str, Any]], lines: list[int], mapper: LabelMapper
) -> tuple[list[dict[str, Any]], list[int], list[str]]:
    """Tasks, the CSV line of each task's first row, and warnings."""
    columns = [c for c in rows[0] if c not in FIXED_COLUMNS | EXTRA_COLUMNS]
    spans = {c for c in columns if any(_span_list(row.get(c)) for row in rows)}
    questions = {c for c in columns if c not in spans and _is_question(c, mapper)}
    data_columns = [c for c in columns if c not in spans | questions]
    tasks: list[dict[str, Any]] = []
    task_lines: list[int] = []
    for row, line in zip(rows, lines, strict=True):
        task_id = row.get("id") or None
        if not tasks or task_id is None or tasks[-1].get("id") != task_id:
            tasks.append({"id": task_id, "data": _data(row, data_columns)})
            task_lines.append(line)
            tasks[-1]["annotations"] = []
        if row.get("annotation_id") not in (None, ""):
            tasks[-1]["annotations"].append(
                _annotation(row, sorted(spans), sorted(questions))
            )
    unread = [c for c in data_columns if _looks_like_results(c, rows)]
    warnings = [UNREAD.format(columns=", ".join(unread))] if unread else []
    return tasks, task_lines, warnings


def _span_list(cell: Any) -> list[dict[str, Any]] | None:
    """The regions of a labels cell, or None when the cell is not one."""
    if not isinstance(cell, str) or not cell.startswith("["):
        return None
    try:
        value = json.loads(cell)
    except json.JSONDecodeError:
        return None
    if isinstance(value, list) and all(
        isinstance(v, dict) and "labels" in v and "start" in v for v in value
    ):
        return value
    return None


def _is_question(column: str, mapper: LabelMapper) -> bool:
    return mapper.scheme.question(column) is not None or any(
        key.startswith(f"{column}:") for key in mapper.mapping
    )


def _looks_like_results(column: str, rows: list[dict[str, Any]]) -> bool:
    """A data column whose cells are JSON objects or lists with region keys."""
    for row in rows:
        cell = row.get(column) or ""
        if cell[:1] in "[{" and any(k in cell for k in ('"labels"', '"choices"')):
            return True
    return False


def _data(row: dict[str, Any], columns: list[str]) -> dict[str, Any]:
    """Task data: empty cells left out, a JSON object in ``meta`` decoded."""
    data: dict[str, Any] = {}
    for column in columns:
        value = row.get(column)
        if value in (None, ""):
            continue
        if column == "meta":
            try:
                decoded = json.loads(value)
            except json.JSONDecodeError:
                decoded = None
            value = decoded if isinstance(decoded, dict) else {"meta": value}
        data[column] = value
    return data


def _annotation(
    row: dict[str, Any], span_columns: list[str], questions: list[str]
) -> dict[str, Any]:
    """One Label Studio annotation from a CSV row."""
    results: list[dict[str, Any]] = []
    for column in span_columns:
        for region in _span_list(row.get(column)) or []:
            value = {k: region[k] for k in ("start", "end", "text") if k in region}
            value["labels"] = region["labels"]
            results.append({"from_name": column, "type": "labels", "value": value})
    for column in questions:
        cell = row.get(column)
        if cell in (None, ""):
            continue
        choices = [cell]
        if cell.startswith("{"):
            try:
                choices = json.loads(cell).get("choices", [cell])
            except (json.JSONDecodeError, AttributeError):
                choices = [cell]
        results.append(
            {"from_name": column, "type": "choices", "value": {"choices": choices}}
        )
    annotator: Any = row.get("annotator")
    if isinstance(annotator, str) and annotator.isdigit():
        annotator = int(annotator)  # a user id, as in the JSON export
    return {
        "completed_by": annotator,
        "lead_time": _seconds(row.get("lead_time")),
        "result": results,
    }


def _seconds(cell: Any) -> float | None:
    try:
        return float(cell) if cell not in (None, "") else None
    except ValueError:
        return None
