"""Every API route × every method × every role: no answer is a server error (issue 16).

The routes are read from ``annotations/api/urls.py`` itself, so a new endpoint
joins the matrix without anyone listing it (a path parameter the table below
cannot fill fails the test). Each call runs in a savepoint that is rolled back,
so one role's writes do not change what the next call sees. Besides "no 5xx",
every answer outside the file downloads and the Swagger page is JSON.
"""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.urls import URLPattern, reverse
from django.urls.resolvers import RegexPattern

from annotations.api import urls as api_urls
from annotations.choices import Role
from annotations.models import Assignment
from annotations.services.releases import release_create
from tests.factories import ANSWERS, TEXT, ArticleFactory, JobFactory, annotate
from tests.integration.services.test_model_loop import ruler_model
from tests.roles import WHO

pytestmark = pytest.mark.django_db
METHODS = ("get", "post", "put", "patch", "delete")
NOT_JSON = {"docs", "project-export", "release-file", "job-download", "schema"}
BODIES = {
    "empty": {},
    "hostile": {"spans": [{"label": ["x"]}], "text": "a\x00", "version": 1.5},
}


def _routes():
    for pattern in api_urls.urlpatterns:
        assert isinstance(pattern, URLPattern), pattern
        if isinstance(pattern.pattern, RegexPattern):
            params = list(pattern.pattern.regex.groupindex)
        else:
            params = list(pattern.pattern.converters)
        yield pattern.name, params


@pytest.fixture
def world(project, members, settings, tmp_path):
    """One of everything a route can name, in ``project``."""
    settings.MEDIA_ROOT = tmp_path
    article = ArticleFactory(project=project, text=TEXT)
    annotate(article, members[Role.ANNOTATOR], labels=ANSWERS)
    release = release_create(project=project, created_by=members[Role.ADMIN])
    assignment = Assignment.objects.filter(article=article).first()
    return {
        "pk": project.pk,
        "project_id": project.pk,
        "article_id": article.pk,
        "release_id": release.pk,
        "name": release.files.first().name,
        "job_id": JobFactory(project=project).pk,
        "username": members[Role.ANNOTATOR].username,
        "assignment_id": assignment.pk if assignment else 999_999,
        "model_id": ruler_model(project, tmp_path).pk,
    }


def test_the_matrix_covers_every_route(world):
    for name, params in _routes():
        missing = [p for p in params if p not in world]
        assert not missing, f"route {name} has parameters the matrix cannot fill"


@pytest.mark.parametrize("body", list(BODIES), ids=list(BODIES))
@pytest.mark.parametrize("who", WHO)
def test_no_route_answers_a_server_error(login_as, world, who, body):
    client = login_as(who)
    failures = []
    for name, params in _routes():
        url = reverse(f"api:{name}", kwargs={p: world[p] for p in params})
        for method in METHODS:
            with transaction.atomic():
                response = client.generic(
                    method.upper(),
                    url,
                    json.dumps(BODIES[body]),
                    content_type="application/json",
                )
                transaction.set_rollback(True)
            status = response.status_code
            json_answer = response.get("Content-Type", "").startswith(
                "application/json"
            )
            if status >= 500 or (
                name not in NOT_JSON and status != 204 and not json_answer
            ):
                failures.append(f"{method.upper()} {url}: {status}")
    assert not failures, failures
