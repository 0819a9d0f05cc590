"""``make run`` / ``make dev``: prepare the app, then serve it and a Celery worker under supervision.

    python scripts/run.py [--host 127.0.0.1] [--port 8000] [--dev] [--no-demo]

Prepare: ``migrate``, ``load_demo`` (prints the demo users), ``collectstatic``.
Serve: gunicorn (``gthread`` workers × threads sized to the machine; ``--dev``:
``runserver`` with autoreload instead) and ``celery worker``, both restarted by
``scripts/supervisor.py`` when they die; Ctrl-C stops both. The status goes to
``var/run/supervisor.json`` and one line per change; ``/healthz`` is polled.

Environment: ``WEB_WORKERS``, ``WEB_THREADS``, ``WORKER_CONCURRENCY`` override
the sizing; everything else as in the README (``DATABASE_URL``, ``REDIS_URL``...).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from supervisor import Program, Supervisor, log

ROOT = Path(__file__).resolve().parent.parent


def web_sizing(cpus: int | None = None) -> tuple[int, int]:
    """gunicorn's rule of thumb, 2 × cores + 1 processes (at most 9), 4 threads each.

    Requests spend much of their time waiting on SQLite or PostgreSQL, so a few
    threads per process serve more annotators than extra processes would cost.
    """
    cpus = cpus or os.cpu_count() or 1
    workers = int(os.environ.get("WEB_WORKERS") or min(2 * cpus + 1, 9))
    threads = int(os.environ.get("WEB_THREADS") or 4)
    return workers, threads


def manage(env: dict, *args: str) -> None:
    command = [sys.executable, "manage.py", *args]
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603 — fixed argv


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def programs(args, env: dict) -> list[Program]:
    bind = f"{args.host}:{args.port}"
    if args.dev:
        web = [sys.executable, "manage.py", "runserver", bind]
    else:
        workers, threads = web_sizing()
        web = [
            sys.executable, "-m", "gunicorn", "newsroom.wsgi:application",
            "--bind", bind, "--workers", str(workers), "--threads", str(threads),
            "--worker-class", "gthread", "--timeout", "60",
            "--graceful-timeout", "10", "--keep-alive", "5",
            # Load Django (and spaCy, which the services import) once, then fork:
            # workers start in a blink and share the memory.
            "--preload",
        ]  # fmt: skip
        if os.environ.get("WEB_ACCESS_LOG"):
            web += ["--access-logfile", "-"]
    worker = [
        sys.executable, "-m", "celery", "-A", "newsroom", "worker",
        "--queues", "celery,nlp", "--loglevel", "INFO",
        "--concurrency", os.environ.get("WORKER_CONCURRENCY", "2"),
    ]  # fmt: skip
    return [Program("web", web, env), Program("worker", worker, env)]


def health_probe(url: str):
    """A callable for the supervisor: "ok", or "unhealthy (worker, ...)", or "down"."""

    def probe() -> str:
        try:
            with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310
                body = json.load(response)
        except urllib.error.HTTPError as error:
            body = json.load(error)
        except (OSError, ValueError):
            return "down"
        bad = [name for name, check in body["checks"].items() if not check["ok"]]
        return f"unhealthy ({', '.join(bad)})" if bad else "ok"

    return probe


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    parser.add_argument("--dev", action="store_true", help="runserver, autoreload")
    parser.add_argument("--no-demo", action="store_true", help="skip load_demo")
    args = parser.parse_args(argv)

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get(
            "DJANGO_SETTINGS_MODULE", "newsroom.settings.local"
        ),
        "PYTHONUNBUFFERED": "1",
        # make run serves the collected files; make dev serves them live.
        "STATIC_LIVE": "1" if args.dev else "0",
    }
    if not port_is_free(args.host, args.port):
        log(f"port {args.port} on {args.host} is in use; choose another with PORT=...")
        return 2
    # Nobody else writes yet: long migration or demo transactions are no finding.
    quiet = {**env, "SLOW_TRANSACTION_MS": "3600000"}
    manage(quiet, "migrate", "--no-input")
    if not args.no_demo:
        manage(quiet, "load_demo")
    if not args.dev:
        manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    var_dir = Path(env.get("NEWSROOM_VAR_DIR") or ROOT / "var")
    url = f"http://{args.host}:{args.port}/"
    supervisor = Supervisor(
        programs(args, env), status_file=var_dir / "run" / "supervisor.json", url=url
    )
    log(f"serving {url} (Ctrl-C stops everything)")
    return supervisor.run(health_check=health_probe(url + "healthz"))


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # Ctrl-C while preparing: nothing runs yet
        log("interrupted")
        sys.exit(130)
