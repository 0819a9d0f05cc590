"""Fetch-or-deny helpers and scoped lists.

Every view and API endpoint fetches through these functions, so forgetting a
permission check elsewhere still cannot leak another project's rows. The
``*_get_for_user`` helpers raise Http404 for objects of projects the user is not
a member of (never 403, which would confirm they exist).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from annotations import permissions
from annotations.choices import AssignmentState, Role
from annotations.models import (
    Annotation,
    Article,
    Assignment,
    GuidelineVersion,
    Job,
    Membership,
    Project,
)

User = AbstractBaseUser | AnonymousUser


def project_list_for_user(*, user: User) -> QuerySet[Project]:
    """The user's projects, each annotated with ``user_role``."""
    if not user.is_authenticated:
        return Project.objects.none()
    role = Membership.objects.filter(project=OuterRef("pk"), user=user).values("role")
    return (
        Project.objects.filter(memberships__user=user)
        .annotate(user_role=Subquery(role[:1]))
        .order_by("name", "id")
    )


def project_get_for_user(
    *, user: User, pk: int | None = None, slug: str | None = None
) -> Project:
    """The project with ``user_role`` set, or Http404 for non-members."""
    lookup = {"pk": pk} if pk is not None else {"slug": slug}
    project = project_list_for_user(user=user).filter(**lookup).first()
    if project is None:
        raise Http404("No such project.")
    return project


def role_in_project(*, user: User, project: Project) -> str | None:
    if hasattr(project, "user_role"):
        return project.user_role
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(project=project, user=user)
        .values_list("role", flat=True)
        .first()
    )


def article_list_for_user(*, user: User, project: Project) -> QuerySet[Article]:
    """Articles of the project the user may open.

    Admins, reviewers and ML engineers see all of them; annotators only those
    assigned to them or that they have annotated.
    """
    role = role_in_project(user=user, project=project)
    articles = Article.objects.filter(project=project)
    if permissions.can_read_all_articles(role):
        return articles
    if role == Role.ANNOTATOR:
        held = Assignment.objects.filter(
            annotator=user, article=OuterRef("pk")
        ).exclude(state=AssignmentState.RELEASED)
        own = Annotation.objects.filter(annotator=user, article=OuterRef("pk"))
        return articles.filter(Exists(held) | Exists(own))
    return articles.none()


def article_get_for_member(*, user: User, article_id: int) -> Article:
    """Any article of a project the user belongs to (``project.user_role`` set), or Http404.

    For actions that decide access themselves, such as an annotator claiming a
    free slot on a particular article; reading article lists goes through
    ``article_get_for_user``.
    """
    article = (
        Article.objects.filter(pk=article_id, project__memberships__user=user).first()
        if user.is_authenticated
        else None
    )
    if article is None:
        raise Http404("No such article.")
    article.project = project_get_for_user(user=user, pk=article.project_id)
    return article


def article_get_for_user(*, user: User, article_id: int) -> Article:
    """The article with its project (``project.user_role`` set), or Http404."""
    article = (
        Article.objects.select_related("project")
        .filter(pk=article_id, project__memberships__user=user)
        .first()
        if user.is_authenticated
        else None
    )
    if article is None:
        raise Http404("No such article.")
    project = project_get_for_user(user=user, pk=article.project_id)
    if (
        not article_list_for_user(user=user, project=project)
        .filter(pk=article.pk)
        .exists()
    ):
        raise Http404("No such article.")
    article.project = project
    return article


def article_in_project(*, project: Project, article_id: int) -> Article | None:
    """The article of this project (``article.project`` is ``project``), or None.

    For callers that already proved access to the project; they decide what a
    miss means (404 for a URL, 400 for a field of a request body).
    """
    article = Article.objects.filter(project=project, pk=article_id).first()
    if article is not None:
        article.project = project
    return article


def project_member_get(*, project: Project, username: str) -> AbstractBaseUser | None:
    """The member of the project with this username, or None."""
    User = get_user_model()
    return User.objects.filter(
        **{User.USERNAME_FIELD: username}, memberships__project=project
    ).first()


def guideline_current(*, project: Project) -> GuidelineVersion | None:
    return GuidelineVersion.objects.filter(project=project).order_by("-number").first()


def project_list_with_guideline_numbers(*, user: User) -> QuerySet[Project]:
    """Projects for the API, with ``guideline_number`` annotated (no query per row)."""
    latest = (
        GuidelineVersion.objects.filter(project=OuterRef("pk"))
        .order_by("-number")
        .values("number")
    )
    return project_list_for_user(user=user).annotate(
        guideline_number=Subquery(latest[:1])
    )


def job_get_for_user(*, user: User, job_id) -> Job:
    """A job of one of the user's projects (or one they started), or Http404."""
    if not user.is_authenticated:
        raise Http404("No such job.")
    job = (
        Job.objects.filter(pk=job_id)
        .filter(Q(project__memberships__user=user) | Q(created_by=user))
        .distinct()
        .first()
    )
    if job is None:
        raise Http404("No such job.")
    return job
