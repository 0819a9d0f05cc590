"""The annotator queue: drafts first, even completion, overlap, leases, claims."""

from datetime import timedelta

import pytest
from django.utils import timezone

from annotations.choices import AnnotationStatus, AssignmentState
from annotations.errors import ConflictError
from annotations.models import Assignment
from annotations.services.annotations import annotation_save
from annotations.services.queue import assignment_claim, assignment_next
from tests.factories import ArticleFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

DONE = {"sentiment": "neutral", "bias": "non_biased"}


def submit(article, user):
    annotation_save(
        article=article, annotator=user, spans=[], labels=DONE, status="submitted"
    )


@pytest.fixture
def project():
    return ProjectFactory(overlap=2)


def test_next_hands_out_in_import_order_and_holds_the_slot(project):
    first, _second = ArticleFactory.create_batch(2, project=project)
    anna = UserFactory()
    assert assignment_next(project=project, user=anna) == first
    # Asking again without saving gives the same article (lease held).
    assert assignment_next(project=project, user=anna) == first
    assert Assignment.objects.get(annotator=anna).state == AssignmentState.ASSIGNED


def test_drafts_come_first(project):
    _first, second = ArticleFactory.create_batch(2, project=project)
    anna = UserFactory()
    annotation_save(article=second, annotator=anna, spans=[], labels={})
    assert assignment_next(project=project, user=anna) == second


def test_never_an_article_already_submitted_or_skipped(project):
    articles = ArticleFactory.create_batch(3, project=project)
    anna = UserFactory()
    submit(articles[0], anna)
    annotation_save(
        article=articles[1],
        annotator=anna,
        spans=[],
        labels={},
        status=AnnotationStatus.SKIPPED,
        skip_reason="not financial news",
    )
    assert assignment_next(project=project, user=anna) == articles[2]
    submit(articles[2], anna)
    assert assignment_next(project=project, user=anna) is None


def test_overlap_limits_annotators_per_article(project):
    (article,) = ArticleFactory.create_batch(1, project=project)
    anna, ben, cem = UserFactory.create_batch(3)
    assert assignment_next(project=project, user=anna) == article
    assert assignment_next(project=project, user=ben) == article
    assert assignment_next(project=project, user=cem) is None


def test_articles_complete_evenly(project):
    a, b = ArticleFactory.create_batch(2, project=project)
    anna, ben = UserFactory.create_batch(2)
    submit(a, anna)
    # b has no submission yet, so ben gets b first although a is older.
    assert assignment_next(project=project, user=ben) == b


def test_priority_breaks_ties(project):
    ArticleFactory(project=project)
    urgent = ArticleFactory(project=project, priority=10)
    assert assignment_next(project=project, user=UserFactory()) == urgent


def test_expired_lease_frees_the_slot(project):
    project.overlap = 1
    project.save()
    article = ArticleFactory(project=project)
    anna, ben = UserFactory.create_batch(2)
    now = timezone.now()
    assert assignment_next(project=project, user=anna, now=now) == article
    assert assignment_next(project=project, user=ben, now=now) is None
    later = now + timedelta(minutes=project.lease_minutes + 1)
    assert assignment_next(project=project, user=ben, now=later) == article


def test_skip_frees_the_slot_for_someone_else(project):
    project.overlap = 1
    project.save()
    article = ArticleFactory(project=project)
    anna, ben = UserFactory.create_batch(2)
    assignment_next(project=project, user=anna)
    annotation_save(
        article=article, annotator=anna, spans=[], labels={}, status="skipped",
        skip_reason="duplicate",
    )  # fmt: skip
    assert assignment_next(project=project, user=ben) == article


def test_claim_by_url_needs_a_free_slot(project):
    project.overlap = 1
    project.save()
    article = ArticleFactory(project=project)
    anna, ben = UserFactory.create_batch(2)
    assignment_claim(article=article, user=anna)
    with pytest.raises(ConflictError, match="already has its 1 annotator"):
        assignment_claim(article=article, user=ben)
    # Anna may come back to it any time.
    assert assignment_claim(article=article, user=anna).annotator == anna


def test_queue_query_count_does_not_grow_with_articles(project):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for_next(n_articles):
        other = ProjectFactory(overlap=2)
        ArticleFactory.create_batch(n_articles, project=other)
        user = UserFactory()
        with CaptureQueriesContext(connection) as captured:
            assert assignment_next(project=other, user=user) is not None
        return len(captured)

    small, large = queries_for_next(3), queries_for_next(60)
    assert small == large
    assert large <= 12
