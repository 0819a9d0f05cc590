"""Work distribution: who annotates which article next.

An ``Assignment`` holds one of the ``overlap`` slots of an article. A slot is
taken by an assignment that is in progress (a draft exists), done (submitted),
or freshly handed out with an unexpired lease; a lease that runs out without a
save frees the slot again, so an absent annotator never blocks an article.
Skipping releases the slot for someone else.

Concurrency: ``assignment_next`` locks the project row and ``assignment_claim``
the article row (``select_for_update``), so two annotators asking at the same
moment cannot both take the last slot (on PostgreSQL; SQLite serialises writers
with IMMEDIATE transactions anyway).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from annotations.choices import AnnotationStatus, AssignmentState
from annotations.errors import ConflictError
from annotations.models import Annotation, Article, Assignment, Project
from annotations.selectors.training import queue_confidence_order
from annotations.services.versioning import article_lock


def slot_taken_q(now: datetime, prefix: str = "") -> Q:
    """Assignments that hold a slot at ``now``."""
    return Q(
        **{f"{prefix}state__in": [AssignmentState.IN_PROGRESS, AssignmentState.DONE]}
    ) | (
        Q(**{f"{prefix}state": AssignmentState.ASSIGNED})
        & (
            Q(**{f"{prefix}lease_expires_at__isnull": True})
            | Q(**{f"{prefix}lease_expires_at__gt": now})
        )
    )


def _count(queryset) -> Subquery:
    return Coalesce(
        Subquery(
            queryset.values("article").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def _taken_slots(now: datetime) -> Subquery:
    return _count(Assignment.objects.filter(slot_taken_q(now), article=OuterRef("pk")))


def _lease_until(project: Project, now: datetime) -> datetime:
    return now + timedelta(minutes=project.lease_minutes)


@transaction.atomic
def assignment_next(
    *,
    project: Project,
    user: AbstractBaseUser,
    now: datetime | None = None,
    other_than: int | None = None,
) -> Article | None:
    """The article the annotator should work on next, holding a slot for them.

    Their open drafts come first, then articles already handed to them, then
    new work: fewest submitted annotations first (so articles complete evenly),
    then the admin's priority, then (with the project's ``least_confident``
    queue order) the least confident prediction first, then import order. Never an
    article they submitted or skipped. None when there is nothing left.
    ``other_than`` (an article id) is left out: "Next article" on a page never
    reopens that page.
    """
    now = now or timezone.now()
    Project.objects.select_for_update().filter(pk=project.pk).first()

    draft = (
        Annotation.objects.filter(
            article__project=project, annotator=user, status=AnnotationStatus.DRAFT
        )
        .exclude(article_id=other_than)
        .order_by("updated_at", "article_id")
        .select_related("article")
        .first()
    )
    if draft is not None:
        return draft.article

    finished = Annotation.objects.filter(article=OuterRef("pk"), annotator=user)
    held = (
        Assignment.objects.filter(
            article__project=project, annotator=user, state=AssignmentState.ASSIGNED
        )
        .exclude(article__annotations__annotator=user)
        .exclude(article_id=other_than)
        .order_by("created_at", "article_id")
        .select_related("article")
        .first()
    )
    if held is not None:
        _refresh_lease(held, project, now)
        return held.article

    submitted = _count(
        Annotation.objects.filter(
            article=OuterRef("pk"), status=AnnotationStatus.SUBMITTED
        )
    )
    mine = Assignment.objects.filter(article=OuterRef("pk"), annotator=user).exclude(
        state=AssignmentState.RELEASED
    )
    candidate = (
        Article.objects.filter(project=project, in_queue=True)
        .annotate(taken=_taken_slots(now), submitted=submitted)
        .filter(taken__lt=project.overlap)
        .exclude(Exists(finished))
        .exclude(Exists(mine))
        .exclude(pk=other_than)
        .order_by("submitted", "-priority", *queue_confidence_order(project), "id")
        .first()
    )
    if candidate is None:
        return None
    Assignment.objects.update_or_create(
        article=candidate,
        annotator=user,
        defaults={
            "state": AssignmentState.ASSIGNED,
            "lease_expires_at": _lease_until(project, now),
        },
    )
    return candidate


def _refresh_lease(assignment: Assignment, project: Project, now: datetime) -> None:
    if assignment.assigned_by_id is not None and assignment.lease_expires_at is None:
        return  # assigned by an admin: no lease (services.assignments)
    assignment.lease_expires_at = _lease_until(project, now)
    assignment.save(update_fields=["lease_expires_at", "updated_at"])


@transaction.atomic
def assignment_claim(
    *, article: Article, user: AbstractBaseUser, now: datetime | None = None
) -> Assignment:
    """Let the annotator work on this particular article, or raise ConflictError.

    Allowed when they already hold a slot (or annotated it), or when the
    article still has a free slot; otherwise every slot is taken by others.
    """
    now = now or timezone.now()
    article_lock(article)
    project = article.project
    assignment = Assignment.objects.filter(article=article, annotator=user).first()
    holds_slot = assignment is not None and (
        Assignment.objects.filter(slot_taken_q(now), pk=assignment.pk).exists()
    )
    if (
        holds_slot
        or Annotation.objects.filter(article=article, annotator=user).exists()
    ):
        if assignment is None:
            assignment = Assignment.objects.create(
                article=article, annotator=user, state=AssignmentState.IN_PROGRESS
            )
        elif assignment.state == AssignmentState.ASSIGNED:
            _refresh_lease(assignment, project, now)
        return assignment
    taken = (
        Assignment.objects.filter(slot_taken_q(now), article=article)
        .exclude(annotator=user)
        .count()
    )
    if taken >= project.overlap:
        raise ConflictError(
            f"This article already has its {project.overlap} annotator(s); "
            "ask for the next article instead."
        )
    assignment, _ = Assignment.objects.update_or_create(
        article=article,
        annotator=user,
        defaults={
            "state": AssignmentState.ASSIGNED,
            "lease_expires_at": _lease_until(project, now),
        },
    )
    return assignment


def assignment_record_status(
    *, article: Article, user: AbstractBaseUser, status: str
) -> None:
    """Keep the assignment in step with the annotation: draft holds, submit ends, skip frees."""
    state = {
        AnnotationStatus.DRAFT: AssignmentState.IN_PROGRESS,
        AnnotationStatus.SUBMITTED: AssignmentState.DONE,
        AnnotationStatus.SKIPPED: AssignmentState.RELEASED,
    }[status]
    Assignment.objects.update_or_create(
        article=article,
        annotator=user,
        defaults={"state": state, "lease_expires_at": None},
    )
