"""Throttling for token clients (scripts); browser sessions are not throttled.

Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"]``; the cache is
Django's default cache, so several web processes share counts only with a shared
cache (Redis); with the local-memory cache each process counts on its own.
"""

from rest_framework.throttling import SimpleRateThrottle

from annotations.api.authentication import ApiTokenAuthentication


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.successful_authenticator, ApiTokenAuthentication):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
