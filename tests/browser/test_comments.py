"""Comments between an annotator and a reviewer, in chromium (issue 12): a round trip."""

from __future__ import annotations

from playwright.sync_api import expect

from annotations.choices import Role
from tests.browser.conftest import login
from tests.browser.test_workspace_annotation import setup_project
from tests.factories import MembershipFactory, UserFactory


def test_comment_round_trip_between_annotator_and_reviewer(
    browser, live_server, screenshot, page
):
    project, article, _ = setup_project(slug="talk")
    rita = UserFactory(username="rita")
    MembershipFactory(project=project, user=rita, role=Role.REVIEWER)

    login(page, "anna")
    page.goto(f"/projects/{project.slug}/articles/{article.pk}/")
    comments = page.locator("[data-testid=comments]")
    expect(comments).to_contain_text("No comments yet.")
    page.click("[data-testid=comment-send]")  # empty: refused in place
    expect(page.locator("[data-testid=comment-errors]")).to_contain_text(
        "Write a comment first."
    )
    expect(page.locator("[data-testid=article-text]")).to_be_visible()
    page.fill("[data-testid=comment-input]", "Is <Kestrel> the ORG here?")
    page.click("[data-testid=comment-send]")
    expect(page.locator("[data-testid=comment]")).to_have_count(1)
    expect(page.locator("[data-testid=comment-body-text]")).to_have_text(
        "Is <Kestrel> the ORG here?"
    )

    other = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 800}
    )
    review = other.new_page()
    review.set_default_timeout(10_000)
    login(review, "rita")
    review.goto(f"/projects/{project.slug}/review/{article.pk}/")
    expect(review.locator("[data-testid=comment-body-text]")).to_have_text(
        "Is <Kestrel> the ORG here?"
    )
    review.select_option("[data-testid=comment-annotator]", "anna")
    review.fill("[data-testid=comment-input]", "Yes, the company is ORG.")
    review.click("[data-testid=comment-send]")
    expect(review.locator("[data-testid=comment]")).to_have_count(2)
    other.close()

    page.reload()
    expect(page.locator("[data-testid=comment]")).to_have_count(2)
    expect(page.locator("[data-testid=comment-body-text]").nth(1)).to_have_text(
        "Yes, the company is ORG."
    )
    screenshot("workspace-comments")
