"""pytest settings: fast hashing, a file-based SQLite test database.

The SQLite test database is a file (not ``:memory:``) so that the real Celery
worker the integration tests start can open the same database. With
DATABASE_URL/REDIS_URL set (CI), PostgreSQL and Redis are used instead.
"""

import os
from pathlib import Path

# Tests keep their SQLite file and Celery folders apart from the development
# ones, so a running `make run` worker never eats a test's messages.
os.environ.setdefault(
    "NEWSROOM_VAR_DIR",
    str(Path(__file__).resolve().parent.parent.parent / "var" / "test"),
)

from .base import *  # noqa: F403
from .base import DATABASE_IS_SQLITE, DATABASES, VAR_DIR, env

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ALLOWED_HOSTS = ["*"]
WHITENOISE_AUTOREFRESH = True  # serve from the finders; no collectstatic in tests
WHITENOISE_USE_FINDERS = True
NEWSROOM_DEMO_PASSWORDS = True
# pytest-django wraps each test in a transaction: its length is no finding.
NEWSROOM_SLOW_TRANSACTION_MS = 10**9

if DATABASE_IS_SQLITE:
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-newsroom.sqlite3")}

# The worker started by the integration tests is told which database pytest
# created; it must not touch the development database.
_worker_db = env.str("NEWSROOM_WORKER_TEST_DB", default="")
if _worker_db:
    DATABASES["default"]["NAME"] = _worker_db
