"""Keyboard work on the annotation page (issue 12): word selection with a caret,
undo/redo, relabelling with a digit or the label palette, the ? overlay, and
mouse selection inside a focused suggestion. Checked against what the server stored.
"""

from __future__ import annotations

from playwright.sync_api import expect

from annotations.default_scheme import default_scheme
from annotations.models import Prediction
from tests.browser.conftest import login
from tests.browser.test_workspace_annotation import (
    TEXT,
    my_annotation,
    select_with_mouse,
    setup_project,
    suggestion,
    wait_saved,
)


def open_page(page, project, article) -> None:
    login(page, "anna")
    page.goto(f"/projects/{project.slug}/articles/{article.pk}/")
    page.wait_for_selector("[data-testid=article-text] .seg")


def stored_spans(page, article) -> list[tuple]:
    return [
        (s["label"], s["text"], s["origin"], s.get("attributes") or {})
        for s in my_annotation(page, article)["spans"]
    ]


def test_keyboard_selection_leaves_out_punctuation_and_shows_a_caret(page, screenshot):
    project, article, _ = setup_project(slug="kb-trim")
    open_page(page, project, article)
    page.focus("[data-testid=article-text]")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # caret after "Semiconductors"
    expect(page.locator("[data-testid=caret]")).to_have_count(1)
    page.keyboard.press("Shift+ArrowRight")  # " Inc"
    page.keyboard.press("Shift+ArrowRight")  # " Inc. reported"
    screenshot("workspace-keyboard-caret")
    page.keyboard.press("1")
    wait_saved(page)
    assert [s[:2] for s in stored_spans(page, article)] == [("ORG", "Inc. reported")]


def test_undo_after_deleting_a_span_restores_it_exactly_and_redo_removes_it(page):
    project, article, _ = setup_project(slug="kb-undo")
    Prediction.objects.create(
        article=article,
        pipeline="fin-en",
        pipeline_version="1.0",
        spans=[suggestion(TEXT, "Kestrel Semiconductors Inc.", "ORG", 0.93)],
    )
    open_page(page, project, article)
    page.locator("[data-testid=suggestion]").first.focus()
    page.keyboard.press("a")
    page.check("[data-testid=question-sentiment-positive]")
    wait_saved(page)
    before = stored_spans(page, article)
    assert before == [
        (
            "ORG",
            "Kestrel Semiconductors Inc.",
            "suggestion_accepted",
            {"suggested_label": "ORG", "score": 0.93},
        )
    ]
    page.click(".seg.has-span")
    page.keyboard.press("Delete")
    wait_saved(page)
    assert stored_spans(page, article) == []

    page.keyboard.press("Control+z")
    expect(page.locator(".seg.has-span")).not_to_have_count(0)
    wait_saved(page)
    assert stored_spans(page, article) == before
    page.keyboard.press("Control+z")  # the answer goes back too
    expect(
        page.locator("[data-testid=question-sentiment-positive]")
    ).not_to_be_checked()
    page.keyboard.press("Control+Shift+z")
    expect(page.locator("[data-testid=question-sentiment-positive]")).to_be_checked()
    page.keyboard.press("Control+Shift+z")
    expect(page.locator(".seg.has-span")).to_have_count(0)
    wait_saved(page)
    assert stored_spans(page, article) == []


def test_more_than_ten_labels_through_the_palette_and_relabel_with_a_digit(page):
    scheme = default_scheme("en")
    scheme["span_labels"] += [
        {"key": "PRODUCT", "name": "Product", "color": "#336699"},
        {"key": "REGULATOR", "name": "Regulator", "color": "#993366"},
    ]
    project, article, _ = setup_project(slug="kb-palette")
    project.scheme = scheme
    project.save()
    open_page(page, project, article)
    select_with_mouse(page, "cloud operators")
    page.keyboard.press("/")
    expect(page.locator("[data-testid=label-palette]")).to_be_visible()
    page.keyboard.type("regul")
    expect(page.locator("#palette-list li")).to_have_count(1)
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=label-palette]")).not_to_be_visible()
    wait_saved(page)
    assert [s[:2] for s in stored_spans(page, article)] == [
        ("REGULATOR", "cloud operators")
    ]
    page.click(".seg.has-span")  # select the span, relabel it through the palette
    page.keyboard.press("/")
    page.keyboard.type("prod")
    page.keyboard.press("Enter")
    wait_saved(page)
    assert [s[:2] for s in stored_spans(page, article)] == [
        ("PRODUCT", "cloud operators")
    ]
    page.click(".seg.has-span")
    page.keyboard.press("2")  # and back to a digit label
    wait_saved(page)
    assert [s[:2] for s in stored_spans(page, article)] == [
        ("PERSON", "cloud operators")
    ]


def test_question_mark_shows_the_shortcuts(page, screenshot):
    project, article, _ = setup_project(slug="kb-help")
    open_page(page, project, article)
    page.keyboard.press("?")
    overlay = page.locator("[data-testid=ws-shortcuts]")
    expect(overlay).to_be_visible()
    expect(overlay).to_contain_text("Ctrl")
    screenshot("workspace-shortcuts")
    page.keyboard.press("Escape")
    expect(overlay).not_to_be_visible()


def test_mouse_selection_inside_the_focused_suggestion_labels_that_text(page):
    project, article, _ = setup_project(slug="kb-inside")
    Prediction.objects.create(
        article=article,
        pipeline="fin-en",
        pipeline_version="1.0",
        spans=[suggestion(TEXT, "Kestrel Semiconductors Inc.", "ORG", 0.93)],
    )
    open_page(page, project, article)
    page.locator("[data-testid=suggestion]").first.focus()
    select_with_mouse(page, "Semiconductors")
    page.keyboard.press("3")
    wait_saved(page)
    assert [s[:3] for s in stored_spans(page, article)] == [
        ("INSTRUMENT", "Semiconductors", "manual")
    ]
