"""The review queue page: filters in the query string, bad ones answered in place."""

from __future__ import annotations

import pytest
from django.test import Client

from annotations.choices import Role
from tests.factories import ArticleFactory, annotate, span, team

pytestmark = pytest.mark.django_db

TEXT = "Siemens shares rose 5% after Deutsche Bank upgraded them to buy."
AGREED = {"sentiment": "positive", "bias": "non_biased"}


@pytest.fixture
def reviewer_client(project, members):
    anna, ben = team(project, ["anna", "ben"])
    for index in range(3):
        article = ArticleFactory(project=project, text=TEXT, title=f"Article {index}")
        annotate(article, anna, [span(TEXT, "Siemens", "ORG")], AGREED)
        if index:
            annotate(article, ben, [], {**AGREED, "bias": "biased"})
    client = Client()
    client.force_login(members[Role.REVIEWER])
    return client


def url(project, query: str = "") -> str:
    return f"/projects/{project.slug}/review/{query}"


def test_the_queue_lists_articles_with_their_disagreement(project, reviewer_client):
    response = reviewer_client.get(url(project, "?order=disagreement"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="review-item"') == 3
    assert "3 articles" in html
    assert "Media bias, spans" in html  # what the annotators differ on, by name
    assert 'data-testid="shortcuts"' in html


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?min_submitted=0", "min_submitted", "greater than or equal to 1"),
        ("?min_submitted=abc", "min_submitted", "Enter a whole number"),
        ("?label=NOPE", "label", "Select a valid choice"),
        ("?question=mood", "question", "Select a valid choice"),
        ("?order=random", "order", "Select a valid choice"),
        ("?page=0", "page", "greater than or equal to 1"),
        ("?annotator=nobody", "annotator", "Nobody called “nobody” has submitted"),
    ],
)
def test_bad_filters_are_answered_in_place_with_400(
    project, reviewer_client, query, field, message
):
    response = reviewer_client.get(url(project, query))
    html = response.content.decode()
    assert response.status_code == 400
    assert f'data-testid="filter-error-{field}"' in html
    assert message in html
    assert 'data-testid="review-filters"' in html  # the form is still there


def test_pages_keep_the_filters(project, reviewer_client, monkeypatch):
    monkeypatch.setattr("annotations.views.review_queue.PAGE_SIZE", 1)
    html = reviewer_client.get(url(project, "?label=ORG&page=2")).content.decode()
    assert "page 2 of 3" in html
    assert 'href="?label=ORG&amp;page=1"' in html
    assert 'href="?label=ORG&amp;page=3"' in html
    assert html.count('data-testid="review-item"') == 1
