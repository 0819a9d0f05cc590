"""Inserting many articles at once: multi-row ``INSERT ... RETURNING id``.

Imported by ``services.articles`` (inside its batch transaction). Django's
``bulk_create`` builds a model instance and prepares every field of every row
through the field API (~1 s of a 10,000-article import, most of its write path
on this machine) and, on SQLite, splits into statements of 999 parameters. The
rows here are already validated plain dicts: ``meta`` goes through the
backend's JSON adapter once per row; every other column of the model gets its
field's default (``auto_now_add``: now), prepared by the field once per batch,
so a column added to ``Article`` later is written right without a change here.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from annotations.models import Article, Project

# What each item brings; every other column gets the model field's default.
_PER_ROW = ("title", "text", "language", "external_id", "meta", "content_hash")
# SQLite ≥ 3.32 allows 32,766 parameters per statement, PostgreSQL 65,535.
_MAX_PARAMS = 30000


def article_rows_insert(project: Project, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` (cleaned items with ``content_hash``) into ``project``; their ids."""
    if not rows:
        return []
    constants = _constant_columns(project)
    columns = [*_PER_ROW, *constants]
    adapt_json = connection.ops.adapt_json_value
    fixed = tuple(constants.values())
    values = [
        (
            row["title"],
            row["text"],
            row["language"],
            row["external_id"],
            adapt_json(row["meta"], None),
            row["content_hash"],
            *fixed,
        )
        for row in rows
    ]
    ids: list[int] = []
    per_statement = _MAX_PARAMS // len(columns)
    for start in range(0, len(values), per_statement):
        ids += _insert(columns, values[start : start + per_statement])
    return ids


def _constant_columns(project: Project) -> dict[str, Any]:
    """Column → database value for the columns every row shares (defaults, now, project)."""
    now = timezone.now()
    constants: dict[str, Any] = {}
    for field in Article._meta.concrete_fields:
        if field.primary_key or field.name in _PER_ROW:
            continue
        if field.attname == "project_id":
            value = project.pk
        elif getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            value = now
        else:
            value = field.get_default()
        constants[field.column] = field.get_db_prep_save(value, connection)
    return constants


def _insert(columns: list[str], values: list[tuple]) -> list[int]:
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    table, names = quote(Article._meta.db_table), ", ".join(map(quote, columns))
    rows = ", ".join([row] * len(values))
    # Names come from the model, every value is a parameter.
    sql = f"INSERT INTO {table} ({names}) VALUES {rows} RETURNING {quote('id')}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row_values in values for value in row_values])
        ids = [pk for (pk,) in cursor.fetchall()]
    return sorted(ids)
