"""Refusals and failures on the annotation page keep the annotator's work (issue 12).

A refused submit, a server error (under DEBUG the answer is Django's debug page)
and a dropped connection during autosave: the page stays, the message appears
next to its cause and gets the focus, and after a reload nothing is lost.
Failures are produced by Playwright's routing in front of the real server.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.test_workspace_annotation import (
    my_annotation,
    select_with_mouse,
    setup_project,
    wait_saved,
)

DEBUG_PAGE = (
    "<!DOCTYPE html><html><head><title>ValueError at /save/</title></head>"
    "<body><h1 id='summary'>ValueError</h1><p>Traceback …</p></body></html>"
)


def open_article(page, project, article) -> None:
    login(page, "anna")
    page.goto(f"/projects/{project.slug}/articles/{article.pk}/")
    page.wait_for_selector("[data-testid=article-text] .seg")


def save_url(project, article) -> str:
    return f"**/projects/{project.slug}/articles/{article.pk}/save/"


def test_refused_submit_keeps_spans_and_answers_and_names_the_question(
    page, screenshot
):
    project, article, _ = setup_project(slug="refused")
    open_article(page, project, article)
    select_with_mouse(page, "Whitcombe")
    page.keyboard.press("2")
    page.check("[data-testid=question-sentiment-positive]")
    wait_saved(page)

    page.click("[data-testid=submit]")  # "bias" is required and unanswered
    message = page.locator("[data-testid=field-error-bias]")
    expect(message).to_be_visible()
    expect(message).to_have_text("Answer “Media bias” before submitting.")
    expect(message).to_be_focused()
    expect(page.locator("fieldset[data-question=bias]")).to_have_attribute(
        "aria-invalid", "true"
    )
    # Nothing was swapped away: text, span, answers and the form are all there.
    expect(page.locator(".seg.has-span[title='Person']")).to_have_count(1)
    expect(page.locator("[data-testid=question-sentiment-positive]")).to_be_checked()
    expect(page.locator("[data-testid=article-text]")).to_be_visible()
    screenshot("workspace-refused-submit")
    stored = my_annotation(page, article)
    assert stored["status"] == "draft"
    assert [(s["label"], s["text"]) for s in stored["spans"]] == [
        ("PERSON", "Whitcombe")
    ]

    page.check("[data-testid=question-bias-non_biased]")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=all-done]")
    assert my_annotation(page, article)["status"] == "submitted"


def test_empty_skip_reason_is_refused_next_to_the_field(page):
    project, article, _ = setup_project(slug="skip-empty")
    open_article(page, project, article)
    page.click("[data-testid=skip]")
    page.click("[data-testid=skip-confirm]")
    message = page.locator("[data-testid=field-error-skip_reason]")
    expect(message).to_have_text("Say why you skip this article.")
    expect(message).to_be_focused()
    expect(page.locator("[data-testid=article-text]")).to_be_visible()


def fail_saves(page, project, article, how: str) -> list[str]:
    """Make every save fail (``500`` with a debug page, or ``abort``); returns the log."""
    seen: list[str] = []

    def handle(route):
        seen.append(how)
        if how == "abort":
            route.abort("internetdisconnected")
        else:
            route.fulfill(status=500, content_type="text/html", body=DEBUG_PAGE)

    page.route(save_url(project, article), handle)
    return seen


def check_failure_loses_nothing(page, project, article, how: str, screenshot) -> None:
    open_article(page, project, article)
    seen = fail_saves(page, project, article, how)
    select_with_mouse(page, "Whitcombe")
    page.keyboard.press("2")
    page.check("[data-testid=question-sentiment-negative]")

    message = page.locator(
        "[data-testid=save-request-error] [data-testid=request-error]"
    )
    expect(message).to_be_visible()
    # The debug page never replaces the document, and the work is still on the page.
    expect(page.locator("#summary")).to_have_count(0)
    expect(page.locator(".seg.has-span[title='Person']")).to_have_count(1)
    expect(page.locator("#dirty-state")).to_contain_text("trying again")
    screenshot(f"workspace-autosave-{how}")
    # It retries with backoff (the first retry one second later).
    page.wait_for_timeout(1600)
    assert len(seen) >= 2
    nothing = page.request.get(f"/api/v1/articles/{article.pk}/my-annotation/")
    assert nothing.status == 404  # the server never got it

    # Reload while the server is still failing: the browser's copy comes back;
    # once the server answers again, the retried save stores it.
    page.on("dialog", lambda dialog: dialog.accept())
    page.reload()
    page.wait_for_selector("[data-testid=article-text] .seg")
    expect(page.locator("[data-testid=restored-draft]")).to_be_visible()
    expect(page.locator(".seg.has-span[title='Person']")).to_have_count(1)
    expect(page.locator("[data-testid=question-sentiment-negative]")).to_be_checked()
    page.unroute(save_url(project, article))
    try:
        wait_saved(page)
    finally:
        screenshot(f"workspace-autosave-{how}-restored")
    stored = my_annotation(page, article)
    assert [(s["label"], s["text"]) for s in stored["spans"]] == [
        ("PERSON", "Whitcombe")
    ]
    assert stored["labels"] == {"sentiment": "negative"}
    kept = page.evaluate(f"localStorage.getItem('newsroom:draft:{article.pk}')")
    assert kept is None  # the server has it now


def test_server_error_during_autosave_loses_nothing_after_reload(page, screenshot):
    project, article, _ = setup_project(slug="autosave-500")
    check_failure_loses_nothing(page, project, article, "500", screenshot)


def test_dropped_connection_during_autosave_loses_nothing_after_reload(
    page, screenshot
):
    project, article, _ = setup_project(slug="autosave-offline")
    check_failure_loses_nothing(page, project, article, "abort", screenshot)


def test_a_failed_autosave_is_retried_until_the_server_has_it(page):
    project, article, _ = setup_project(slug="autosave-retry")
    open_article(page, project, article)
    failures = {"left": 1}

    def flaky(route):
        if failures["left"]:
            failures["left"] -= 1
            route.fulfill(status=500, body="boom")
        else:
            route.continue_()

    page.route(save_url(project, article), flaky)
    page.check("[data-testid=question-sentiment-neutral]")
    expect(page.locator("[data-testid=request-error]")).to_be_visible()
    wait_saved(page)
    expect(page.locator("[data-testid=request-error]")).to_have_count(0)
    assert my_annotation(page, article)["labels"] == {"sentiment": "neutral"}


def test_htmx_failure_elsewhere_is_shown_in_place_not_swapped(page):
    """A 403 the server did not render for a slot (a proxy, a lost session) stays out."""
    project, article, _ = setup_project(slug="elsewhere")
    open_article(page, project, article)
    page.route(
        save_url(project, article),
        lambda route: route.fulfill(status=403, body="<h1>Forbidden</h1>"),
    )
    page.click("[data-testid=submit]")
    message = page.locator("[data-testid=request-error]")
    expect(message).to_contain_text("You may not do this here")
    expect(message).to_be_focused()
    expect(page.locator("h1", has_text="Forbidden")).to_have_count(0)
