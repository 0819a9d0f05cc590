"""Fuzz the REST API with schemathesis against a real gunicorn server.

    python -m bench.fuzz_api [--max-examples 100] [--seed N] [--port 0]

A throw-away SQLite database with the demo data, gunicorn on a free port, then
``schemathesis run`` with every check, once with the demo admin's token and once
with an annotator's (anna). Exit code 0 only when both runs find nothing: no 5xx,
no answer the served schema does not describe. ``tests/api/test_fuzz.py`` runs the
same with few examples on every ``make test``; this is the longer variant.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The demo users the runs authenticate as (an annotator and the admin).
FUZZ_USERS = ("anna", "admin")


@dataclass
class FuzzResult:
    user: str
    returncode: int
    output: str


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(folder: Path) -> dict[str, str]:
    """The server's environment: its own SQLite file, file broker and media.

    DATABASE_URL and REDIS_URL of the caller (CI's PostgreSQL and Redis) are
    replaced, so queued jobs never reach the test suite's worker.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings.local",
        DATABASE_URL=f"sqlite:///{folder / 'fuzz.sqlite3'}",
        NEWSROOM_VAR_DIR=str(folder / "var"),
        DEBUG="0",  # production-like error pages: a 500 is a 500, never a debug page
        LOGIN_FAILURE_LIMIT="1000",
        WARM_PIPELINES="",
        PYTHONUNBUFFERED="1",
    )
    env["API_TOKEN_RATE"] = "100000/min"  # noqa: S105 — a rate: no 429s in the run
    return env


#: One process for the set-up (Django and spaCy start once, not per command).
PREPARE = """
import io, json, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("load_demo", stdout=io.StringIO())
tokens = {}
for user in sys.argv[1:]:
    out = io.StringIO()
    call_command("create_api_token", user, stdout=out)
    tokens[user] = out.getvalue().strip().splitlines()[-1]
print(json.dumps(tokens))
"""


def prepare(env: dict[str, str]) -> dict[str, str]:
    """Migrate, load the demo and issue one token per fuzzing user."""
    result = subprocess.run(
        [sys.executable, "-c", PREPARE, *FUZZ_USERS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"set-up failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def serve(env: dict[str, str], port: int, log_path: Path) -> Iterator[str]:
    """gunicorn (one process, four threads) until the block ends; yields its URL."""
    log = log_path.open("w")
    argv = [
        sys.executable, "-m", "gunicorn", "newsroom.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4",
        "--worker-class", "gthread", "--timeout", "60",
    ]  # fmt: skip
    process = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{log_path.read_text()[-3000:]}")
            try:  # any answer will do: /healthz is 503 without a Celery worker
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310
                    break
            except urllib.error.HTTPError:
                break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not answer /healthz") from None
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def served_schema(base: str, token: str, target: Path) -> Path:
    """The schema as the server serves it, fetched once (its first generation can
    take longer than schemathesis waits for a schema on a busy machine)."""
    request = urllib.request.Request(  # noqa: S310 — our own loopback URL
        f"{base}/api/v1/schema/", headers={"Authorization": f"Token {token}"}
    )
    with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310
        target.write_bytes(response.read())
    return target


def fuzz_start(
    base: str,
    token: str,
    *,
    schema: Path,
    max_examples: int,
    seed: int,
    report: Path,
    extra: tuple[str, ...] = (),
) -> subprocess.Popen:
    """Start one ``schemathesis run`` with every check (schemathesis.toml);
    ``extra`` arguments narrow it (the soak: server errors only, fuzzing phase)."""
    argv = [
        sys.executable, "-m", "schemathesis.cli",
        "--config-file", str(ROOT / "bench" / "schemathesis.toml"),
        "run", str(schema), "--url", base,
        "--max-examples", str(max_examples),
        "--seed", str(seed), "--workers", "1", "--no-shrink",
        "--header", f"Authorization: Token {token}",
        "--request-timeout", "60", "--suppress-health-check", "all",
        "--report", "ndjson", "--report-ndjson-path", str(report), *extra,
    ]  # fmt: skip
    return subprocess.Popen(
        argv,
        cwd=report.parent,  # its cache and crash files stay out of the repository
        stdout=report.with_suffix(".txt").open("w"),
        stderr=subprocess.STDOUT,
        env={**os.environ, "NO_COLOR": "1"},
    )


def run(*, max_examples: int, seed: int, port: int, folder: Path) -> list[FuzzResult]:
    """Both users' runs side by side against one server (half the wall time; the
    server must take concurrent clients anyway)."""
    env = server_env(folder)
    tokens = prepare(env)
    with serve(env, port or free_port(), folder / "gunicorn.log") as base:
        schema = served_schema(base, tokens["admin"], folder / "openapi.yaml")
        started = {
            user: fuzz_start(
                base,
                tokens[user],
                schema=schema,
                max_examples=max_examples,
                seed=seed,
                report=folder / f"schemathesis-{user}.ndjson",
            )
            for user in FUZZ_USERS
        }
        codes = {user: process.wait() for user, process in started.items()}
    return [
        FuzzResult(
            user=user,
            returncode=codes[user],
            output=(folder / f"schemathesis-{user}.txt").read_text(),
        )
        for user in FUZZ_USERS
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--keep", help="keep the database and logs in this folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsroom-fuzz-") as scratch:
        folder = Path(args.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        results = run(
            max_examples=args.max_examples,
            seed=args.seed,
            port=args.port,
            folder=folder,
        )
        for result in results:
            print(f"## schemathesis as {result.user}: exit {result.returncode}")
            print(result.output[-6000:])
        print(f"seed {args.seed}, {time.monotonic() - started:.0f} s")
    return 0 if all(r.returncode == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
