"""The review queue selector: who is in it, filters, order and a fixed query count."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from annotations.choices import GoldStatus, Role
from annotations.selectors.review_queue import ReviewQueueFilters, review_queue
from annotations.services.adjudication import gold_save
from tests.factories import ArticleFactory, annotate, span, team

pytestmark = pytest.mark.django_db

TEXT = "Siemens shares rose 5% after Deutsche Bank upgraded them to buy."
AGREED = {"sentiment": "positive", "bias": "non_biased"}


@pytest.fixture(autouse=True)
def empty_cache():
    """Scores are cached per agreement watermark; each test starts cold."""
    cache.clear()


@pytest.fixture
def queue(project):
    """calm: both agree; torn: they disagree on bias and spans; lonely: one only."""
    reviewer = team(project, ["rev"], Role.REVIEWER)[0]
    anna, ben = team(project, ["anna", "ben"])
    siemens = span(TEXT, "Siemens", "ORG")
    bank = span(TEXT, "Deutsche Bank", "ORG")
    calm = ArticleFactory(project=project, text=TEXT, title="calm")
    torn = ArticleFactory(project=project, text=TEXT, title="torn")
    lonely = ArticleFactory(project=project, text=TEXT, title="lonely")
    untouched = ArticleFactory(project=project, text=TEXT, title="untouched")
    for user in (anna, ben):
        annotate(calm, user, [siemens], AGREED)
    annotate(torn, anna, [siemens, bank], AGREED)
    annotate(torn, ben, [siemens], {**AGREED, "bias": "biased"})
    annotate(lonely, ben, [], AGREED)
    return {
        "reviewer": reviewer,
        "anna": anna,
        "ben": ben,
        "calm": calm,
        "torn": torn,
        "lonely": lonely,
        "untouched": untouched,
    }


def titles(project, **filters) -> list[str]:
    result = review_queue(project=project, filters=ReviewQueueFilters(**filters))
    return [item.title for item in result.items]


def test_one_submission_is_enough_by_default_and_the_minimum_is_configurable(
    project, queue
):
    assert titles(project) == ["calm", "torn", "lonely"]
    assert titles(project, min_submitted=2) == ["calm", "torn"]
    assert titles(project, min_submitted=3) == []


def test_order_by_disagreement_puts_the_most_disputed_first(project, queue):
    result = review_queue(
        project=project, filters=ReviewQueueFilters(order="disagreement")
    )
    assert [item.title for item in result.items] == ["torn", "calm", "lonely"]
    torn, calm, lonely = result.items
    # bias 1/2 apart; spans: ORG F1 = 2*1/(2+1) = 2/3, so 1/3; sentiment agreed.
    assert torn.score == pytest.approx((0 + 0.5 + 1 / 3) / 3)
    assert torn.disagreement.disputed == ["bias", "spans"]
    assert calm.score == 0
    assert lonely.score is None
    assert torn.annotators == (queue["anna"].username, queue["ben"].username)


def test_filters(project, queue):
    ben = queue["ben"].username
    assert titles(project, label="ORG") == ["calm", "torn"]
    assert titles(project, label="MONEY") == []
    assert titles(project, annotator=queue["anna"].username) == ["calm", "torn"]
    assert titles(project, annotator=ben) == ["calm", "torn", "lonely"]
    assert titles(project, question="bias") == ["torn"]
    assert titles(project, question="sentiment") == []
    assert titles(project, disagreement="yes") == ["torn"]
    assert titles(project, disagreement="no") == ["calm"]
    assert titles(project, annotator=ben, disagreement="no", label="ORG") == ["calm"]


def test_gold_state_filter_and_final_gold_last(project, queue):
    gold_save(
        article=queue["calm"],
        reviewer=queue["reviewer"],
        spans=[span(TEXT, "Siemens", "ORG")],
        labels=AGREED,
        status=GoldStatus.FINAL,
    )
    assert titles(project) == ["torn", "lonely", "calm"]
    assert titles(project, gold="final") == ["calm"]
    assert titles(project, gold="open") == ["torn", "lonely"]
    items = review_queue(project=project, filters=ReviewQueueFilters()).items
    assert items[-1].gold_status == GoldStatus.FINAL


def test_an_annotator_who_never_submitted_is_reported(project, queue):
    result = review_queue(
        project=project, filters=ReviewQueueFilters(annotator="nobody")
    )
    assert result.unknown_annotator is True
    assert result.items == []
    assert result.annotators == sorted([queue["anna"].username, queue["ben"].username])


def test_pages(project, queue):
    first = review_queue(project=project, filters=ReviewQueueFilters(per_page=2))
    assert (first.total, first.page, first.pages) == (3, 1, 2)
    assert [i.title for i in first.items] == ["calm", "torn"]
    second = review_queue(
        project=project, filters=ReviewQueueFilters(per_page=2, page=2)
    )
    assert [i.title for i in second.items] == ["lonely"]
    past = review_queue(
        project=project,
        filters=ReviewQueueFilters(per_page=2, page=9, order="disagreement"),
    )
    assert past.page == 2
    assert [i.title for i in past.items] == ["lonely"]


def _more_articles(project, queue, n: int) -> None:
    for index in range(n):
        article = ArticleFactory(project=project, text=TEXT, title=f"more {index}")
        annotate(article, queue["anna"], [span(TEXT, "Siemens", "ORG")], AGREED)
        annotate(article, queue["ben"], [], {**AGREED, "bias": "biased"})


@pytest.mark.parametrize(
    ("filters", "queries"),
    [
        # annotators, count, page, answers, spans
        ({}, 5),
        ({"label": "ORG", "annotator": "project-placeholder-ben", "page": 2}, 5),
        # annotators, watermark (3), candidates, answers, spans of all, then the
        # page's articles, answers and spans
        ({"order": "disagreement"}, 10),
        ({"question": "bias", "disagreement": "yes", "per_page": 3}, 10),
    ],
)
def test_query_count_does_not_grow_with_the_project(
    project, queue, django_assert_num_queries, filters, queries
):
    if "annotator" in filters:
        filters = {**filters, "annotator": queue["ben"].username}
    chosen = ReviewQueueFilters(**{"per_page": 3, **filters})
    with django_assert_num_queries(queries):
        small = review_queue(project=project, filters=chosen)
    _more_articles(project, queue, 12)
    with django_assert_num_queries(queries):
        large = review_queue(project=project, filters=chosen)
    assert large.total > small.total
    assert len(large.items) == 3


def test_scores_are_reused_until_the_work_changes(
    project, queue, django_assert_num_queries
):
    by_disagreement = ReviewQueueFilters(order="disagreement")
    review_queue(project=project, filters=by_disagreement)
    # annotators, watermark (3), then the page's articles, answers and spans
    with django_assert_num_queries(7):
        again = review_queue(project=project, filters=by_disagreement)
    assert [item.title for item in again.items] == ["torn", "calm", "lonely"]
    # anna submits on "lonely" in disagreement with ben: the watermark moves.
    annotate(queue["lonely"], queue["anna"], [], {**AGREED, "sentiment": "negative"})
    with django_assert_num_queries(10):
        fresh = review_queue(project=project, filters=by_disagreement)
    lonely = next(item for item in fresh.items if item.title == "lonely")
    assert lonely.score is not None
    assert lonely.score > 0
