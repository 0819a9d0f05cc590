"""Production settings: a shared cache, the API's token rate, pages before collectstatic.

Each case boots Django in a fresh process with ``newsroom.settings.production``
(settings are read once per process) and asks it through the test client, so
what is checked is what a web process started with these settings would answer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client()
page = client.get("/accounts/login/", secure=True)
css = [p for p in page.content.decode().split('"') if p.startswith("/static/") and p.endswith(".css")]
static = client.get(css[0], secure=True) if css else None
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "throttles": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"],
    "rates": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
    "page": page.status_code,
    "css": css[:1],
    "static": static.status_code if static else None,
}))
"""


def boot(tmp_path: Path, **env) -> tuple[dict, str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    clean.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings.production",
        SECRET_KEY="s" * 50,
        ALLOWED_HOSTS="testserver",
        NEWSROOM_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    clean.update({"REDIS_URL": "", **env})
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def test_pages_work_before_collectstatic_and_the_boot_says_to_run_it(tmp_path):
    seen, stderr = boot(tmp_path)
    assert seen["page"] == 200
    assert seen["css"]
    assert seen["static"] == 200
    assert "collectstatic" in stderr


def test_after_collectstatic_the_hashed_files_are_served(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.production",
        "SECRET_KEY": "s" * 50,
        "ALLOWED_HOSTS": "testserver",
        "STATIC_ROOT": str(tmp_path / "static"),
        "NEWSROOM_VAR_DIR": str(tmp_path / "var"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    seen, stderr = boot(tmp_path)
    assert seen["page"] == 200
    name = seen["css"][0].rsplit("/", 1)[1]
    assert len(name.split(".")) >= 3, "a hashed name such as app.1a2b3c.css"
    assert seen["static"] == 200
    assert "collectstatic" not in stderr


def test_token_rate_and_a_cache_every_process_shares(tmp_path):
    seen, _ = boot(tmp_path, API_TOKEN_RATE="7/min")
    assert seen["throttles"] == ["annotations.api.throttling.TokenRateThrottle"]
    assert seen["rates"]["token"] == "7/min"
    assert seen["cache"] == "django.core.cache.backends.filebased.FileBasedCache"
    seen, _ = boot(tmp_path, REDIS_URL="redis://127.0.0.1:6399/0")
    assert seen["cache"] == "django.core.cache.backends.redis.RedisCache"
