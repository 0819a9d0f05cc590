"""Shared fixtures: API client, a project with one member per role, the real Celery worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def services_required() -> bool:
    """In CI the real services are mandatory: tests fail instead of falling back."""
    return bool(os.environ.get("CI") or os.environ.get("NEWSROOM_REQUIRE_SERVICES"))


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def project(db):
    from tests.factories import ProjectFactory

    return ProjectFactory()


@pytest.fixture
def members(project):
    """One user per role in ``project``, plus an outsider who belongs elsewhere."""
    from annotations.choices import Role
    from tests.factories import MembershipFactory, UserFactory

    users = {}
    for role in Role.values:
        users[role] = UserFactory(username=f"{project.slug}-{role}")
        MembershipFactory(project=project, user=users[role], role=role)
    outsider = UserFactory(username=f"{project.slug}-outsider")
    MembershipFactory(user=outsider, role=Role.ADMIN)  # admin of another project
    users["outsider"] = outsider
    return users


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real ``celery worker`` process on the test database and the configured broker.

    Started once per session, after pytest-django created the test database;
    the worker is told that database's name. If it does not come up the tests
    that need it fail (they never skip).
    """
    from django.db import connection

    from newsroom.celery import app

    with django_db_blocker.unblock():
        test_db_name = str(connection.settings_dict["NAME"])
    app.control.purge()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.test",
        "NEWSROOM_WORKER_TEST_DB": test_db_name,
        "PYTHONUNBUFFERED": "1",
    }
    log_path = (
        Path(os.environ.get("NEWSROOM_VAR_DIR", ROOT / "var" / "test")) / "worker.log"
    )
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "newsroom", "worker",
         "--queues", "celery,nlp", "--pool", "solo", "--loglevel", "INFO",
         "--hostname", f"test-worker-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if " ready." in log_path.read_text():
            break
        time.sleep(0.2)
    output = log_path.read_text()
    if process.poll() is not None or " ready." not in output:
        process.kill()
        pytest.fail(f"The Celery worker did not start:\n{output[-3000:]}")
    yield process
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
