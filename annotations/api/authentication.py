"""``Authorization: Token <key>`` against the hashed, expiring API tokens.

The header format of DRF's TokenAuthentication (so clients need no change and
401s carry ``WWW-Authenticate: Token``); the check is ``services.accounts.api_token_use``.
"""

from __future__ import annotations

from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from annotations.services.accounts import TokenRefused, api_token_use


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        try:
            user = api_token_use(key=key)
        except TokenRefused as error:
            raise AuthenticationFailed(str(error)) from error
        return (user, None)
