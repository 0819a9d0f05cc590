"""DRF permission helpers: thin wrappers over annotations.permissions.

Object access (membership, 404 for outsiders) is decided by the selectors each
view fetches through; these add the role checks on top.
"""

from rest_framework.exceptions import PermissionDenied

from annotations import permissions


def require(predicate, role: str | None, message: str) -> None:
    """Raise 403 unless ``predicate(role)``; callers have already proven membership."""
    if not predicate(role):
        raise PermissionDenied(message)


def require_annotate(role: str | None) -> None:
    require(
        permissions.can_annotate, role, "Your role in this project cannot annotate."
    )
