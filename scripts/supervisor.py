"""A small process supervisor: start programs, restart the ones that die, stop all on a signal.

Used by ``scripts/run.py`` (``make run``/``make dev``). Each program runs in a
session of its own, so that it and its children (gunicorn's workers, Celery's
pool) form one process group: a crashed program's leftovers are killed with
the group before it is restarted, and Ctrl-C stops every group, waiting for a
clean exit before it kills. A child asks the kernel for SIGTERM if the
supervisor itself dies (Linux ``PR_SET_PDEATHSIG``), so even ``kill -9`` of the
supervisor leaves no orphan.

The state goes to a JSON status file (pids, restarts, last exit) and one
status line on every change. Standard library only.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

TICK_SECONDS = 0.2
# A program that dies sooner than this after its start is crash-looping: its
# restarts back off (0.5 s, 1 s, 2 s, then 4 s) so that they stay under 5 s.
QUICK_EXIT_SECONDS = 10.0
MAX_BACKOFF_SECONDS = 4.0
STOP_GRACE_SECONDS = 15.0
PR_SET_PDEATHSIG = 1


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} newsroom: {message}", flush=True)


def _child_setup() -> None:
    """In the child before exec: own session; SIGTERM when the supervisor dies."""
    os.setsid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the stop path still cleans up
        pass


@dataclass
class Program:
    name: str
    argv: list[str]
    env: dict[str, str] | None = None
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    restarts: int = 0
    quick_exits: int = 0
    restart_at: float | None = None
    last_exit: str | None = None
    history: list[dict] = field(default_factory=list)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def state(self) -> str:
        if self.process is not None and self.process.poll() is None:
            return "up"
        return "restarting" if self.restart_at is not None else "stopped"


class Supervisor:
    def __init__(self, programs: list[Program], *, status_file: Path, url: str = ""):
        self.programs = programs
        self.status_file = status_file
        self.url = url
        self.stopping = False
        self.health = "unknown"
        self.started_at = time.monotonic()

    # --- lifecycle ---------------------------------------------------------------
    def run(self, health_check=None, health_every: float = 15.0) -> int:
        """Supervise until SIGINT/SIGTERM; returns the exit code."""
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self._on_signal)
        for program in self.programs:
            self._start(program)
        self.started_at = time.monotonic()
        self._report()
        next_health = time.monotonic() + 2.0
        while not self.stopping:
            time.sleep(TICK_SECONDS)
            # Every program is watched on every tick (no short-circuit).
            changes = [self._watch(program) for program in self.programs]
            changed = any(changes)
            if health_check and time.monotonic() >= next_health:
                health = health_check()
                if self.health in ("unknown", "starting") and health != "ok":
                    # Still starting: ask again soon; "down" only after a minute.
                    started = time.monotonic() - self.started_at < 60
                    health = "starting" if started else health
                    next_health = time.monotonic() + 2.0
                else:
                    next_health = time.monotonic() + health_every
                changed = changed or health != self.health
                self.health = health
            if changed:
                self._report()
        self._stop_all()
        return 0

    def _on_signal(self, signum, frame) -> None:
        if not self.stopping:
            log(f"{signal.Signals(signum).name}: stopping everything")
        self.stopping = True

    def _start(self, program: Program) -> None:
        program.process = subprocess.Popen(  # noqa: S603 — our own argv
            program.argv, env=program.env, preexec_fn=_child_setup
        )
        program.started_at = time.monotonic()
        program.restart_at = None

    def _watch(self, program: Program) -> bool:
        """Notice a death, schedule and do the restart; True when the state changed."""
        process = program.process
        if program.restart_at is not None:
            if time.monotonic() >= program.restart_at:
                self._start(program)
                log(f"{program.name} restarted (pid {program.pid})")
                return True
            return False
        if process is None or process.poll() is None:
            return False
        code = process.returncode
        ran = time.monotonic() - program.started_at
        _kill_group(process.pid, signal.SIGKILL)  # leftovers of the dead program
        program.quick_exits = program.quick_exits + 1 if ran < QUICK_EXIT_SECONDS else 0
        delay = (
            min(0.5 * 2 ** (program.quick_exits - 1), MAX_BACKOFF_SECONDS)
            if program.quick_exits
            else 0.0
        )
        program.restarts += 1
        program.last_exit = _describe_exit(code)
        program.history.append({"pid": process.pid, "exit": program.last_exit})
        program.restart_at = time.monotonic() + delay
        log(
            f"{program.name} (pid {process.pid}) {program.last_exit} after "
            f"{ran:.0f} s; restarting in {delay:.1f} s (restart #{program.restarts})"
        )
        return True

    def _stop_all(self) -> None:
        """SIGTERM every program (web first), wait, then SIGKILL what is left.

        Only the leader gets SIGTERM: gunicorn's master and Celery's main process
        stop their own children; a signal to the whole group would kill Celery's
        pool under it, which it would then restart instead of shutting down.
        """
        for program in self.programs:
            program.restart_at = None
            if program.process and program.process.poll() is None:
                program.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for program in self.programs:
            if program.process is None:
                continue
            try:
                program.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log(f"{program.name} did not stop in time; killing it")
            _kill_group(program.process.pid, signal.SIGKILL)
            program.process.wait()  # reap the leader, or the group never looks empty
            _wait_group_gone(program.process.pid)
        self._report(final=True)

    # --- reporting -------------------------------------------------------------------
    def status(self) -> dict:
        return {
            "supervisor_pid": os.getpid(),
            "url": self.url,
            "stopping": self.stopping,
            "health": self.health,
            "programs": {
                p.name: {
                    "pid": p.pid,
                    "state": p.state(),
                    "restarts": p.restarts,
                    "last_exit": p.last_exit,
                    "history": p.history[-20:],
                }
                for p in self.programs
            },
        }

    def _report(self, final: bool = False) -> None:
        status = self.status()
        self.status_file.parent.mkdir(parents=True, exist_ok=True)
        partial = self.status_file.with_suffix(".tmp")
        partial.write_text(json.dumps(status, indent=2))
        os.replace(partial, self.status_file)
        parts = []
        for name, info in status["programs"].items():
            part = f"{name} {'stopped' if final else info['state']}"
            if info["pid"] and not final:
                part += f" (pid {info['pid']}"
                part += f", {info['restarts']} restart(s))" if info["restarts"] else ")"
            parts.append(part)
        if not final:
            parts.append(f"health {self.health}")
            if self.url:
                parts.append(self.url)
        log(" · ".join(parts))


def _describe_exit(code: int) -> str:
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exited with code {code}"


def _kill_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def _wait_group_gone(pgid: int, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    print(f"newsroom: process group {pgid} still alive", file=sys.stderr)
