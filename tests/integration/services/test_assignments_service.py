"""Admin assignments (assign, move, release), leases, and calibration marking."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from annotations.choices import AssignmentState, Role
from annotations.errors import ConflictError
from annotations.models import Annotation, Article, Assignment
from annotations.services.assignments import (
    assignment_assign,
    assignment_move,
    assignment_release,
)
from annotations.services.calibration import calibration_draw, calibration_mark
from annotations.services.queue import assignment_claim, assignment_next
from tests.factories import ArticleFactory, ProjectFactory, UserFactory, annotate, team

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return ProjectFactory(overlap=1)


@pytest.fixture
def people(project):
    admin = team(project, ["boss"], Role.ADMIN)[0]
    anna, ben = team(project, ["anna", "ben"])
    return admin, anna, ben


def test_assigned_article_comes_first_and_never_expires(project, people):
    admin, anna, ben = people
    ArticleFactory(project=project)
    chosen = ArticleFactory(project=project)
    assignment = assignment_assign(article=chosen, annotator=anna, assigned_by=admin)
    assert assignment.lease_expires_at is None
    assert assignment.assigned_by == admin
    much_later = timezone.now() + timedelta(days=30)
    assert assignment_next(project=project, user=anna, now=much_later) == chosen
    assignment.refresh_from_db()
    assert assignment.lease_expires_at is None
    # The slot stays taken for others however long it takes.
    with pytest.raises(ConflictError):
        assignment_claim(article=chosen, user=ben, now=much_later)


def test_assign_needs_a_free_slot_and_an_annotating_member(project, people):
    admin, anna, ben = people
    article = ArticleFactory(project=project)
    assignment_assign(article=article, annotator=anna, assigned_by=admin)
    # Idempotent for the holder.
    assignment_assign(article=article, annotator=anna, assigned_by=admin)
    with pytest.raises(ConflictError, match="slot"):
        assignment_assign(article=article, annotator=ben, assigned_by=admin)
    ml = team(project, ["ml"], Role.ML_ENGINEER)[0]
    with pytest.raises(ValidationError, match="cannot annotate"):
        assignment_assign(
            article=ArticleFactory(project=project), annotator=ml, assigned_by=admin
        )
    with pytest.raises(ValidationError, match="cannot annotate"):
        assignment_assign(
            article=ArticleFactory(project=project),
            annotator=UserFactory(),
            assigned_by=admin,
        )


def test_move_hands_the_slot_over(project, people):
    admin, anna, ben = people
    article = ArticleFactory(project=project)
    first = assignment_assign(article=article, annotator=anna, assigned_by=admin)
    moved = assignment_move(assignment=first, to_annotator=ben, moved_by=admin)
    assert moved.annotator == ben
    first.refresh_from_db()
    assert first.state == AssignmentState.RELEASED
    assert assignment_next(project=project, user=ben) == article
    assert assignment_next(project=project, user=anna) is None


def test_drafts_are_discarded_only_on_request_and_submitted_work_stays(project, people):
    admin, anna, ben = people
    article = ArticleFactory(project=project)
    assignment = assignment_assign(article=article, annotator=anna, assigned_by=admin)
    annotate(article, anna, labels={}, status="draft")
    with pytest.raises(ConflictError, match="draft"):
        assignment_release(assignment=assignment, released_by=admin)
    released = assignment_release(
        assignment=assignment, released_by=admin, discard_draft=True
    )
    assert released.state == AssignmentState.RELEASED
    assert not Annotation.objects.filter(article=article, annotator=anna).exists()
    assert assignment_next(project=project, user=ben) == article
    annotate(article, ben)
    done = Assignment.objects.get(article=article, annotator=ben)
    with pytest.raises(ConflictError, match="submitted"):
        assignment_release(assignment=done, released_by=admin)
    with pytest.raises(ConflictError, match="submitted"):
        assignment_move(assignment=done, to_annotator=anna, moved_by=admin)
    with pytest.raises(ConflictError, match="already submitted"):
        assignment_assign(article=article, annotator=ben, assigned_by=admin)


def test_lease_expiry_frees_a_claimed_slot_and_an_open_draft_holds_it(project):
    article = ArticleFactory(project=project)
    anna, ben = UserFactory.create_batch(2)
    now = timezone.now()
    assignment_claim(article=article, user=anna, now=now)
    with pytest.raises(ConflictError, match="already has its 1 annotator"):
        assignment_claim(article=article, user=ben, now=now)
    expired = now + timedelta(minutes=project.lease_minutes, seconds=1)
    assert assignment_claim(article=article, user=ben, now=expired).annotator == ben
    # Ben saves a draft: from then on no lease applies, his slot is kept.
    annotate(article, ben, labels={}, status="draft")
    far = now + timedelta(days=2)
    with pytest.raises(ConflictError):
        assignment_claim(article=article, user=anna, now=far)


def test_lease_boundary_is_exclusive(project):
    article = ArticleFactory(project=project)
    anna, ben = UserFactory.create_batch(2)
    now = timezone.now()
    assert assignment_next(project=project, user=anna, now=now) == article
    at_expiry = now + timedelta(minutes=project.lease_minutes)
    # At the expiry instant the lease no longer holds (lease_expires_at > now).
    assert assignment_next(project=project, user=ben, now=at_expiry) == article


def test_calibration_marks_a_seeded_share_and_spares_annotated_articles(project):
    articles = ArticleFactory.create_batch(400, project=project)
    count = calibration_mark(project=project, share=0.1)
    marked = set(
        Article.objects.filter(project=project, is_calibration=True).values_list(
            "pk", flat=True
        )
    )
    expected = {
        a.pk
        for a in articles
        if calibration_draw(seed=project.slug, article_id=a.pk) < 0.1
    }
    assert marked == expected
    assert count == len(expected)
    assert 20 <= count <= 65  # 10 % of 400 in expectation
    # Same seed, same choice; an annotated article keeps its status.
    keep = next(a for a in articles if a.pk in marked)
    annotate(keep, team(project, ["zoe"])[0])
    assert calibration_mark(project=project, share=0.0) == 1
    assert Article.objects.get(pk=keep.pk).is_calibration is True
    with pytest.raises(ValidationError):
        calibration_mark(project=project, share=1.5)
