"""Every link of the top bar, for every role, opens a page that answers 200.

The links are read from the page as each role sees it (a staff admin, a
reviewer, an annotator, an ML engineer), so a link shown to a role that the page
would refuse fails here.
"""

from __future__ import annotations

from annotations.choices import Role
from tests.browser.conftest import login
from tests.factories import ArticleFactory, ProjectFactory, team


def test_every_nav_link_of_every_role_answers_200(browser, live_server, screenshot):
    project = ProjectFactory(slug="nav-demo", name="Nav demo", feedback_enabled=True)
    ArticleFactory(project=project)
    users = {
        Role.ADMIN: team(project, ["boss"], Role.ADMIN)[0],
        Role.REVIEWER: team(project, ["rev"], Role.REVIEWER)[0],
        Role.ANNOTATOR: team(project, ["anna"])[0],
        Role.ML_ENGINEER: team(project, ["ml"], Role.ML_ENGINEER)[0],
    }
    users[Role.ADMIN].is_staff = users[Role.ADMIN].is_superuser = True
    users[Role.ADMIN].save()
    failures, seen = [], {}
    for role, user in users.items():
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(10_000)
        login(page, user.username)
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.goto(f"/projects/{project.slug}/")
        hrefs = page.locator("header a[href]").evaluate_all(
            "links => links.map(link => link.getAttribute('href'))"
        )
        seen[role] = hrefs
        for href in hrefs:
            response = page.goto(href)
            if response is None or response.status != 200:
                failures.append((role, href, response and response.status))
        if role == Role.ANNOTATOR:
            page.goto(f"/projects/{project.slug}/")
            screenshot("nav-annotator")
        context.close()
    assert not failures, failures
    admin, annotator = set(seen[Role.ADMIN]), set(seen[Role.ANNOTATOR])
    assert annotator < admin
    assert f"/projects/{project.slug}/exports/" in set(seen[Role.ML_ENGINEER])
    assert f"/projects/{project.slug}/exports/" not in annotator
    assert {"/new-project/", "/admin/", "/account/token/", "/api/v1/docs/"} <= admin
