"""Account writes outside Django's own auth views: lifting a login lockout.

Imported by ``annotations.views.auth``; wraps django-axes so the doors do not
depend on its API.
"""

from __future__ import annotations

from axes.utils import reset as axes_reset


def login_lockout_clear(*, username: str) -> int:
    """Forget the failed logins of ``username`` (a lockout ends at once).

    Called after a successful password reset: whoever can read the account's
    e-mail may log in again without waiting for the cool-off. Returns how many
    recorded failures were dropped.
    """
    return axes_reset(username=username)
