"""Styled 403/404/500 pages with the navigation and a way back; /favicon.ico."""

from __future__ import annotations

import pytest
from django.template import loader
from django.test import RequestFactory
from django.views.defaults import server_error

from annotations.choices import Role


@pytest.mark.django_db
def test_permission_denied_in_a_view_gets_the_styled_page(client, project, members):
    client.force_login(members[Role.ANNOTATOR])
    response = client.get(
        f"/projects/{project.slug}/dashboard/",
        headers={"referer": f"http://testserver/projects/{project.slug}/"},
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert 'data-testid="error-403"' in page
    assert "Only reviewers and admins see the dashboard." in page  # the reason
    assert 'data-testid="main-nav"' in page
    assert 'data-testid="project-nav"' in page  # a member keeps the project's links
    assert (
        f'href="http://testserver/projects/{project.slug}/" data-testid="error-back"'
        in page
    )
    assert 'data-testid="error-project"' in page
    assert 'data-testid="error-home"' in page


@pytest.mark.django_db
def test_a_foreign_referer_is_no_way_back(client, project, members):
    client.force_login(members[Role.ANNOTATOR])
    response = client.get(
        f"/projects/{project.slug}/settings/",
        headers={"referer": "https://evil.example/phish"},
    )
    assert response.status_code == 403
    assert "evil.example" not in response.content.decode()


@pytest.mark.django_db
def test_not_found_is_styled_and_leaks_nothing(client, project, members):
    client.force_login(members["outsider"])
    response = client.get(f"/projects/{project.slug}/settings/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'data-testid="error-404"' in page
    assert 'data-testid="main-nav"' in page
    assert 'data-testid="project-nav"' not in page
    assert project.name not in page
    unknown = client.get("/no/such/page/")
    assert unknown.status_code == 404
    assert 'data-testid="error-404"' in unknown.content.decode()


@pytest.mark.django_db
def test_anonymous_404_offers_the_login(client):
    page = client.get("/no/such/page/").content.decode()
    assert 'data-testid="error-login"' in page


def test_500_renders_without_request_context_or_database():
    """No ``django_db`` mark: any query would fail this test."""
    html = loader.get_template("500.html").render()
    assert 'data-testid="error-500"' in html
    assert 'href="/"' in html
    response = server_error(RequestFactory().get("/boom/"))
    assert response.status_code == 500
    assert b'data-testid="error-500"' in response.content


@pytest.mark.django_db
def test_an_exception_in_a_view_gets_the_500_page(
    client, project, members, monkeypatch
):
    from annotations.views import projects

    def boom(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(projects, "project_list_with_article_counts", boom)
    client.raise_request_exception = False
    client.force_login(members[Role.ADMIN])
    response = client.get("/")
    assert response.status_code == 500
    page = response.content.decode()
    assert 'data-testid="error-500"' in page
    assert "database on fire" not in page


@pytest.mark.django_db
def test_favicon(client):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"
    login = client.get("/accounts/login/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in login
