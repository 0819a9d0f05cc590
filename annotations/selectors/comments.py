"""Which comments of an article a member may read (the rule is documented in docs/workspace.md).

Reviewers, admins and ML engineers read every comment of the article.
Annotators read their own conversation (comments carrying them as
``annotator``) and the reviewers' notes to everyone (no ``annotator``); never
another annotator's conversation, which could reveal that annotator's work
before adjudication. Authors other than the reader are shown to annotators by
role only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from annotations.choices import Role
from annotations.models import (
    Annotation,
    Article,
    ArticleComment,
    Assignment,
    Membership,
)


@dataclass(frozen=True)
class CommentRow:
    id: int
    author: str
    annotator: str | None
    body: str
    created_at: datetime
    mine: bool


def comment_list_for_user(
    *, user: AbstractBaseUser, article: Article
) -> list[CommentRow]:
    """The comments ``user`` may read, oldest first (``article.project.user_role`` set)."""
    role = article.project.user_role
    comments = ArticleComment.objects.filter(article=article).select_related(
        "author", "annotator"
    )
    if role == Role.ANNOTATOR:
        comments = comments.filter(Q(annotator=user) | Q(annotator__isnull=True))
    elif role is None:
        return []
    roles = dict(
        Membership.objects.filter(
            project=article.project, user__in={c.author_id for c in comments}
        ).values_list("user_id", "role")
    )
    names = dict(Role.choices)
    rows = []
    for comment in comments:
        mine = comment.author_id == user.pk
        if role == Role.ANNOTATOR and not mine:
            author = str(names.get(roles.get(comment.author_id), ""))
        else:
            author = comment.author.get_username()
        rows.append(
            CommentRow(
                id=comment.pk,
                author=author,
                annotator=comment.annotator.get_username()
                if comment.annotator
                else None,
                body=comment.body,
                created_at=comment.created_at,
                mine=mine,
            )
        )
    return rows


def comment_addressees(*, article: Article) -> list[str]:
    """Usernames a reviewer may address: annotators who hold or annotated the article."""
    held = Assignment.objects.filter(article=article).values("annotator")
    annotated = Annotation.objects.filter(article=article).values("annotator")
    return list(
        Membership.objects.filter(project=article.project, role=Role.ANNOTATOR)
        .filter(Q(user__in=held) | Q(user__in=annotated))
        .order_by("user__username")
        .values_list("user__username", flat=True)
    )
