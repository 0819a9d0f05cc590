"""'database is locked' reaches nobody as a 500: one quick retry, else 503 + Retry-After."""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError, connection

from annotations.choices import Role
from newsroom.db.base import DatabaseWrapper, transaction_origin

pytestmark = pytest.mark.django_db


class LockedFor:
    """An execute wrapper: the first ``times`` queries fail as SQLite does when locked."""

    def __init__(self, times: int):
        self.times = times
        self.calls = 0

    def __call__(self, execute, sql, params, many, context):
        self.calls += 1
        if self.calls <= self.times:
            raise OperationalError("database is locked")
        return execute(sql, params, many, context)


@pytest.fixture
def admin_api(api_client, members):
    api_client.force_authenticate(members[Role.ADMIN])
    return api_client


def test_a_quick_lock_is_retried_once_and_the_request_succeeds(admin_api, project):
    locked = LockedFor(times=1)
    with connection.execute_wrapper(locked):
        response = admin_api.get(f"/api/v1/projects/{project.pk}/")
    assert response.status_code == 200
    assert response.json()["id"] == project.pk
    assert locked.calls > 1


def test_a_write_is_retried_with_its_body(admin_api, project):
    locked = LockedFor(times=1)
    with connection.execute_wrapper(locked):
        response = admin_api.patch(
            f"/api/v1/projects/{project.pk}/", {"name": "Renamed"}, format="json"
        )
    assert response.status_code == 200, response.content
    project.refresh_from_db()
    assert project.name == "Renamed"


def test_a_lasting_lock_is_503_with_retry_after_as_json(admin_api, project):
    with connection.execute_wrapper(LockedFor(times=10**6)):
        response = admin_api.get(f"/api/v1/projects/{project.pk}/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "busy" in response.json()["detail"]


def test_a_lock_after_the_busy_wait_is_503_without_retry(admin_api, project, settings):
    settings.NEWSROOM_LOCKED_RETRY_WITHIN_S = 0  # as if the 30 s wait had passed
    locked = LockedFor(times=1)
    with connection.execute_wrapper(locked):
        response = admin_api.get(f"/api/v1/projects/{project.pk}/")
    assert response.status_code == 503
    assert locked.calls == 1


def test_a_page_gets_a_busy_page_not_a_500(client, members, project):
    client.force_login(members[Role.ADMIN])
    client.get("/")  # session row read once outside the lock
    with connection.execute_wrapper(LockedFor(times=10**6)):
        response = client.get(f"/projects/{project.slug}/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "busy" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_slow_transactions_are_logged_with_the_service_that_opened_them(
    settings, caplog, monkeypatch
):
    settings.NEWSROOM_SLOW_TRANSACTION_MS = 0
    wrapper = DatabaseWrapper.__new__(DatabaseWrapper)
    wrapper._lock_taken_at = 0.0
    wrapper._lock_wait_ms = 3.0
    with caplog.at_level(logging.WARNING, logger="newsroom.db"):
        wrapper._transaction_ended("commit")
    assert "SQLite write lock held" in caplog.text
    assert "(commit)" in caplog.text


def test_transaction_origin_names_the_outermost_service():
    from annotations.services import jobs

    def inner_service():
        return transaction_origin()

    def outer_service():
        return inner_service()

    for fake in (inner_service, outer_service):  # as if in annotations/services/jobs.py
        fake.__code__ = fake.__code__.replace(co_filename=jobs.__file__)
    assert outer_service() == "services/jobs.py:outer_service"
    assert transaction_origin() == "outside annotations"


def test_transaction_origin_sees_through_the_atomic_decorator():
    """@transaction.atomic commits in the decorator's frame, after the function returned."""
    import contextlib

    seen = []

    class Probe(contextlib.ContextDecorator):  # what Atomic is, as a decorator
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            seen.append(transaction_origin())

    def import_apply():
        pass

    import_apply.__module__ = "annotations.services.importers"
    Probe()(import_apply)()
    assert seen == ["services/importers.py:" + import_apply.__qualname__]
