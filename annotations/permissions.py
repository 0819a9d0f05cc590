"""Who may do what, as pure predicates over a membership role.

One place for the role rules of the contract; the HTML views, the API
permission classes and the selectors all ask these functions.
"""

from __future__ import annotations

from annotations.choices import Role

REVIEW_ROLES = frozenset({Role.ADMIN, Role.REVIEWER})
READ_ALL_ARTICLES_ROLES = frozenset({Role.ADMIN, Role.REVIEWER, Role.ML_ENGINEER})


def can_manage_project(role: str | None) -> bool:
    """Scheme, guidelines, members, import, pre-annotation, releases."""
    return role == Role.ADMIN


def can_annotate(role: str | None) -> bool:
    """Admins and reviewers may annotate too; ML engineers only read."""
    return role in {Role.ADMIN, Role.REVIEWER, Role.ANNOTATOR}


def can_review(role: str | None) -> bool:
    """See every annotation, adjudicate gold, see agreement."""
    return role in REVIEW_ROLES


def can_read_all_articles(role: str | None) -> bool:
    return role in READ_ALL_ARTICLES_ROLES


def can_see_agreement(role: str | None) -> bool:
    return role in REVIEW_ROLES or role == Role.ML_ENGINEER


def can_export(role: str | None) -> bool:
    return role in REVIEW_ROLES or role == Role.ML_ENGINEER


def can_cut_releases(role: str | None, *, ml_allowed: bool) -> bool:
    """Admins always; ML engineers only where the project allows it."""
    return role == Role.ADMIN or (role == Role.ML_ENGINEER and ml_allowed)


def can_read_individual_annotations(role: str | None, *, ml_allowed: bool) -> bool:
    """Reviewers always; ML engineers only where the project allows it."""
    return role in REVIEW_ROLES or (role == Role.ML_ENGINEER and ml_allowed)


def can_see_annotator_names(role: str | None) -> bool:
    """Everyone else sees stable pseudonyms."""
    return role in REVIEW_ROLES
