"""Adjudication in a real browser: two annotators submit, a reviewer makes gold.

The reviewer opens the review page, accepts the span only one annotator marked,
picks the disputed answer with one click and submits; the gold is then read
back through the API and the gold export.
"""

import json

from playwright.sync_api import expect

from annotations.choices import GoldStatus, Role
from annotations.models import GoldAnnotation
from tests.factories import ArticleFactory, ProjectFactory, annotate, span, team


def login(page, username: str, password: str = "pw") -> None:
    """Log in by pressing Enter in the password field (the top bar has other buttons)."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.press("#id_password", "Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


TEXT = "Siemens shares rose 5% after Deutsche Bank upgraded them to buy."


def test_reviewer_accepts_spans_into_gold_and_submits(page, screenshot):
    project = ProjectFactory(slug="review-demo", overlap=2)
    reviewer = team(project, ["rev"], Role.REVIEWER)[0]
    anna, ben = team(project, ["anna", "ben"])
    article = ArticleFactory(project=project, text=TEXT, title="Siemens upgrade")
    siemens = span(article.text, "Siemens", "ORG")
    bank = span(article.text, "Deutsche Bank", "ORG")
    annotate(
        article, anna, [siemens, bank], {"sentiment": "positive", "bias": "biased"}
    )
    annotate(article, ben, [siemens], {"sentiment": "positive", "bias": "non_biased"})

    login(page, reviewer.username)
    page.goto(f"/projects/{project.slug}/review/{article.pk}/")
    bank_row = page.locator(
        f'[data-testid=span-row][data-span="{bank["start"]}-{bank["end"]}-ORG"]'
    )
    siemens_row = page.locator('[data-testid=span-row][data-span="0-7-ORG"]')
    # The majority (Siemens, marked by both) is pre-filled; the bank is disputed.
    assert siemens_row.get_attribute("data-in-gold") == "true"
    assert bank_row.get_attribute("data-in-gold") == "false"
    assert "disagree" in bank_row.get_attribute("class")
    screenshot("review-before")

    bank_row.locator("[data-testid=accept-span]").click()
    page.wait_for_selector(
        f'[data-span="{bank["start"]}-{bank["end"]}-ORG"][data-in-gold="true"]'
    )
    page.locator("[data-testid=use-answer-bias-biased]").click()
    expect(page.locator("[data-testid=gold-answer-bias]")).to_contain_text("biased")
    page.fill("[data-testid=gold-note]", "Deutsche Bank is an ORG too.")
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=gold-status]")).to_contain_text("Final")
    screenshot("review-after")

    gold = GoldAnnotation.objects.get(article=article)
    assert gold.status == GoldStatus.FINAL
    response = page.request.get(f"/api/v1/articles/{article.pk}/gold/")
    assert response.status == 200
    body = response.json()
    assert body["status"] == "submitted"
    assert {(s["start"], s["end"], s["label"]) for s in body["spans"]} == {
        (siemens["start"], siemens["end"], "ORG"),
        (bank["start"], bank["end"], "ORG"),
    }
    assert body["labels"] == {"sentiment": "positive", "bias": "biased"}
    assert body["note"] == "Deutsche Bank is an ORG too."

    export = page.request.get(
        f"/api/v1/projects/{project.pk}/export/?format=jsonl&source=gold"
    )
    assert export.status == 200
    lines = [json.loads(line) for line in export.text().splitlines() if line.strip()]
    row = next(line for line in lines if line["id"] == article.pk)
    assert {s["text"] for s in row["spans"]} == {"Siemens", "Deutsche Bank"}
    assert row["labels"]["bias"] == "biased"


def test_annotator_cannot_open_the_review_page(page):
    project = ProjectFactory(slug="review-closed")
    (anna,) = team(project, ["anna"])
    article = ArticleFactory(project=project, text=TEXT)
    login(page, anna.username)
    response = page.goto(f"/projects/{project.slug}/review/{article.pk}/")
    assert response.status == 403
    api = page.request.get(f"/api/v1/projects/{project.pk}/agreement/")
    assert api.status == 403
