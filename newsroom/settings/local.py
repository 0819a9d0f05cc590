"""The embedded default for ``make run``: DEBUG on, a development secret, demo passwords."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str(
    "SECRET_KEY", default="local-development-only-not-secret-8c1e6a2f9b7d4e03"
)
NEWSROOM_DEMO_PASSWORDS = True

# Static files: `make run` collects them and whitenoise serves the collected,
# cached copy (STATIC_LIVE=0); `make dev` and a bare runserver serve them live
# from the app folders, so an edited file shows without collectstatic.
WHITENOISE_USE_FINDERS = env.bool("STATIC_LIVE", default=True)
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS

# Password-reset mails are printed where `make run` runs (EMAIL_BACKEND to change).
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
