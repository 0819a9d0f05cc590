"""A real Celery worker on the embedded broker survives bad messages (issue 17).

The worker here always uses ``newsroom-fs://`` in a folder of its own (also in
CI, where the suite's worker uses Redis) and the suite's test database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery

from annotations.choices import JobKind, JobStatus
from annotations.services.jobs import job_create
from tests.integration.test_worker import wait_for_job

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def embedded_worker(tmp_path, django_db_blocker):
    from django.db import connection

    with django_db_blocker.unblock():
        test_db_name = str(connection.settings_dict["NAME"])
    folder = tmp_path / "celery" / "broker"  # settings: VAR_DIR/celery/broker
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.test",
        "NEWSROOM_WORKER_TEST_DB": test_db_name,
        "NEWSROOM_VAR_DIR": str(tmp_path),
        "REDIS_URL": "",
        "WARM_PIPELINES": "",
        "PYTHONUNBUFFERED": "1",
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "newsroom", "worker",
             "--queues", "celery", "--pool", "solo", "--loglevel", "INFO",
             "--hostname", f"embedded-{os.getpid()}@%h"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while " ready." not in log_path.read_text() and time.monotonic() < deadline:
        if process.poll() is not None:
            break
        time.sleep(0.2)
    if " ready." not in log_path.read_text():
        process.kill()
        pytest.fail(f"worker did not start:\n{log_path.read_text()[-3000:]}")
    yield process, folder, log_path
    process.terminate()
    process.wait(timeout=20)


def send(folder: Path, task: str, *args) -> None:
    app = Celery(
        "sender",
        set_as_current=False,  # shared tasks elsewhere keep the project's app
        broker="newsroom-fs://",
        broker_transport_options={"folder": str(folder)},
    )
    app.send_task(task, args=list(args), queue="celery")


def test_garbage_and_unknown_tasks_are_dead_lettered_and_the_worker_goes_on(
    embedded_worker,
):
    process, folder, log_path = embedded_worker
    queue = folder / "queue"
    (queue / "00000000000000000001_truncated.celery.msg").write_text('{"body": "eyJ')
    (queue / "00000000000000000002_garbage.celery.msg").write_bytes(b"\x00\xffzz")
    send(folder, "annotations.no_such_task", "x")
    job = job_create(kind=JobKind.HEALTH_CHECK)
    send(folder, "annotations.health_check", str(job.pk))

    assert wait_for_job(job, timeout=30).status == JobStatus.DONE
    assert process.poll() is None, "the worker died"
    dead = sorted(p.name for p in (folder / "dead").glob("*.msg"))
    assert len(dead) == 3
    assert dead[:2] == [
        "00000000000000000001_truncated.celery.msg",
        "00000000000000000002_garbage.celery.msg",
    ]
    log = log_path.read_text()
    assert log.count("Dead-lettered broker message") == 3
    assert "Unrecoverable error" not in log
    assert list((folder / "queue").glob("*.msg")) == []
