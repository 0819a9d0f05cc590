"""Shared set-up for the benchmarks: a throw-away database and settings.

Each benchmark runs against its own database (a SQLite file in a temporary
folder, or DATABASE_URL when set) with DEBUG off, so nothing touches the
development data and Django keeps no query log.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def configure(name: str) -> Path:
    """Point Django at a fresh benchmark database and migrate it; returns the var dir."""
    var_dir = Path(tempfile.mkdtemp(prefix=f"newsroom-bench-{name}-"))
    os.environ["NEWSROOM_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.local")
    os.environ["DEBUG"] = "False"
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        _recreate_postgres_database(name)
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite3'}"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return var_dir


def _recreate_postgres_database(name: str) -> None:
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    database = f"newsroom_bench_{name}"
    for sql in (f"DROP DATABASE IF EXISTS {database}", f"CREATE DATABASE {database}"):
        subprocess.run(
            ["psql", f"{base}/postgres", "-qc", sql], check=True, capture_output=True
        )
    os.environ["DATABASE_URL"] = f"{base}/{database}"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def database_label() -> str:
    from django.db import connection

    return connection.vendor


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
