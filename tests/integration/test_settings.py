"""Production settings refuse to boot without a secret; the embedded default needs no server."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def boot(settings_module, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    clean.update(env, DJANGO_SETTINGS_MODULE=settings_module)
    code = (
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.CELERY_BROKER_URL)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_secret_key():
    result = boot("newsroom.settings.production", ALLOWED_HOSTS="news.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_boots_with_secret_and_safe_defaults():
    result = boot(
        "newsroom.settings.production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="news.example.org",
    )
    assert result.returncode == 0, result.stderr
    debug, secure_cookie, _ = result.stdout.split()
    assert (debug, secure_cookie) == ("False", "True")


def test_embedded_default_broker_needs_no_server():
    result = boot("newsroom.settings.local", REDIS_URL="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "newsroom-fs://"


def test_redis_url_switches_the_broker_to_redis():
    result = boot("newsroom.settings.local", REDIS_URL="redis://127.0.0.1:6379/3")
    assert result.stdout.split()[-1] == "redis://127.0.0.1:6379/3"
