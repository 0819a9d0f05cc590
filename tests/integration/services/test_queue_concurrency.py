"""Two annotators asking for the last slot at the same moment: exactly one gets it.

Real concurrency: each thread has its own database connection and the threads
start their request together (a barrier). Run on PostgreSQL with DATABASE_URL
set (row locks via select_for_update); on SQLite the IMMEDIATE transactions
serialise the writers and the test must pass too.
"""

import pytest

from annotations.errors import ConflictError
from annotations.models import Assignment
from annotations.services.queue import assignment_claim, assignment_next
from tests.concurrency import race
from tests.factories import ArticleFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_annotators_never_both_get_the_last_slot_from_the_queue(round_):
    project = ProjectFactory(overlap=2)
    article = ArticleFactory(project=project)
    first = UserFactory()
    assert assignment_next(project=project, user=first) == article
    anna, ben = UserFactory.create_batch(2)
    results = race(
        [
            lambda: assignment_next(project=project, user=anna),
            lambda: assignment_next(project=project, user=ben),
        ]
    )
    assert all(kind == "ok" for kind, _ in results), results
    handed = [value for _, value in results]
    assert sorted(handed, key=lambda a: a is None) == [article, None]
    assert Assignment.objects.filter(article=article).count() == 2


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_claims_of_the_last_slot_give_one_conflict(round_):
    project = ProjectFactory(overlap=1)
    article = ArticleFactory(project=project)
    anna, ben = UserFactory.create_batch(2)
    results = race(
        [
            lambda: assignment_claim(article=article, user=anna),
            lambda: assignment_claim(article=article, user=ben),
        ]
    )
    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, ConflictError)
    assert Assignment.objects.filter(article=article).count() == 1
