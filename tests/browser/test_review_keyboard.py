"""The reviewer's keyboard in a real browser: the queue and adjudication.

Queue: j/k (and arrows) move between articles, Enter opens one; ordering by
disagreement puts the most disputed first. Adjudication: j/k move between span
rows, a accepts a span into gold, x takes one out, a digit relabels the focused
gold span or adds the selected text, ? opens the shortcut overlay. Every step is
checked against what the server stored.

``NEWSROOM_DOC_IMAGES=1`` also copies the final screenshot to
docs/img/adjudication.png (the picture in README and docs/adjudication.md): the
picture is refreshed on purpose, never as a side effect of a test run.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from playwright.sync_api import expect

from annotations.choices import Role
from annotations.models import GoldAnnotation
from tests.browser.test_adjudication import login
from tests.factories import ArticleFactory, ProjectFactory, annotate, span, team

DOCS_IMG = Path(__file__).resolve().parent.parent.parent / "docs" / "img"
TEXT = "Siemens shares rose 5% after Deutsche Bank upgraded them to buy."
AGREED = {"sentiment": "positive", "bias": "non_biased"}


def gold_spans(article) -> set[tuple[int, int, str]]:
    gold = GoldAnnotation.objects.filter(article=article).first()
    if gold is None:
        return set()
    return {(s.start, s.end, s.label) for s in gold.spans.all()}


def focused_row(page):
    return page.locator("tr[data-testid=span-row]:focus")


def select_text(page, phrase: str) -> None:
    """Select ``phrase`` in the article text as a mouse would (a DOM range)."""
    page.locator("#review-text").evaluate(
        """(box, phrase) => {
            const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
              const at = node.textContent.indexOf(phrase);
              if (at === -1) continue;
              const range = document.createRange();
              range.setStart(node, at);
              range.setEnd(node, at + phrase.length);
              const sel = window.getSelection();
              sel.removeAllRanges();
              sel.addRange(range);
              return;
            }
            throw new Error("phrase not found: " + phrase);
        }""",
        phrase,
    )


def test_queue_keyboard_and_disagreement_order(page, screenshot):
    project = ProjectFactory(slug="queue-keys", overlap=2)
    (reviewer,) = team(project, ["rev"], Role.REVIEWER)
    anna, ben = team(project, ["anna", "ben"])
    calm = ArticleFactory(project=project, text=TEXT, title="Everyone agrees")
    torn = ArticleFactory(project=project, text=TEXT, title="Nobody agrees")
    lonely = ArticleFactory(project=project, text=TEXT, title="Only one so far")
    siemens = span(TEXT, "Siemens", "ORG")
    for user in (anna, ben):
        annotate(calm, user, [siemens], AGREED)
    annotate(torn, anna, [siemens], AGREED)
    annotate(torn, ben, [], {"sentiment": "negative", "bias": "biased"})
    annotate(lonely, anna, [siemens], AGREED)

    login(page, reviewer.username)
    page.goto(f"/projects/{project.slug}/review/?order=disagreement")
    links = page.locator("[data-testid=review-item-link]")
    expect(links).to_have_text(["Nobody agrees", "Everyone agrees", "Only one so far"])
    scores = page.locator("[data-testid=review-item-score]")
    expect(scores.nth(0)).to_have_text("67 %")  # (½ + ½ + 1) / 3
    expect(scores.nth(1)).to_have_text("0 %")
    expect(scores.nth(2)).to_have_text("–")
    screenshot("review-queue")

    page.keyboard.press("j")
    expect(links.nth(0)).to_be_focused()
    page.keyboard.press("j")
    page.keyboard.press("ArrowDown")
    expect(links.nth(2)).to_be_focused()
    page.keyboard.press("k")
    expect(links.nth(1)).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/projects/{project.slug}/review/{calm.pk}/")

    # At least two submissions: the article only anna did is left out.
    page.goto(f"/projects/{project.slug}/review/?min_submitted=2")
    expect(links).to_have_count(2)
    page.select_option("[data-testid=filter-annotator]", "queue-keys-ben")
    page.select_option("#id_disagreement", "yes")
    page.click("[data-testid=filter-apply]")
    expect(links).to_have_text(["Nobody agrees"])


def open_adjudication(page, slug: str, anna_marks: list, ben_marks: list):
    """anna and ben submit ``*_marks`` (phrase, label) on TEXT; the reviewer opens it."""
    project = ProjectFactory(slug=slug, overlap=2)
    (reviewer,) = team(project, ["rev"], Role.REVIEWER)
    anna, ben = team(project, ["anna", "ben"])
    article = ArticleFactory(project=project, text=TEXT, title="Siemens upgrade")
    for user, marks in ((anna, anna_marks), (ben, ben_marks)):
        annotate(article, user, [span(TEXT, p, label) for p, label in marks], AGREED)
    login(page, reviewer.username)
    page.goto(f"/projects/{project.slug}/review/{article.pk}/")
    return article


def test_adjudication_by_keyboard(page, screenshot):
    marks = [("Siemens", "ORG"), ("Deutsche Bank", "ORG"), ("5%", "PERCENT")]
    article = open_adjudication(page, "adjudicate-keys", marks, marks[:1])
    bank = span(TEXT, "Deutsche Bank", "ORG")
    rows = page.locator("tr[data-testid=span-row]")
    expect(rows).to_have_count(3)  # Siemens (both, pre-filled), 5%, Deutsche Bank

    page.keyboard.press("?")
    expect(page.locator("[data-testid=shortcuts]")).to_be_visible()
    expect(page.locator("[data-testid=shortcuts]")).to_contain_text("accept")
    screenshot("review-shortcuts")
    page.keyboard.press("Escape")
    expect(page.locator("[data-testid=shortcuts]")).to_be_hidden()

    # j to the second row (5%), a accepts it; the focus moves on to the bank.
    page.keyboard.press("j")
    expect(focused_row(page)).to_have_attribute("data-span", "0-7-ORG")
    page.keyboard.press("j")
    expect(focused_row(page)).to_have_attribute("data-span", "20-22-PERCENT")
    page.keyboard.press("a")
    expect(page.locator('[data-span="20-22-PERCENT"]')).to_have_attribute(
        "data-in-gold", "true"
    )
    expect(focused_row(page)).to_have_attribute(
        "data-span", f"{bank['start']}-{bank['end']}-ORG"
    )
    assert (20, 22, "PERCENT") in gold_spans(article)

    # a on the bank, then k back and x takes 5% out again.
    page.keyboard.press("a")
    expect(
        page.locator(f'[data-span="{bank["start"]}-{bank["end"]}-ORG"]')
    ).to_have_attribute("data-in-gold", "true")
    page.keyboard.press("k")
    expect(focused_row(page)).to_have_attribute("data-span", "20-22-PERCENT")
    page.keyboard.press("x")
    expect(page.locator('[data-span="20-22-PERCENT"]')).to_have_attribute(
        "data-in-gold", "false"
    )
    assert gold_spans(article) == {(0, 7, "ORG"), (bank["start"], bank["end"], "ORG")}

    # 2 (PERSON) on the focused gold span relabels it, keeping its offsets.
    page.locator('[data-span="0-7-ORG"]').focus()
    page.keyboard.press("2")
    expect(page.locator('[data-span="0-7-PERSON"]')).to_have_attribute(
        "data-in-gold", "true"
    )
    expect(focused_row(page)).to_have_attribute("data-span", "0-7-PERSON")
    assert (0, 7, "PERSON") in gold_spans(article)
    assert (0, 7, "ORG") not in gold_spans(article)

    # The relabel menu does the same with the mouse.
    menu = page.locator('[data-span="0-7-PERSON"] [data-testid=relabel-select]')
    menu.select_option("ORG")
    expect(page.locator('[data-span="0-7-ORG"]')).to_have_attribute(
        "data-in-gold", "true"
    )

    # Selected text + 3 (INSTRUMENT) adds it to gold; the selection is trimmed.
    select_text(page, " buy.")
    page.keyboard.press("3")
    start = TEXT.index("buy.")
    expect(
        page.locator(f'[data-span="{start}-{start + 4}-INSTRUMENT"]')
    ).to_have_attribute("data-in-gold", "true")
    assert (start, start + 4, "INSTRUMENT") in gold_spans(article)
    page.locator('[data-span="0-7-ORG"]').focus()
    shot = screenshot("review-keyboard")
    if os.environ.get("NEWSROOM_DOC_IMAGES"):
        shutil.copy(shot, DOCS_IMG / "adjudication.png")


def test_keys_pressed_while_saving_wait_their_turn(page):
    """a a typed at once: both spans reach gold, none is refused as stale."""
    marks = [("5%", "PERCENT"), ("Deutsche Bank", "ORG")]
    article = open_adjudication(page, "keys-in-a-row", marks, [])
    bank = span(TEXT, "Deutsche Bank", "ORG")
    page.locator('[data-span="20-22-PERCENT"]').focus()
    for key in ("a", "a"):  # the second waits for the first and acts on the next row
        page.keyboard.press(key)
    bank_row = page.locator(f'[data-span="{bank["start"]}-{bank["end"]}-ORG"]')
    expect(bank_row).to_have_attribute("data-in-gold", "true")
    expect(page.locator('[data-span="20-22-PERCENT"]')).to_have_attribute(
        "data-in-gold", "true"
    )
    expect(page.locator("[data-testid=review-errors]")).to_be_empty()
    # Choices made in a row: the last one is what the gold keeps.
    select = page.locator("[data-testid=gold-select-sentiment]")
    select.select_option("negative")
    select.select_option("neutral")
    expect(page.locator("[data-testid=gold-answer-sentiment]")).to_have_text("neutral")
    expect(page.locator("[data-testid=review-errors]")).to_be_empty()
    gold = GoldAnnotation.objects.get(article=article)
    assert gold.labels["sentiment"] == "neutral"
    assert gold_spans(article) == {
        (20, 22, "PERCENT"),
        (bank["start"], bank["end"], "ORG"),
    }
