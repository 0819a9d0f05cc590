"""Admins hand specific articles to specific people, move and release assignments.

Builds on ``services.queue`` (the annotators' own queue). Decisions:

- A hand-made assignment (``assigned_by`` set) holds one of the article's
  ``overlap`` slots like any other and has no lease: it stays until the
  annotator submits or skips it, or an admin moves or releases it. It comes
  before new work in the annotator's queue.
- Assigning needs a free slot (ConflictError otherwise: release or move one
  first) and a member who may annotate; an annotator who already submitted or
  skipped the article cannot get it again.
- Submitted work is never moved or released (the annotation is the record).
  An assignment with a draft is moved or released only with
  ``discard_draft=True``, which deletes that draft, so the slot and the
  annotation never disagree.
- Moving releases the old assignment (kept as history, state ``released``) and
  assigns the article to the new person in one transaction.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annotations import permissions
from annotations.choices import AnnotationStatus, AssignmentState
from annotations.errors import ConflictError
from annotations.models import Annotation, Article, Assignment, Membership
from annotations.services.queue import slot_taken_q
from annotations.services.versioning import article_lock


def _require_annotator(article: Article, user: AbstractBaseUser) -> None:
    role = (
        Membership.objects.filter(project_id=article.project_id, user=user)
        .values_list("role", flat=True)
        .first()
    )
    if not permissions.can_annotate(role):
        raise ValidationError(
            {"annotator": [f"{user.get_username()} cannot annotate in this project."]}
        )


@transaction.atomic
def assignment_assign(
    *,
    article: Article,
    annotator: AbstractBaseUser,
    assigned_by: AbstractBaseUser | None,
    now: datetime | None = None,
) -> Assignment:
    """Give ``article`` to ``annotator`` (no lease); idempotent for a held slot."""
    now = now or timezone.now()
    article_lock(article)
    _require_annotator(article, annotator)
    annotation = Annotation.objects.filter(article=article, annotator=annotator).first()
    if annotation is not None and annotation.status != AnnotationStatus.DRAFT:
        raise ConflictError(
            f"{annotator.get_username()} already {annotation.status} this article."
        )
    current = Assignment.objects.filter(article=article, annotator=annotator).first()
    if current is not None and current.state in (
        AssignmentState.IN_PROGRESS,
        AssignmentState.DONE,
    ):
        return current
    holds = (
        current is not None
        and Assignment.objects.filter(slot_taken_q(now), pk=current.pk).exists()
    )
    if not holds:
        taken = (
            Assignment.objects.filter(slot_taken_q(now), article=article)
            .exclude(annotator=annotator)
            .count()
        )
        if taken >= article.project.overlap:
            raise ConflictError(
                f"All {article.project.overlap} slot(s) of this article are taken; "
                "move or release an assignment first."
            )
    assignment, _ = Assignment.objects.update_or_create(
        article=article,
        annotator=annotator,
        defaults={
            "state": AssignmentState.ASSIGNED,
            "lease_expires_at": None,
            "assigned_by": assigned_by,
        },
    )
    return assignment


def _free_draft(assignment: Assignment, discard_draft: bool) -> None:
    annotation = Annotation.objects.filter(
        article_id=assignment.article_id, annotator_id=assignment.annotator_id
    ).first()
    if annotation is None:
        return
    if annotation.status == AnnotationStatus.SUBMITTED:
        raise ConflictError("This assignment is submitted work; it stays.")
    if annotation.status == AnnotationStatus.DRAFT:
        if not discard_draft:
            raise ConflictError(
                "The annotator has a draft of this article; pass discard_draft "
                "to delete it and free the slot."
            )
        annotation.delete()


@transaction.atomic
def assignment_release(
    *,
    assignment: Assignment,
    released_by: AbstractBaseUser | None = None,
    discard_draft: bool = False,
) -> Assignment:
    """Free the slot (state ``released``); the article goes back to the pool."""
    article_lock(assignment.article)
    assignment.refresh_from_db()
    if assignment.state == AssignmentState.DONE:
        raise ConflictError("This assignment is submitted work; it stays.")
    _free_draft(assignment, discard_draft)
    assignment.state = AssignmentState.RELEASED
    assignment.lease_expires_at = None
    if released_by is not None:
        assignment.assigned_by = released_by
    assignment.save(
        update_fields=["state", "lease_expires_at", "assigned_by", "updated_at"]
    )
    return assignment


@transaction.atomic
def assignment_move(
    *,
    assignment: Assignment,
    to_annotator: AbstractBaseUser,
    moved_by: AbstractBaseUser | None,
    discard_draft: bool = False,
    now: datetime | None = None,
) -> Assignment:
    """Hand the assignment's article to someone else; returns the new assignment."""
    if assignment.annotator_id == to_annotator.pk:
        raise ValidationError({"annotator": ["The article is already theirs."]})
    article = assignment.article
    _require_annotator(article, to_annotator)
    assignment_release(
        assignment=assignment, released_by=moved_by, discard_draft=discard_draft
    )
    return assignment_assign(
        article=article, annotator=to_annotator, assigned_by=moved_by, now=now
    )
