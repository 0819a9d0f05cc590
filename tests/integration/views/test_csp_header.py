"""The Content-Security-Policy header, and pages that need nothing it forbids.

The browser test (tests/browser/test_csp.py) proves the pages work under the
policy; these check the policy itself and the HTML the server sends.
"""

import re

import pytest
from django.test import Client

from annotations.choices import Role
from tests.factories import ArticleFactory, team
from tests.factories import annotate as submit
from tests.factories import span as span_in

pytestmark = pytest.mark.django_db

TEXT = "Siemens shares rose 5% after Deutsche Bank upgraded them to buy."


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_policy_allows_only_our_own_scripts_and_styles():
    policy = directives(Client().get("/accounts/login/"))
    for name in ("script-src", "style-src"):
        assert policy[name][0] == "'self'"
        assert "'unsafe-inline'" not in policy[name]
        assert "'unsafe-eval'" not in policy[name]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


def test_api_answers_carry_the_policy_too(api_client, members):
    api_client.force_authenticate(members[Role.ADMIN])
    assert "Content-Security-Policy" in api_client.get("/api/v1/projects/")


@pytest.fixture
def reviewed(project, members):
    anna, ben = team(project, ["anna", "ben"])
    article = ArticleFactory(project=project, text=TEXT)
    submit(article, anna, spans=[span_in(article.text, "Siemens", "ORG")])
    submit(article, ben, spans=[span_in(article.text, "Siemens", "ORG")])
    return article


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_review_script_is_a_static_file_not_an_inline_one(project, members, reviewed):
    """The review page's keyboard and selection code is static/js/review.js (issue 12):
    nothing inline, so the page needs neither a nonce nor 'unsafe-inline'."""
    client = client_for(members[Role.REVIEWER])
    response = client.get(f"/projects/{project.slug}/review/{reviewed.pk}/")
    html = response.content.decode()
    assert re.search(r'<script src="[^"]*/js/review\.js"', html)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src|nonce)=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+=", re.IGNORECASE)


def main_pages(project, reviewed):
    slug = project.slug
    return [
        (None, "/accounts/login/"),
        (None, "/accounts/password/reset/"),
        (Role.ANNOTATOR, "/"),
        (Role.ANNOTATOR, f"/projects/{slug}/"),
        (Role.ANNOTATOR, f"/projects/{slug}/guidelines/"),
        (Role.REVIEWER, f"/projects/{slug}/review/{reviewed.pk}/"),
        (Role.REVIEWER, f"/projects/{slug}/dashboard/"),
        (Role.ADMIN, f"/projects/{slug}/"),
        (Role.ADMIN, f"/projects/{slug}/settings/"),
        (Role.ADMIN, f"/projects/{slug}/settings/scheme/"),
        (Role.ADMIN, f"/projects/{slug}/settings/members/"),
        (Role.ADMIN, f"/projects/{slug}/articles/{reviewed.pk}/"),
        (Role.ADMIN, "/api/v1/docs/"),
    ]


def test_pages_have_no_inline_code_the_policy_forbids(project, members, reviewed):
    offenders = {}
    for role, path in main_pages(project, reviewed):
        client = client_for(members[role]) if role else Client()
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        found = (
            INLINE_SCRIPT.findall(html)
            + STYLE_ATTRIBUTE.findall(html)
            + EVENT_HANDLER.findall(html)
            + re.findall(r"<style(?![^>]*nonce=)[^>]*>", html)
        )
        # JSON data blocks are not executed, so the policy leaves them alone.
        found = [tag for tag in found if "application/json" not in tag]
        if found:
            offenders[path] = found
    assert not offenders, offenders
