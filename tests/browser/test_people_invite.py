"""An admin invites a new person by e-mail; the person sets a password through the link.

The mail goes through the configured backend (locmem in tests, the same process as
the live server); the link opens Django's set-a-password page, and the new
password logs the person in to their project.
"""

from __future__ import annotations

import re

from django.core import mail
from playwright.sync_api import expect

from annotations.choices import Role
from tests.browser.conftest import login
from tests.factories import ProjectFactory, team


def test_admin_invites_and_the_person_sets_a_password_and_logs_in(
    browser, page, live_server, screenshot
):
    project = ProjectFactory(slug="invite-demo", name="Invite demo")
    (admin,) = team(project, ["boss"], Role.ADMIN)
    login(page, admin.username)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"/projects/{project.slug}/")
    page.click("[data-testid=nav-settings]")
    page.get_by_role("link", name="Members").click()

    invite = page.locator("[data-testid=member-invite]")
    invite.locator("input[name=email]").fill("dora@example.org")
    invite.locator("select[name=role]").select_option("reviewer")
    invite.locator("[data-testid=invite-submit]").click()
    expect(page.locator(".messages")).to_contain_text(
        "Invitation sent to dora@example.org"
    )
    expect(page.locator("[data-testid=invited-dora]")).to_be_visible()
    screenshot("members-invited")

    (message,) = mail.outbox
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body).group(
        0
    )
    assert link.startswith(live_server.url)

    person = browser.new_context(base_url=live_server.url).new_page()
    person.goto(link)
    person.fill("#id_new_password1", "tulip-garden-81")
    person.fill("#id_new_password2", "tulip-garden-81")
    person.click("main form button[type=submit]")
    expect(person.locator("[data-testid=password-reset-complete]")).to_be_visible()
    login(person, "dora", "tulip-garden-81")
    expect(person.locator(f"[data-testid=start-{project.slug}]")).to_be_visible()
    expect(person.locator("[data-testid=nav-home]")).to_be_visible()
    person.context.close()
