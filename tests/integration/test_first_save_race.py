"""Two simultaneous FIRST saves of one annotation (double click, autosave + submit).

Real concurrency: each thread has its own database connection and the threads
send their request together (a barrier). Exactly one save creates the
annotation; the other is told it already exists (409), never a 500
(IntegrityError on ``annotation_one_per_annotator``, or a deadlock). The same
holds for two first gold saves of one article.

Meaningful on PostgreSQL (row locks; CI runs the suite there with
DATABASE_URL); on SQLite the IMMEDIATE transactions serialise the writers and
the tests must pass too.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from annotations.choices import Role
from annotations.models import Annotation, Assignment, GoldAnnotation
from tests.concurrency import race
from tests.factories import ArticleFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 4
BODY = {"spans": [], "labels": {"sentiment": "neutral"}}


def member(project, role):
    user = UserFactory()
    MembershipFactory(project=project, user=user, role=role)
    return user


def api_call(method, user, url):
    """A callable for ``race``: ``user`` sends BODY to ``url``; returns the status."""

    def send():
        client = APIClient()
        client.force_authenticate(user)
        return getattr(client, method)(url, BODY, format="json").status_code

    return send


@pytest.mark.parametrize("role", [Role.ANNOTATOR, Role.REVIEWER])
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_first_puts_give_one_201_and_one_409(round_, role):
    article = ArticleFactory()
    user = member(article.project, role)
    url = f"/api/v1/articles/{article.pk}/my-annotation/"
    results = race([api_call("put", user, url), api_call("put", user, url)])
    assert all(kind == "ok" for kind, _ in results), results
    assert sorted(status for _, status in results) == [201, 409]
    annotation = Annotation.objects.get(article=article, annotator=user)
    assert annotation.version == 1
    if role == Role.ANNOTATOR:
        assert Assignment.objects.filter(article=article, annotator=user).count() == 1


def page_save(user, article, action):
    def send():
        client = Client()
        client.force_login(user)
        url = reverse(
            "annotations:article-save",
            kwargs={"slug": article.project.slug, "pk": article.pk},
        )
        data = {
            "spans": json.dumps([]),
            "action": action,
            "q:sentiment": "neutral",
            "q:bias": "non_biased",
        }
        return client.post(url, data, HTTP_HX_REQUEST="true").status_code

    return send


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_autosave_and_submit_at_once_save_once(round_):
    article = ArticleFactory()
    user = member(article.project, Role.ANNOTATOR)
    results = race(
        [page_save(user, article, "draft"), page_save(user, article, "submit")]
    )
    assert all(kind == "ok" for kind, _ in results), results
    statuses = sorted(status for _, status in results)
    assert statuses == [200, 409], statuses
    assert Annotation.objects.filter(article=article, annotator=user).count() == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_first_gold_posts_give_one_201_and_one_409(round_):
    article = ArticleFactory()
    reviewer = member(article.project, Role.REVIEWER)
    url = f"/api/v1/articles/{article.pk}/gold/"
    results = race([api_call("post", reviewer, url), api_call("post", reviewer, url)])
    assert all(kind == "ok" for kind, _ in results), results
    assert sorted(status for _, status in results) == [201, 409]
    assert GoldAnnotation.objects.get(article=article).version == 1
