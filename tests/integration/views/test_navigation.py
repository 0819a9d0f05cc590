"""The top bar's navigation: per role it shows what the role may open, and every link opens."""

from __future__ import annotations

import re

import pytest
from django.urls import NoReverseMatch, reverse

from annotations.choices import Role
from annotations.navigation import NavLink, project_links, site_links
from annotations.templatetags.navigation_tags import _current, _shown

pytestmark = pytest.mark.django_db

SITE = {"home", "api-token", "api-docs"}
PROJECT_KEYS = {
    Role.ADMIN: {
        "project",
        "review",
        "dashboard",
        "exports",
        "history",
        "jobs",
        "guidelines",
        "settings",
    },
    Role.REVIEWER: {
        "project",
        "review",
        "dashboard",
        "exports",
        "history",
        "guidelines",
    },
    Role.ML_ENGINEER: {"project", "exports", "guidelines"},
    Role.ANNOTATOR: {"project", "guidelines"},
}
#: The article pages' links, shown once their URLs exist (pages-articles).
ARTICLE_KEYS = {
    Role.ADMIN: {"articles", "import"},
    Role.REVIEWER: {"articles"},
    Role.ML_ENGINEER: set(),
    Role.ANNOTATOR: set(),
}


def article_keys_in_this_build(role) -> set[str]:
    """The article pages' links of ``role`` whose URLs exist here."""
    names = {"articles": "article-list", "import": "article-import"}
    found = set()
    for key in ARTICLE_KEYS[role]:
        try:
            reverse(f"annotations:{names[key]}", kwargs={"slug": "x"})
        except NoReverseMatch:
            continue
        found.add(key)
    return found


def header(page: str) -> str:
    return page[page.index("<header") : page.index("</header>")]


def nav_keys(page: str) -> set[str]:
    return set(re.findall(r'data-testid="nav-([\w-]+)"', header(page)))


def header_links(page: str) -> list[str]:
    return re.findall(r'<a[^>]* href="(/[^"]*)"', header(page))


@pytest.mark.parametrize("role", list(PROJECT_KEYS))
def test_each_role_sees_what_it_may_open_and_every_link_answers_200(
    client, project, members, role
):
    client.force_login(members[role])
    page = client.get(f"/projects/{project.slug}/").content.decode()
    assert nav_keys(page) == SITE | PROJECT_KEYS[role] | article_keys_in_this_build(
        role
    )
    links = header_links(page)
    assert "/accounts/password/change/" in links
    for href in links:
        response = client.get(href, follow=True)
        assert response.status_code == 200, f"{role}: {href}"


def test_staff_see_new_project_and_admin(client, project, members):
    staff = members[Role.ANNOTATOR]
    staff.is_staff = True
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    page = client.get("/").content.decode()
    assert {"new-project", "admin"} <= nav_keys(page)
    assert 'data-testid="new-project"' in page  # and on "my projects"
    for href in header_links(page):
        assert client.get(href, follow=True).status_code == 200, href


def test_feedback_link_where_enabled(client, project, members):
    project.feedback_enabled = True
    project.save(update_fields=["feedback_enabled"])
    client.force_login(members[Role.ANNOTATOR])
    page = client.get(f"/projects/{project.slug}/guidelines/").content.decode()
    assert "feedback" in nav_keys(page)
    client.force_login(members[Role.ML_ENGINEER])
    page = client.get(f"/projects/{project.slug}/").content.decode()
    assert "feedback" not in nav_keys(page)


def test_current_page_is_marked(client, project, members):
    client.force_login(members[Role.ADMIN])
    page = client.get(f"/projects/{project.slug}/settings/members/").content.decode()
    assert re.search(r'data-testid="nav-settings" aria-current="page"', page)
    assert not re.search(r'data-testid="nav-project" aria-current', page)
    home = client.get("/").content.decode()
    assert re.search(r'data-testid="nav-home" aria-current="page"', home)


def test_anonymous_and_outsiders_get_no_project_links(client, project, members):
    login = client.get("/accounts/login/").content.decode()
    assert nav_keys(login) == set()
    client.force_login(members["outsider"])
    response = client.get(f"/projects/{project.slug}/")
    assert response.status_code == 404
    assert nav_keys(response.content.decode()) == SITE
    assert project.name not in response.content.decode()


@pytest.mark.parametrize("role", list(PROJECT_KEYS))
def test_rules_per_role_including_the_article_pages(role):
    keys = {link.key for link in project_links(role, feedback_enabled=False)}
    assert keys == PROJECT_KEYS[role] | ARTICLE_KEYS[role]
    assert project_links(None, feedback_enabled=True) == []


def test_site_links_need_a_login():
    assert (
        site_links(authenticated=False, can_create_projects=True, is_staff=True) == []
    )
    plain = site_links(authenticated=True, can_create_projects=False, is_staff=False)
    assert {link.key for link in plain} == SITE


def test_links_without_a_url_in_this_build_are_left_out():
    links = [
        NavLink("project", "Project", "annotations:project-detail", takes_slug=True),
        NavLink("future", "Future", "annotations:no-such-page", takes_slug=True),
    ]
    shown = _shown(links, slug="demo")
    assert [(link.key, link.url) for link in shown] == [("project", "/projects/demo/")]


def test_the_longest_matching_link_is_current():
    links = _shown(
        [
            NavLink("home", "Home", "annotations:home"),
            NavLink("project", "Project", "annotations:project-detail", True),
            NavLink("exports", "Exports", "annotations:exports", True),
        ],
        slug="demo",
    )
    assert _current("/projects/demo/exports/jobs/x/", links) == "exports"
    assert _current("/projects/demo/", links) == "project"
    assert _current("/", links) == "home"
    assert _current("/accounts/password/change/", links) is None
