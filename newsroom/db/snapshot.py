"""A consistent read of many queries that takes no write lock.

Long reads that must see one state of the database (a release's five dataset
files and its manifest) used to run inside ``transaction.atomic``; on SQLite
that is ``BEGIN IMMEDIATE``, the one write lock, held for the whole read (55 s
for a release of 5,000 articles) while every save waited. ``read_snapshot``
gives the same consistency without blocking anyone:

- SQLite (WAL): ``BEGIN DEFERRED`` and only reads, so the transaction stays a
  reader; writers go on appending to the WAL, we keep seeing the snapshot of
  our first read. Ended with ROLLBACK (nothing to commit).
- PostgreSQL: a ``REPEATABLE READ READ ONLY`` transaction (no row locks).

Inside an ``atomic`` block (a test, a caller's transaction) it adds nothing:
that transaction already is the snapshot. Code inside must not write.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction


@contextmanager
def read_snapshot(using: str = DEFAULT_DB_ALIAS):
    connection = connections[using]
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
    elif connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"
                )
            yield
    else:
        yield
