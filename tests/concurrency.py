"""Run callables at the same instant in threads, each on its own database connection.

For the race tests (``@pytest.mark.django_db(transaction=True)``): the threads
wait at a barrier, then call; an exception is a result, not a crash, so the
test can assert on it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections, connection


def race(functions: list[Callable[[], Any]]) -> list[tuple[str, Any]]:
    """``[("ok", value) | ("error", exception)]``, one per callable, in order."""
    barrier = threading.Barrier(len(functions))
    results: list = [None] * len(functions)

    def run(index: int, function: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", function())
        except Exception as error:  # the result is the assertion
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    return results
