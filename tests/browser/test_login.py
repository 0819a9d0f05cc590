"""Logging in through a real browser lands on "my projects"."""

from annotations.choices import Role
from tests.browser.conftest import login
from tests.factories import MembershipFactory, ProjectFactory, UserFactory


def test_login_shows_my_projects(page, screenshot):
    user = UserFactory(username="anna")
    project = ProjectFactory(slug="demo-de", name="Finanznachrichten <b>Demo</b>")
    MembershipFactory(project=project, user=user, role=Role.ANNOTATOR)
    ProjectFactory(slug="secret-project")  # not a member: must not be listed

    page.goto("/")
    assert "/accounts/login/" in page.url
    login(page, "anna")
    page.wait_for_selector("[data-testid=start-demo-de]")
    assert page.locator("[data-testid=start-secret-project]").count() == 0
    # Names are escaped, never interpreted as markup.
    assert page.get_by_text("Finanznachrichten <b>Demo</b>").count() == 1
    screenshot("my-projects")


def test_wrong_password_is_refused(page):
    UserFactory(username="ben")
    login(page, "ben", "wrong")
    assert page.locator("[role=alert]").is_visible()
    assert "/accounts/login/" in page.url
