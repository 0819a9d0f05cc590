"""Worker heartbeat: each Celery worker stamps the time every few seconds; /healthz reads it.

Where the stamp lives follows the broker: a file per worker under
``CELERY_DATA_DIR/heartbeats/`` on the embedded default (one machine), a Redis
hash when ``REDIS_URL`` is set (workers on several machines).
"""

from __future__ import annotations

import functools
import os
import time
from pathlib import Path

from django.conf import settings

BEAT_SECONDS = 2.0
# A worker whose last stamp is older than this is reported as not beating.
STALE_SECONDS = 15.0
REDIS_KEY = "newsroom:worker-heartbeats"


@functools.cache
def redis_client():
    import redis

    return redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
    )


def _folder() -> Path:
    return Path(settings.CELERY_DATA_DIR) / "heartbeats"


def beat(hostname: str) -> None:
    """Record that ``hostname`` is alive now."""
    now = time.time()
    if settings.REDIS_URL:
        redis_client().hset(REDIS_KEY, hostname, now)
        return
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{hostname}.{os.getpid()}"
    partial.write_text(f"{now}\n")
    os.replace(partial, folder / hostname)


def last_beat() -> float | None:
    """The newest stamp of any worker (seconds since the epoch), or None."""
    if settings.REDIS_URL:
        stamps = [float(v) for v in redis_client().hgetall(REDIS_KEY).values()]
    else:
        stamps = []
        for path in _folder().glob("[!.]*") if _folder().exists() else ():
            try:
                stamps.append(float(path.read_text()))
            except (OSError, ValueError):
                continue
    return max(stamps, default=None)
