"""The shared preamble of the API tests' role matrices.

An endpoint's matrix parametrises over ``who``: a role of the ``members``
fixture, ``"outsider"`` (an admin of another project) or ``"anonymous"``, and
calls ``login_as(who)`` before the request.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def login_as(api_client, members):
    """``login_as(who)`` authenticates ``api_client`` as ``who`` and returns it."""

    def login(who: str):
        api_client.force_authenticate(None if who == "anonymous" else members[who])
        return api_client

    return login
