"""Settings split by environment: base holds everything, the others override what they must.

- ``local``: the embedded default for ``make run`` (SQLite, filesystem Celery broker).
- ``test``: pytest; same embedded default unless DATABASE_URL / REDIS_URL are set.
- ``production``: secrets from the environment with no defaults; DEBUG off.
"""
