"""The embedded default for ``make run``: DEBUG on, a development secret, demo passwords."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str(
    "SECRET_KEY", default="local-development-only-not-secret-8c1e6a2f9b7d4e03"
)
NEWSROOM_DEMO_PASSWORDS = True
# Password-reset mails are printed where `make run` runs (EMAIL_BACKEND to change).
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
