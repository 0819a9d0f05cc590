"""Production: secrets come from the environment with no default; DEBUG stays off.

A missing SECRET_KEY stops the process at boot with ImproperlyConfigured rather
than running with a guessable key. docs/production.md has the process list.

- Cache: Redis (``REDIS_CACHE_URL``, else ``REDIS_URL``) shared by every web
  process and worker on every machine, so throttle counts (``API_TOKEN_RATE``,
  per token) and locks are counted once; without Redis a file cache under
  ``NEWSROOM_VAR_DIR``, shared by the processes of one machine only.
- Static files: hashed and compressed by ``collectstatic``. Before it has run
  (no manifest) the pages would all be 500; instead whitenoise serves the files
  from the app folders and a warning at boot says to run it.
"""

import sys
import warnings
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import REDIS_URL, STATIC_ROOT, VAR_DIR, env

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Production settings refuse to start without it: "
        "export SECRET_KEY to a long random value."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# HTTPS: the app sits behind a TLS-terminating proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_REFERRER_POLICY = "same-origin"
NEWSROOM_DEMO_PASSWORDS = False

REDIS_CACHE_URL = env.str("REDIS_CACHE_URL", default="") or REDIS_URL
if REDIS_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": "newsroom",
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(STATIC_ROOT)))
STATIC_MANIFEST = STATIC_ROOT / "staticfiles.json"
COLLECTING_STATIC = "collectstatic" in sys.argv
if STATIC_MANIFEST.exists() or COLLECTING_STATIC:
    STORAGES["staticfiles"] = {  # noqa: F405
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    }
else:
    WHITENOISE_USE_FINDERS = True
    warnings.warn(
        f"Static files are not collected ({STATIC_MANIFEST} is missing): serving "
        "them from the app folders, uncompressed and without long caching. Run "
        "`python manage.py collectstatic --no-input` before starting the web "
        "processes (docs/production.md).",
        RuntimeWarning,
        stacklevel=1,
    )
