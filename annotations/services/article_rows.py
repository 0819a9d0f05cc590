"""Inserting many articles at once: multi-row ``INSERT ... RETURNING id``.

Imported by ``services.articles`` (inside its batch transaction). Django's
``bulk_create`` builds a model instance and prepares every field of every row
through the field API (~1 s of a 10,000-article import, most of its write path
on this machine) and, on SQLite, splits into statements of 999 parameters. The
rows here are already validated plain dicts, so only the two values that need
an adapter go through Django: ``meta`` (the backend's JSON adapter, once per
row) and ``imported_at`` (once per batch). Same table, same columns, same defaults as the
model (``tests/integration/services/test_articles.py`` reads them back).
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from annotations.models import Article, Project

# The columns written; every other column of Article has a default here.
_COLUMNS = (
    "project_id",
    "title",
    "text",
    "language",
    "external_id",
    "meta",
    "content_hash",
    "priority",
    "is_calibration",
    "preannotation_skipped_reason",
    "imported_at",
)
# SQLite ≥ 3.32 allows 32,766 parameters per statement, PostgreSQL 65,535.
_MAX_PARAMS = 30000


def article_rows_insert(project: Project, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` (cleaned items with ``content_hash``) into ``project``; their ids."""
    if not rows:
        return []
    adapt_json = connection.ops.adapt_json_value
    imported_at = Article._meta.get_field("imported_at").get_db_prep_save(
        timezone.now(), connection
    )
    values = [
        (
            project.pk,
            row["title"],
            row["text"],
            row["language"],
            row["external_id"],
            adapt_json(row["meta"], None),
            row["content_hash"],
            0,
            False,
            "",
            imported_at,
        )
        for row in rows
    ]
    ids: list[int] = []
    per_statement = _MAX_PARAMS // len(_COLUMNS)
    for start in range(0, len(values), per_statement):
        ids += _insert(values[start : start + per_statement])
    return ids


def _insert(values: list[tuple]) -> list[int]:
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
    table, columns = quote(Article._meta.db_table), ", ".join(map(quote, _COLUMNS))
    rows = ", ".join([row] * len(values))
    # Names come from the model, every value is a parameter.
    sql = f"INSERT INTO {table} ({columns}) VALUES {rows} RETURNING {quote('id')}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row_values in values for value in row_values])
        ids = [pk for (pk,) in cursor.fetchall()]
    return sorted(ids)
