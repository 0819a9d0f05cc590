"""Role matrices of the API tests: who calls an endpoint, and what they get.

``who`` is a role of the ``members`` fixture, ``"outsider"`` (an admin of
another project) or ``"anonymous"``; ``login_as(who)`` (``tests/api/conftest.py``)
authenticates the API client that way.
"""

from __future__ import annotations

import pytest

from annotations.choices import Role

WHO = (*Role.values, "outsider", "anonymous")
# Any member may read; outsiders learn nothing (404); no credentials: 401.
MEMBERS_READ = {
    Role.ADMIN: 200,
    Role.REVIEWER: 200,
    Role.ANNOTATOR: 200,
    Role.ML_ENGINEER: 200,
    "outsider": 404,
    "anonymous": 401,
}


def role_matrix(expected: dict[str, int]) -> pytest.MarkDecorator:
    """Parametrise a test over ``(who, status)`` from ``{who: expected status}``."""
    return pytest.mark.parametrize(("who", "status"), list(expected.items()))
