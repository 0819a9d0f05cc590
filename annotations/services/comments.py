"""Comments on an article between annotators and reviewers (one use case: add one).

Who may write: annotators of the article (it was handed to them or they
annotated it) into their own conversation; reviewers and admins to one
annotator's conversation or to every annotator of the article. ML engineers
read only. The visibility rule is in ``selectors.comments``.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from annotations import permissions
from annotations.choices import Role
from annotations.models import Article, ArticleComment, Membership

MAX_BODY = 2000


@transaction.atomic
def comment_add(
    *,
    article: Article,
    author: AbstractBaseUser,
    body: str,
    annotator: str | None = None,
) -> ArticleComment:
    """Add a comment; ``annotator`` (a username) picks a reviewer's addressee.

    ``article.project.user_role`` must be set (the caller fetched the article
    through an access selector). Raises PermissionDenied for roles that may not
    write and ValidationError with field messages for bad input.
    """
    role = article.project.user_role
    if not permissions.can_annotate(role):
        raise PermissionDenied(_("Your role in this project may not comment."))
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Write a comment first.")]})
    if len(body) > MAX_BODY:
        raise ValidationError(
            {
                "body": [
                    _("Keep a comment under %(max)s characters.") % {"max": MAX_BODY}
                ]
            }
        )
    thread = author if role == Role.ANNOTATOR else _addressee(article, annotator)
    return ArticleComment.objects.create(
        article=article, author=author, annotator=thread, body=body
    )


def _addressee(article: Article, username: str | None) -> AbstractBaseUser | None:
    """A reviewer's addressee: an annotator member of the project, or None (everyone)."""
    if not username:
        return None
    membership = (
        Membership.objects.filter(
            project=article.project, user__username=username, role=Role.ANNOTATOR
        )
        .select_related("user")
        .first()
    )
    if membership is None:
        raise ValidationError(
            {
                "annotator": [
                    _("“%(name)s” is not an annotator of this project.")
                    % {"name": username}
                ]
            }
        )
    return membership.user
