"""Django's SQLite backend, plus a clock on every transaction.

With ``transaction_mode=IMMEDIATE`` each ``transaction.atomic`` block takes
SQLite's single write lock at BEGIN and keeps it until COMMIT; every other
writer waits (up to the 30 s timeout, then "database is locked"). This backend
measures that hold and the wait before it:

- a transaction that holds the lock longer than ``NEWSROOM_SLOW_TRANSACTION_MS``
  (default 500) is logged as a warning naming the service that opened it;
- with ``NEWSROOM_TRANSACTION_TRACE=path`` every transaction is appended to that
  file as a JSON line (``bench/lock_profile.py`` summarises it).

Used for SQLite only (``settings.base`` swaps the engine); PostgreSQL has row locks.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time

from django.conf import settings
from django.db.backends.sqlite3 import base

logger = logging.getLogger("newsroom.db")


def transaction_origin() -> str:
    """``services/articles.py:articles_import``: the outermost service on the stack.

    Falls back to the outermost frame of our own code (a view, a task, a command).
    """
    frame = sys._getframe(1)
    service = ours = None
    while frame is not None:
        name = _frame_name(frame)
        if name is not None:
            ours = name
            if name.startswith("services/"):
                service = name
        frame = frame.f_back
    return service or ours or "outside annotations"


def _frame_name(frame) -> str | None:
    """``services/x.py:function`` for a frame of our code, else None.

    ``@transaction.atomic`` on a function opens and closes the transaction in
    the decorator's ``inner`` frame, outside the function's own: that frame is
    named after the function it wraps.
    """
    path = frame.f_code.co_filename.replace(os.sep, "/")
    if "/annotations/" in path and "/site-packages/" not in path:
        return f"{path.rpartition('/annotations/')[2]}:{frame.f_code.co_name}"
    if frame.f_code.co_name == "inner" and path.endswith("contextlib.py"):
        func = frame.f_locals.get("func")
        module = getattr(func, "__module__", "") or ""
        if module.startswith("annotations."):
            file = module.removeprefix("annotations.").replace(".", "/")
            return f"{file}.py:{func.__qualname__}"
    return None


class DatabaseWrapper(base.DatabaseWrapper):
    _lock_taken_at: float | None = None
    _lock_wait_ms: float = 0.0

    def _start_transaction_under_autocommit(self):
        asked = time.perf_counter()
        super()._start_transaction_under_autocommit()  # BEGIN IMMEDIATE waits here
        self._lock_taken_at = time.perf_counter()
        self._lock_wait_ms = (self._lock_taken_at - asked) * 1000

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._transaction_ended("commit")

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._transaction_ended("rollback")

    def _transaction_ended(self, how: str) -> None:
        if self._lock_taken_at is None:
            return
        held_ms = (time.perf_counter() - self._lock_taken_at) * 1000
        self._lock_taken_at = None
        slow_ms = getattr(settings, "NEWSROOM_SLOW_TRANSACTION_MS", 500)
        trace = getattr(settings, "NEWSROOM_TRANSACTION_TRACE", "")
        if held_ms < slow_ms and not trace:
            return
        origin = transaction_origin()
        if held_ms >= slow_ms:
            logger.warning(
                "SQLite write lock held %.0f ms (waited %.0f ms) by %s (%s)",
                held_ms,
                self._lock_wait_ms,
                origin,
                how,
            )
        if trace:
            record = {
                "origin": origin,
                "held_ms": round(held_ms, 2),
                "wait_ms": round(self._lock_wait_ms, 2),
                "end": how,
                "pid": os.getpid(),
                "at": time.time(),
            }
            with open(trace, "a") as handle:  # one short line: an atomic append
                handle.write(json.dumps(record) + "\n")
