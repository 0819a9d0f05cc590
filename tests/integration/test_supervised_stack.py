"""``make run``'s supervisor on a free port: restarts after kill -9, clean Ctrl-C (issues 15, 17).

One stack for the module (starting it costs ~20 s): the checks run in order on it.
"""

from __future__ import annotations

import os
import signal
import time
import urllib.request

import pytest

from bench.stack import Stack, alive, descendants

pytestmark = [pytest.mark.worker]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = Stack(
        tmp_path_factory.mktemp("stack"),
        extra_env={"WEB_WORKERS": "2", "WEB_THREADS": "2", "WORKER_CONCURRENCY": "1"},
    )
    stack.start()
    yield stack
    stack.stop()


def wait_until(predicate, timeout: float, message: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(message)


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
        return response.status, response.read().decode()


def test_serves_login_static_files_and_a_healthy_healthz(stack):
    status, page = get(f"{stack.url}/accounts/login/")
    assert status == 200
    assert 'name="password"' in page
    assert get(f"{stack.url}/static/css/newsroom.css")[0] == 200
    code, health = stack.health()
    assert code == 200
    assert health["status"] == "ok"
    assert set(health["checks"]) == {"database", "broker", "storage", "worker"}
    assert "gunicorn" in " ".join(_cmdline(stack.pid("web")))
    assert "Demo users: admin (admin)" in stack.log_tail(100_000)


def _cmdline(pid: int) -> list[str]:
    with open(f"/proc/{pid}/cmdline", "rb") as handle:
        return handle.read().decode().split("\0")


def preannotation_is_done(stack, token: str) -> bool:
    status, projects = stack.api("GET", "/api/v1/projects/", token)
    assert status == 200, projects
    project_id = projects["results"][0]["id"]
    status, started = stack.api(
        "POST", f"/api/v1/projects/{project_id}/preannotate/", token, {}
    )
    assert status == 202, started

    def done():
        _code, job = stack.api("GET", f"/api/v1/jobs/{started['job']}/", token)
        return job.get("status") == "done"

    wait_until(done, 60, "the pre-annotation job did not finish")
    return True


def test_a_killed_worker_is_restarted_within_5_s_and_consumes_again(stack):
    old = stack.pid("worker")
    os.kill(old, signal.SIGKILL)
    new = wait_until(
        lambda: (pid := stack.pid("worker")) not in (None, old) and pid,
        5,
        "the worker was not restarted within 5 s",
    )
    assert alive(new)
    assert f"worker (pid {old}) killed by SIGKILL" in stack.log_tail()
    assert stack.status()["programs"]["worker"]["restarts"] >= 1
    assert preannotation_is_done(stack, stack.token("admin"))


def test_a_killed_web_server_is_restarted_within_5_s_and_serves_again(stack):
    old = stack.pid("web")
    os.kill(old, signal.SIGKILL)
    wait_until(
        lambda: stack.pid("web") not in (None, old),
        5,
        "the web server was not restarted within 5 s",
    )
    assert f"web (pid {old}) killed by SIGKILL" in stack.log_tail()
    wait_until(lambda: stack.health()[0] == 200, 30, "not serving after the restart")
    assert get(f"{stack.url}/accounts/login/")[0] == 200


def test_sigint_stops_everything_and_leaves_no_process(stack):
    supervisor = stack.process.pid
    children = descendants(supervisor)
    assert len(children) >= 4  # gunicorn master + 2 workers, celery + its pool
    assert stack.stop() == 0
    leftovers = [pid for pid in children if alive(pid)]
    assert leftovers == [], f"still running after Ctrl-C: {leftovers}"
    assert "SIGINT: stopping everything" in stack.log_tail()
