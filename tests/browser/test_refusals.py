"""What an annotator (and an outsider) meets at the admin pages: styled refusals.

Each refusal is our page (the navigation, the reason, a way back), answers 403
(members) or 404 (outsiders, who must not learn the project exists) and keeps to
the Content-Security-Policy.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from annotations.choices import Role
from tests.browser.conftest import login
from tests.factories import ProjectFactory, team

# What an annotator gets; the history hides itself from other roles (404 by design).
ANNOTATOR_GETS = {
    "exports/": 403,
    "settings/members/": 403,
    "settings/": 403,
    "dashboard/": 403,
    "history/": 404,
}


@pytest.fixture
def csp_complaints(page):
    complaints: list[str] = []
    page.on(
        "console",
        lambda message: (
            complaints.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return complaints


def test_annotator_gets_styled_403_with_a_way_back(page, screenshot, csp_complaints):
    project = ProjectFactory(slug="closed-demo", name="Closed demo")
    (anna,) = team(project, ["anna"])
    login(page, anna.username)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    for tail, status in ANNOTATOR_GETS.items():
        response = page.goto(f"/projects/{project.slug}/{tail}")
        assert response.status == status, tail
        expect(page.locator(f"[data-testid=error-{status}]")).to_be_visible()
        expect(page.locator("[data-testid=main-nav]")).to_be_visible()
        # An annotator's navigation never offers what was just refused.
        for key in ("exports", "settings", "history", "dashboard", "review"):
            assert page.locator(f"[data-testid=nav-{key}]").count() == 0
    page.goto(f"/projects/{project.slug}/exports/")
    screenshot("refused-403")
    page.click("[data-testid=error-project]")
    expect(page).to_have_url(
        f"{page.url.split('/projects/')[0]}/projects/{project.slug}/"
    )
    assert csp_complaints == []


def test_outsider_gets_styled_404_that_names_nothing(page, screenshot, csp_complaints):
    project = ProjectFactory(slug="secret-demo", name="Secret demo")
    team(project, ["boss"], Role.ADMIN)
    (stranger,) = team(ProjectFactory(slug="other-demo"), ["eve"], Role.ADMIN)
    login(page, stranger.username)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    for tail in ANNOTATOR_GETS:
        response = page.goto(f"/projects/{project.slug}/{tail}")
        assert response.status == 404, tail
        expect(page.locator("[data-testid=error-404]")).to_be_visible()
        assert "Secret demo" not in page.content()
    screenshot("refused-404")
    page.click("[data-testid=error-home]")
    expect(page.locator("[data-testid=start-other-demo]")).to_be_visible()
    assert csp_complaints == []
