"""Start the one-command default (``scripts/run.py``) on a free port, for tests and the soak.

The stack gets a fresh var folder (SQLite, embedded broker, media) and never the
caller's DATABASE_URL/REDIS_URL: it is the embedded default ``make run`` gives
an evaluator, started by the same supervisor.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (from /proc; Linux)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rpartition(")")[2].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


class Stack:
    """``with Stack(var_dir) as stack:`` — the supervised web + worker, healthy."""

    def __init__(self, var_dir: Path, *, port: int | None = None, extra_env=None):
        self.var_dir = Path(var_dir)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.var_dir / "stack.log"
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
        }
        self.env.update(
            NEWSROOM_VAR_DIR=str(self.var_dir),
            DJANGO_SETTINGS_MODULE="newsroom.settings.local",
            PYTHONUNBUFFERED="1",
            **(extra_env or {}),
        )
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, timeout: float = 180) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "scripts/run.py", "--port", str(self.port)],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"run.py exited:\n{self.log_tail()}")
            if self.health()[0] == 200:
                return
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"stack not healthy after {timeout} s:\n{self.log_tail()}")

    def stop(self, timeout: float = 60) -> int | None:
        """SIGINT, as Ctrl-C would; returns the supervisor's exit code."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            for pid in descendants(self.process.pid):
                os.kill(pid, signal.SIGKILL)
            self.process.kill()
            raise

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def status(self) -> dict:
        return json.loads((self.var_dir / "run" / "supervisor.json").read_text())

    def pid(self, program: str) -> int | None:
        info = self.status()["programs"][program]
        return info["pid"] if info["state"] == "up" else None

    def health(self) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as r:  # noqa: S310
                return r.status, json.load(r)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)
        except (OSError, ValueError):
            return 0, {}

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT, env=self.env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        return result.stdout

    def token(self, username: str) -> str:
        return self.manage("create_api_token", username).strip()

    def api(self, method: str, path: str, token: str, body=None) -> tuple[int, dict]:
        """One JSON request with ``Authorization: Token``; (status, parsed body)."""
        request = urllib.request.Request(  # noqa: S310 — our own loopback URL
            f"{self.url}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Authorization": f"Token {token}",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                raw = response.read()
                return response.status, json.loads(raw) if raw else {}
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                return error.code, json.loads(raw) if raw else {}
            except ValueError:
                return error.code, {"raw": raw[:500].decode(errors="replace")}
