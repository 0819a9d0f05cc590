"""Reads behind the project list, the project page, the admin pages and commands.

Imported by views, the API and the management commands; imports models, the
access helpers and the role predicates. Like ``selectors.access``, a project of
which the user is not a member answers Http404; ``project_get_for_admin`` adds a
403 for members in another role. ``project_get_by_slug`` has no membership check:
a command runs with the server's own rights.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404

from annotations import permissions
from annotations.models import Article, GuidelineVersion, Project
from annotations.selectors.access import (
    article_list_for_user,
    guideline_current,
    project_list_for_user,
    project_list_with_guideline_numbers,
)

User = AbstractBaseUser | AnonymousUser
ADMINS_ONLY = "Only project admins can do this."
#: How many article titles the project page lists.
OVERVIEW_ARTICLES = 50


def project_list_with_article_counts(*, user: User) -> QuerySet[Project]:
    """The user's projects (``user_role`` set) with ``article_count``, for "my projects"."""
    return project_list_for_user(user=user).annotate(
        article_count=Count("articles", distinct=True)
    )


def project_get_for_admin(
    *, user: User, pk: int | None = None, slug: str | None = None
) -> Project:
    """A project the user administers, with ``user_role`` and ``guideline_number``.

    Http404 for non-members, PermissionDenied (403) for members in another role.
    """
    lookup = {"pk": pk} if pk is not None else {"slug": slug}
    project = project_list_with_guideline_numbers(user=user).filter(**lookup).first()
    if project is None:
        raise Http404("No such project.")
    if not permissions.can_manage_project(project.user_role):
        raise PermissionDenied(ADMINS_ONLY)
    return project


@dataclass
class ProjectOverview:
    """What the project page shows besides the dashboard."""

    article_count: int
    articles: list[Article]
    guideline: GuidelineVersion | None


def project_overview(*, user: User, project: Project) -> ProjectOverview:
    """Article count and the first titles (for roles that read every article).

    ``project`` comes from ``project_get_for_user`` (``user_role`` set).
    """
    articles = article_list_for_user(user=user, project=project)
    listed = (
        list(articles.only("id", "title", "imported_at")[:OVERVIEW_ARTICLES])
        if permissions.can_read_all_articles(project.user_role)
        else []
    )
    return ProjectOverview(
        article_count=articles.count(),
        articles=listed,
        guideline=guideline_current(project=project),
    )


def project_get_by_slug(*, slug: str) -> Project:
    """The project called ``slug`` for a command, or ``Project.DoesNotExist``."""
    project = Project.objects.filter(slug=slug).first()
    if project is None:
        raise Project.DoesNotExist(f"No project with slug {slug!r}.")
    return project
