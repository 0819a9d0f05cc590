"""The adjudication freeze holds on every door that writes an annotation.

Once a reviewer has written the article's gold, the annotations it was made
from are the record: the API ``PUT my-annotation``, the page's save, submit
and skip, and the page's reopen all refuse with 409, and the stored
annotation keeps its spans. (Before issue 10 only the page refused; an
annotator could empty their annotation through the API.)
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from annotations.choices import AnnotationStatus, Role
from annotations.errors import ConflictError
from annotations.models import Annotation, Assignment
from annotations.services.adjudication import gold_save
from annotations.services.annotations import AnnotationInput, annotation_submit
from tests.factories import ANSWERS, TEXT, ArticleFactory, span

pytestmark = pytest.mark.django_db

SIEMENS = span(TEXT, "Siemens", "ORG")


@pytest.fixture
def annotator(members):
    return members[Role.ANNOTATOR]


@pytest.fixture
def article(project, annotator):
    """An article the annotator submitted with one span, then adjudicated (final gold)."""
    article = ArticleFactory(project=project, text=TEXT)
    annotation_submit(
        user=annotator,
        article=article,
        data=AnnotationInput(spans=[SIEMENS], labels=ANSWERS, status="submitted"),
    )
    return article


def adjudicate(article, reviewer, status="submitted"):
    gold_save(
        article=article,
        reviewer=reviewer,
        spans=[SIEMENS],
        labels=ANSWERS,
        status=status,
    )


def put_mine(api_client, article, **body):
    return api_client.put(
        f"/api/v1/articles/{article.pk}/my-annotation/",
        {"spans": [], "labels": {}, **body},
        format="json",
    )


def assert_untouched(article, annotator):
    annotation = Annotation.objects.get(article=article, annotator=annotator)
    assert annotation.version == 1
    assert annotation.status == AnnotationStatus.SUBMITTED
    assert [s.text for s in annotation.spans.all()] == ["Siemens"]


def test_api_put_is_refused_after_adjudication(api_client, article, annotator, members):
    adjudicate(article, members[Role.REVIEWER])
    api_client.force_authenticate(annotator)
    response = put_mine(api_client, article, version=1)
    assert response.status_code == 409
    assert "adjudicated" in response.json()["detail"]
    assert_untouched(article, annotator)


def test_api_put_cannot_create_an_annotation_after_adjudication(
    api_client, article, members
):
    """A reviewer who had not annotated the article cannot add one to the record."""
    adjudicate(article, members[Role.REVIEWER])
    admin = members[Role.ADMIN]
    api_client.force_authenticate(admin)
    response = put_mine(api_client, article)
    assert response.status_code == 409
    assert not Annotation.objects.filter(article=article, annotator=admin).exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"action": "draft"},
        {"action": "submit", "q:sentiment": "neutral", "q:bias": "biased"},
        {"action": "skip", "skip_reason": "Wrong language"},
    ],
    ids=["save", "submit", "skip"],
)
def test_page_save_submit_and_skip_are_refused_after_adjudication(
    client, article, annotator, members, fields
):
    adjudicate(article, members[Role.REVIEWER])
    client.force_login(annotator)
    url = reverse(
        "annotations:article-save",
        kwargs={"slug": article.project.slug, "pk": article.pk},
    )
    data = {"spans": json.dumps([]), "version": "1", **fields}
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert 'data-testid="conflict"' in response.content.decode()
    assert_untouched(article, annotator)
    state = Assignment.objects.get(article=article, annotator=annotator).state
    assert state == "done", "a refused skip does not free the slot"


def test_page_reopen_is_refused_after_adjudication(client, article, annotator, members):
    adjudicate(article, members[Role.REVIEWER])
    client.force_login(annotator)
    url = reverse(
        "annotations:article-reopen",
        kwargs={"slug": article.project.slug, "pk": article.pk},
    )
    response = client.post(url, {"version": "1"}, follow=True)
    assert response.status_code == 200
    assert "adjudicated" in response.content.decode()
    assert_untouched(article, annotator)


def test_a_gold_draft_freezes_too(article, annotator, members):
    """The rule is "a gold annotation exists", as the page has always shown it."""
    adjudicate(article, members[Role.REVIEWER], status="draft")
    with pytest.raises(ConflictError, match="adjudicated"):
        annotation_submit(
            user=annotator,
            article=article,
            data=AnnotationInput(spans=[], labels={}, version=1),
        )
    assert_untouched(article, annotator)


def test_before_adjudication_the_same_put_succeeds(api_client, article, annotator):
    """The control: the refusals above come from the gold, not from the request."""
    api_client.force_authenticate(annotator)
    response = put_mine(api_client, article, version=1)
    assert response.status_code == 200
    assert response.json()["spans"] == []
