"""Refused adjudication actions are shown in place, in the reviewer's words.

Nothing the reviewer typed is swapped away: a submit refused for a missing
answer, a conflict with another reviewer, a server error and a dropped
connection each leave the note, the spans and the answers as they were, with
the message next to what caused it (or at the top of the page when the whole
page is stale).
"""

from __future__ import annotations

from playwright.sync_api import expect

from annotations.choices import GoldStatus, Role
from annotations.models import GoldAnnotation
from annotations.services.adjudication import gold_answer_set
from tests.browser.test_adjudication import login
from tests.factories import ArticleFactory, ProjectFactory, annotate, span, team

TEXT = "Siemens shares rose 5% after Deutsche Bank upgraded them to buy."
NOTE = "Bank counts as ORG; sentiment is positive."


def disputed_article(slug: str):
    """Two annotators who disagree on bias: the gold starts without a bias answer."""
    project = ProjectFactory(slug=slug, overlap=2)
    (reviewer,) = team(project, ["rev"], Role.REVIEWER)
    anna, ben = team(project, ["anna", "ben"])
    article = ArticleFactory(project=project, text=TEXT, title="Siemens upgrade")
    siemens = span(TEXT, "Siemens", "ORG")
    bank = span(TEXT, "Deutsche Bank", "ORG")
    annotate(
        article, anna, [siemens, bank], {"sentiment": "positive", "bias": "biased"}
    )
    annotate(article, ben, [siemens], {"sentiment": "positive", "bias": "non_biased"})
    return project, reviewer, article, bank


def open_review(page, project, reviewer, article) -> None:
    login(page, reviewer.username)
    page.goto(f"/projects/{project.slug}/review/{article.pk}/")


def test_refused_submit_keeps_the_note_and_names_the_question(page, screenshot):
    project, reviewer, article, bank = disputed_article("refuse-submit")
    open_review(page, project, reviewer, article)
    bank_row = f'[data-span="{bank["start"]}-{bank["end"]}-ORG"]'
    page.locator(f"{bank_row} [data-testid=accept-span]").click()
    expect(page.locator(bank_row)).to_have_attribute("data-in-gold", "true")
    page.fill("[data-testid=gold-note]", NOTE)

    page.click("[data-testid=submit]")
    errors = page.locator("[data-testid=finish-errors]")
    expect(errors).to_contain_text("Answer “Media bias” before submitting the gold.")
    expect(errors).not_to_contain_text("labels")
    expect(page.locator("[data-testid=gold-note]")).to_have_value(NOTE)
    expect(page.locator(bank_row)).to_have_attribute("data-in-gold", "true")
    screenshot("review-refused-submit")
    gold = GoldAnnotation.objects.get(article=article)
    assert gold.status == GoldStatus.DRAFT

    # Answering the question saves it at once; the typed note survives the swap.
    page.select_option("[data-testid=gold-select-bias]", "biased")
    expect(page.locator("[data-testid=gold-answer-bias]")).to_have_text("biased")
    expect(page.locator("[data-testid=finish-errors]")).to_be_empty()
    expect(page.locator("[data-testid=gold-note]")).to_have_value(NOTE)
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=gold-status]")).to_contain_text("Final")
    gold.refresh_from_db()
    assert gold.status == GoldStatus.FINAL
    assert gold.note == NOTE
    assert gold.labels["bias"] == "biased"


def test_refusals_in_german(page):
    project, reviewer, article, _bank = disputed_article("refuse-de")
    login(page, reviewer.username)
    page.click("[data-testid=language-de]")
    page.goto(f"/projects/{project.slug}/review/{article.pk}/")
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=finish-errors]")).to_contain_text(
        "Beantworten Sie „Media bias“, bevor Sie das Gold abgeben."
    )


def test_conflict_with_another_reviewer_is_shown_at_the_top(page):
    project, reviewer, article, bank = disputed_article("refuse-conflict")
    open_review(page, project, reviewer, article)
    page.fill("[data-testid=gold-note]", NOTE)
    # Meanwhile another reviewer saves the gold: this page is now stale.
    other = team(project, ["rev2"], Role.REVIEWER)[0]
    gold_answer_set(
        article=article, reviewer=other, question="bias", value="biased", version=None
    )
    bank_row = f'[data-span="{bank["start"]}-{bank["end"]}-ORG"]'
    page.locator(f"{bank_row} [data-testid=accept-span]").click()
    errors = page.locator("[data-testid=review-errors]")
    expect(errors).to_contain_text("Someone changed this gold meanwhile")
    expect(errors.locator("[data-testid=reload]")).to_be_visible()
    expect(page.locator("[data-testid=gold-note]")).to_have_value(NOTE)
    expect(page.locator(bank_row)).to_have_attribute("data-in-gold", "false")
    assert GoldAnnotation.objects.get(article=article).version == 1


def test_server_error_and_dropped_connection_lose_nothing(page):
    project, reviewer, article, bank = disputed_article("refuse-network")
    open_review(page, project, reviewer, article)
    page.fill("[data-testid=gold-note]", NOTE)
    bank_row = f'[data-span="{bank["start"]}-{bank["end"]}-ORG"]'
    spans_url = f"**/review/{article.pk}/spans/"

    page.route(spans_url, lambda route: route.abort("internetdisconnected"))
    page.locator(f"{bank_row} [data-testid=accept-span]").click()
    errors = page.locator("[data-testid=review-errors]")
    expect(errors).to_contain_text("No connection to the server")
    expect(page.locator("[data-testid=gold-note]")).to_have_value(NOTE)
    page.unroute(spans_url)

    page.route(spans_url, lambda route: route.fulfill(status=500, body="boom"))
    page.locator(f"{bank_row} [data-testid=accept-span]").click()
    expect(errors).to_contain_text("error 500")
    expect(page.locator("[data-testid=gold-note]")).to_have_value(NOTE)
    page.unroute(spans_url)
    assert not GoldAnnotation.objects.filter(article=article).exists()

    # Back online, the same click works and the message goes away.
    page.locator(f"{bank_row} [data-testid=accept-span]").click()
    expect(page.locator(bank_row)).to_have_attribute("data-in-gold", "true")
    expect(errors).to_be_empty()
    expect(page.locator("[data-testid=gold-note]")).to_have_value(NOTE)
