"""GET /healthz: database, broker, storage and worker heartbeat; 503 when one is missing."""

from __future__ import annotations

import time

import pytest

from newsroom import heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_heartbeats(settings, tmp_path, monkeypatch):
    """Heartbeats of this test only (the suite's worker stamps the shared ones)."""
    settings.CELERY_DATA_DIR = tmp_path
    monkeypatch.setattr(
        heartbeat, "REDIS_KEY", f"newsroom:test-heartbeats:{time.time()}"
    )
    yield
    if settings.REDIS_URL:
        heartbeat.redis_client().delete(heartbeat.REDIS_KEY)


def test_without_a_worker_heartbeat_it_is_503_and_says_which(client, own_heartbeats):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["checks"]["worker"] == {"ok": False, "age_s": None}
    assert all(body["checks"][name]["ok"] for name in ("database", "broker", "storage"))


def test_with_a_fresh_heartbeat_it_is_200(client, own_heartbeats):
    heartbeat.beat("worker@test")
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_stale_heartbeat_is_unhealthy(client, own_heartbeats, monkeypatch):
    heartbeat.beat("worker@test")
    later = time.time() + heartbeat.STALE_SECONDS + 1
    monkeypatch.setattr("newsroom.health.time.time", lambda: later)
    assert client.get("/healthz").status_code == 503


def test_a_failing_check_is_reported_not_raised(client, own_heartbeats, monkeypatch):
    heartbeat.beat("worker@test")

    def broken_storage(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("newsroom.health.default_storage.save", broken_storage)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {"ok": False, "error": "OSError"}
