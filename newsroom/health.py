"""``GET /healthz``: is this deployment able to work? JSON, 200 when healthy, 503 when not.

Checks the database (a query), the broker (embedded: its folders are writable;
Redis: a PING), the file storage (a probe file written and deleted) and the
worker heartbeat (a worker stamped it within ``heartbeat.STALE_SECONDS``).
Public and cheap, for load balancers and ``scripts/run.py``; it names no path,
host or secret.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from newsroom import heartbeat


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


def check_broker() -> dict:
    if settings.REDIS_URL:
        heartbeat.redis_client().ping()
        return {"ok": True, "kind": "redis"}
    root = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["folder"])
    queue, dead = root / "queue", root / "dead"
    writable = all(os.access(p, os.W_OK) for p in (queue, root / "incoming"))
    return {
        "ok": writable,
        "kind": "embedded",
        "queued": sum(1 for _ in queue.glob("*.msg")) if queue.exists() else 0,
        "dead_letters": sum(1 for _ in dead.glob("*.msg")) if dead.exists() else 0,
    }


def check_storage() -> dict:
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}", ContentFile(b"ok"))
    default_storage.delete(name)
    return {"ok": True}


def check_worker() -> dict:
    last = heartbeat.last_beat()
    age = None if last is None else round(time.time() - last, 1)
    return {"ok": age is not None and age < heartbeat.STALE_SECONDS, "age_s": age}


CHECKS = {
    "database": check_database,
    "broker": check_broker,
    "storage": check_storage,
    "worker": check_worker,
}


@never_cache
@require_GET
def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # a health check reports failures, it never raises
            results[name] = {"ok": False, "error": type(exc).__name__}
    healthy = all(result["ok"] for result in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unhealthy", "checks": results},
        status=200 if healthy else 503,
    )
