"""The main navigation as plain data: which pages a user may open from the top bar.

A leaf: imports the role predicates of ``annotations.permissions`` and nothing of
the database. ``templatetags.navigation_tags`` turns these links into URLs. Each
rule is the predicate the page itself checks, so every link shown opens (the
navigation tests follow every link of every role); annotators see only their
project, its guidelines and, where enabled, their feedback.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from annotations import permissions


@dataclass(frozen=True)
class NavLink:
    """One link: ``key`` names it for tests (``data-testid="nav-<key>"``)."""

    key: str
    label: str
    url_name: str
    takes_slug: bool = False


def site_links(
    *, authenticated: bool, can_create_projects: bool, is_staff: bool
) -> list[NavLink]:
    """Links that need no project: my projects, new project, API, the admin site."""
    if not authenticated:
        return []
    links = [NavLink("home", _("My projects"), "annotations:home")]
    if can_create_projects:
        links.append(
            NavLink("new-project", _("New project"), "annotations:project-new")
        )
    links += [
        NavLink("api-token", _("API token"), "annotations:account-token"),
        NavLink("api-docs", _("API docs"), "api:docs"),
    ]
    if is_staff:
        links.append(NavLink("admin", _("Admin"), "admin:index"))
    return links


def project_links(role: str | None, *, feedback_enabled: bool) -> list[NavLink]:
    """The pages of one project that a member in ``role`` may open (none for others).

    The article manager and the import page belong to the article pages
    (``annotations:article-list``, ``annotations:article-import``): the article
    manager for the roles that review, the import for admins.
    """
    if role is None:
        return []
    rules = [
        ("project", _("Project"), "annotations:project-detail", True),
        (
            "articles",
            _("Articles"),
            "annotations:article-list",
            permissions.can_review(role),
        ),
        (
            "import",
            _("Import"),
            "annotations:article-import",
            permissions.can_manage_project(role),
        ),
        (
            "review",
            _("Review"),
            "annotations:review-list",
            permissions.can_review(role),
        ),
        (
            "dashboard",
            _("Dashboard"),
            "annotations:dashboard",
            permissions.can_review(role),
        ),
        ("exports", _("Exports"), "annotations:exports", permissions.can_export(role)),
        ("history", _("History"), "annotations:history", permissions.can_review(role)),
        ("jobs", _("Jobs"), "annotations:jobs", permissions.can_manage_project(role)),
        ("guidelines", _("Guidelines"), "annotations:guidelines", True),
        (
            "feedback",
            _("Feedback"),
            "annotations:feedback",
            feedback_enabled and permissions.can_annotate(role),
        ),
        (
            "settings",
            _("Settings"),
            "annotations:settings",
            permissions.can_manage_project(role),
        ),
    ]
    return [
        NavLink(key, label, url_name, takes_slug=True)
        for key, label, url_name, allowed in rules
        if allowed
    ]
