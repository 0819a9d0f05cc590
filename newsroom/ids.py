"""Integers from URLs and query strings, bounded to what the database can store.

SQLite and PostgreSQL keys are signed 64-bit; Python ints are not. A larger
number reached the database as ``OverflowError`` (a 500, issue 17). Path ids use
the ``id`` converter (out of range: no match, so 404); query filters use
``parse_db_int`` or the bounded filters in ``annotations/api/filters.py`` (400).
"""

from __future__ import annotations

DB_INT_MAX = 2**63 - 1


def parse_db_int(value: str | int, *, minimum: int = 0) -> int:
    """``value`` as an int in [minimum, 2**63 - 1]; ValueError otherwise."""
    number = int(value)
    if not minimum <= number <= DB_INT_MAX:
        raise ValueError(f"{number} is outside {minimum}..{DB_INT_MAX}")
    return number


class IdConverter:
    """``<id:pk>``: like ``<int:pk>``, but a number past 64 bits matches nothing (404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        return parse_db_int(value)

    def to_url(self, value: int) -> str:
        return str(value)
