"""Skip, submit and next are distinct, safe actions (issue 12), in chromium."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.test_workspace_annotation import (
    my_annotation,
    setup_project,
    wait_saved,
)
from tests.factories import ArticleFactory


def test_enter_in_the_skip_field_does_not_submit(page, screenshot):
    project, article, _ = setup_project(slug="skip-enter")
    login(page, "anna")
    page.click(f"[data-testid=start-{project.slug}]")
    page.wait_for_selector("[data-testid=article-text] .seg")
    # Every required question answered: a submit would pass if Enter triggered it.
    page.check("[data-testid=question-sentiment-neutral]")
    page.check("[data-testid=question-bias-non_biased]")
    wait_saved(page)
    page.click("[data-testid=skip]")
    page.fill("#skip-reason", "Wrong language")
    page.press("#skip-reason", "Enter")
    page.wait_for_timeout(1500)  # time for a (wrong) submit to reach the server
    expect(page.locator("[data-testid=article-text]")).to_be_visible()
    assert my_annotation(page, article)["status"] == "draft"
    screenshot("workspace-skip-enter")

    page.click("[data-testid=skip-confirm]")
    page.wait_for_selector("[data-testid=all-done]")
    stored = my_annotation(page, article)
    assert (stored["status"], stored["skip_reason"]) == ("skipped", "Wrong language")


def test_next_leaves_a_draft_for_another_article_and_progress_says_what_is_left(page):
    project, first, _ = setup_project(slug="next-flow")
    second = ArticleFactory(project=project, title="Second article")
    login(page, "anna")
    page.click(f"[data-testid=start-{project.slug}]")
    page.wait_for_selector("[data-testid=article-text] .seg")
    expect(page.locator("[data-testid=progress-text]")).to_have_text("0 done · 2 left")
    page.check("[data-testid=question-sentiment-neutral]")
    wait_saved(page)

    page.click("[data-testid=next]")
    expect(page.locator("#article-title")).to_have_text("Second article")
    assert page.url.endswith(f"/articles/{second.pk}/")
    page.click("[data-testid=next]")  # back to the open draft, not this one again
    assert page.url.endswith(f"/articles/{first.pk}/")
    expect(page.locator("[data-testid=question-sentiment-neutral]")).to_be_checked()
