"""The annotation workspace in a real browser: mouse selection, shortcuts, suggestions, saving.

Every test checks what the server stored (through the API with the same
browser session), not only what the page shows.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from playwright.sync_api import expect

from annotations.choices import AnnotationStatus, Role
from annotations.models import Annotation, Prediction
from annotations.services.annotations import annotation_save
from annotations.services.queue import assignment_claim
from tests.browser.conftest import login
from tests.factories import (
    ArticleFactory,
    MembershipFactory,
    ProjectFactory,
    UserFactory,
)

DOCS_IMG = Path(__file__).resolve().parent.parent.parent / "docs" / "img"

TEXT = (
    "Kestrel Semiconductors Inc. reported third-quarter revenue of $3.41bn, up 14% "
    "from a year earlier.\n\n"
    "Chief Executive Dana Whitcombe said orders from cloud operators remained "
    "strong. Kestrel shares rose 4.2% in pre-market trading."
)


def offsets(text: str, fragment: str) -> tuple[int, int]:
    start = text.index(fragment)
    return start, start + len(fragment)


def suggestion(text: str, fragment: str, label: str, score: float) -> dict:
    start, end = offsets(text, fragment)
    return {
        "start": start,
        "end": end,
        "label": label,
        "text": fragment,
        "score": score,
    }


def setup_project(slug: str = "demo-en", text: str = TEXT, **article_fields):
    annotator = UserFactory(username="anna")
    project = ProjectFactory(slug=slug, name="Financial news (English)")
    MembershipFactory(project=project, user=annotator, role=Role.ANNOTATOR)
    article = ArticleFactory(
        project=project,
        title="Kestrel beats forecasts",
        text=text,
        meta={"source": "Newsroom Demo Wire", "published_at": "2026-10-21T11:05:00Z"},
        **article_fields,
    )
    assignment_claim(article=article, user=annotator)  # handed out (pages never claim)
    return project, article, annotator


def select_with_mouse(page, fragment: str, occurrence: int = 0) -> None:
    """Drag the mouse from inside the first to inside the last character of ``fragment``."""
    box = page.evaluate(
        """([fragment, occurrence]) => {
            const root = document.querySelector('[data-testid=article-text]');
            const data = JSON.parse(document.getElementById('workspace-data').textContent);
            let start = -1;
            for (let i = 0; i <= occurrence; i++) start = data.text.indexOf(fragment, start + 1);
            const end = start + fragment.length;
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            const range = document.createRange();
            let seen = 0, node;
            while ((node = walker.nextNode())) {
                const len = node.data.length;
                if (seen <= start && start < seen + len) range.setStart(node, start - seen);
                if (seen < end && end <= seen + len) { range.setEnd(node, end - seen); break; }
                seen += len;
            }
            const rects = range.getClientRects();
            const first = rects[0], last = rects[rects.length - 1];
            return {x1: first.left + 1, y1: first.top + first.height / 2,
                    x2: last.right - 1, y2: last.top + last.height / 2};
        }""",
        [fragment, occurrence],
    )
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move((box["x1"] + box["x2"]) / 2, (box["y1"] + box["y2"]) / 2, steps=3)
    page.mouse.move(box["x2"], box["y2"], steps=3)
    page.mouse.up()


def my_annotation(page, article) -> dict:
    response = page.request.get(f"/api/v1/articles/{article.pk}/my-annotation/")
    assert response.status == 200, response.text()
    return response.json()


def wait_saved(page) -> None:
    page.wait_for_selector("[data-testid=saved]")
    expect(page.locator("#dirty-state")).to_have_text("")


def test_label_accept_reject_answer_submit_and_check_the_api(page, screenshot):
    project, article, _ = setup_project()
    Prediction.objects.create(
        article=article,
        pipeline="fin-en",
        pipeline_version="1.0",
        spans=[
            suggestion(TEXT, "Kestrel Semiconductors Inc.", "ORG", 0.93),
            suggestion(TEXT, "$3.41bn", "MONEY", 0.88),
            suggestion(TEXT, "14%", "PERCENT", 0.61),
        ],
        labels={"sentiment": {"positive": 0.7, "neutral": 0.2, "negative": 0.1}},
        evidence=[
            {"question": "sentiment", "spans": [suggestion(TEXT, "strong", "POS", 0.8)]}
        ],
    )
    login(page, "anna")
    page.click(f"[data-testid=start-{project.slug}]")
    page.wait_for_selector("[data-testid=article-text] [data-testid=suggestion]")
    assert page.locator("[data-testid=suggestion]").count() == 3
    first = page.locator("[data-testid=suggestion]").first
    assert "0.93" in first.get_attribute("title")

    # Part of a word selected with the mouse snaps to the whole word; 2 = PERSON.
    select_with_mouse(page, "itcomb")
    page.keyboard.press("2")
    page.wait_for_selector(".seg.has-span[title='Person']")

    # Accept the first suggestion with a, reject the next one with x.
    first.focus()
    page.keyboard.press("a")
    page.keyboard.press("x")
    assert page.locator("[data-testid=suggestion]").count() == 1  # 14% is left

    page.check("[data-testid=question-sentiment-positive]")
    page.check("[data-testid=question-bias-non_biased]")
    wait_saved(page)
    draft = my_annotation(page, article)
    assert draft["status"] == "draft"
    assert page.locator("#span-list li[data-span]").count() == 2
    shot = screenshot("annotation-page")
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, DOCS_IMG / "annotation-page.png")

    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=all-done]")

    stored = my_annotation(page, article)
    assert stored["status"] == "submitted"
    assert stored["labels"] == {"sentiment": "positive", "bias": "non_biased"}
    spans = {(s["label"], s["text"]): s for s in stored["spans"]}
    assert set(spans) == {
        ("PERSON", "Whitcombe"),
        ("ORG", "Kestrel Semiconductors Inc."),
    }
    person = spans[("PERSON", "Whitcombe")]
    assert (person["start"], person["end"]) == offsets(TEXT, "Whitcombe")
    assert person["origin"] == "manual"
    org = spans[("ORG", "Kestrel Semiconductors Inc.")]
    assert (org["start"], org["end"]) == offsets(TEXT, "Kestrel Semiconductors Inc.")
    assert org["origin"] == "suggestion_accepted"
    assert stored["lead_time_ms"] > 0


def test_span_across_an_emoji_and_an_umlaut_keeps_code_point_offsets(page):
    text = "Anleger 📉 fliehen aus der Bayer-Aktie 🚀 – Börse in Zürich\r\nschließt früher."
    project, article, _ = setup_project(slug="emoji", text=text)
    login(page, "anna")
    page.goto(f"/projects/{project.slug}/articles/{article.pk}/")
    page.wait_for_selector("[data-testid=article-text] .seg")

    select_with_mouse(page, "📉 fliehen")
    page.keyboard.press("7")  # LOADED
    select_with_mouse(page, "Aktie 🚀 – Börse")
    page.click("[data-testid=label-INSTRUMENT]")
    select_with_mouse(page, "Zürich\r\nschließt")
    page.keyboard.press("9")  # SPECULATION
    wait_saved(page)

    stored = my_annotation(page, article)
    by_label = {s["label"]: s for s in stored["spans"]}
    for label, fragment in [
        ("LOADED", "📉 fliehen"),
        ("INSTRUMENT", "Aktie 🚀 – Börse"),
        ("SPECULATION", "Zürich\r\nschließt"),
    ]:
        span = by_label[label]
        assert span["text"] == fragment
        assert (span["start"], span["end"]) == offsets(text, fragment)
        assert text[span["start"] : span["end"]] == fragment


def test_relabel_and_delete_a_span_with_the_keyboard(page):
    project, article, _ = setup_project(slug="edit")
    login(page, "anna")
    page.goto(f"/projects/{project.slug}/articles/{article.pk}/")
    page.wait_for_selector("[data-testid=article-text] .seg")
    select_with_mouse(page, "Kestrel", occurrence=1)
    page.keyboard.press("1")
    page.click(".seg.has-span")  # select the span
    page.keyboard.press("3")  # relabel as INSTRUMENT
    wait_saved(page)
    assert [(s["label"], s["text"]) for s in my_annotation(page, article)["spans"]] == [
        ("INSTRUMENT", "Kestrel")
    ]
    page.click(".seg.has-span")
    page.keyboard.press("Delete")
    expect(page.locator("[data-testid=article-text] .has-span")).to_have_count(0)
    page.wait_for_selector("#span-list li.muted")
    wait_saved(page)
    assert my_annotation(page, article)["spans"] == []


def test_two_tabs_on_the_same_annotation_conflict_visibly(page):
    project, article, annotator = setup_project(slug="tabs")
    annotation_save(article=article, annotator=annotator, spans=[], labels={})
    login(page, "anna")
    url = f"/projects/{project.slug}/articles/{article.pk}/"
    page.goto(url)
    other = page.context.new_page()
    other.goto(url)
    other.wait_for_selector("[data-testid=article-text] .seg")
    page.wait_for_selector("[data-testid=article-text] .seg")

    page.check("[data-testid=question-sentiment-negative]")
    wait_saved(page)

    select_with_mouse(other, "Whitcombe")
    other.keyboard.press("2")
    other.wait_for_selector("[data-testid=conflict]")
    assert other.locator("[data-testid=reload]").is_visible()
    # The draft of the second tab stays on its page, nothing was overwritten.
    assert other.locator(".seg.has-span").count() == 1
    stored = my_annotation(page, article)
    assert stored["labels"] == {"sentiment": "negative"}
    assert stored["spans"] == []

    other.click("[data-testid=reload]")
    other.wait_for_selector("[data-testid=article-text] .seg")
    assert other.is_checked("[data-testid=question-sentiment-negative]")
    assert other.locator(".seg.has-span").count() == 0


def test_article_html_is_shown_as_text(page):
    text = "Before <script>window.__xss = 1</script> and <b>bold</b> &amp; after."
    project, article, _ = setup_project(slug="xss", text=text)
    login(page, "anna")
    page.goto(f"/projects/{project.slug}/articles/{article.pk}/")
    page.wait_for_selector("[data-testid=article-text] .seg")
    assert page.evaluate("window.__xss") is None
    assert page.locator("[data-testid=article-text] b").count() == 0
    assert page.locator("[data-testid=article-text]").inner_text() == text
    select_with_mouse(page, "<b>bold</b>")
    page.keyboard.press("7")
    wait_saved(page)
    assert my_annotation(page, article)["spans"][0]["text"] == "<b>bold</b>"


def test_annotator_b_does_not_see_annotator_a(page):
    project, article, anna = setup_project(slug="blind")
    ben = UserFactory(username="ben")
    MembershipFactory(project=project, user=ben, role=Role.ANNOTATOR)
    start, end = offsets(TEXT, "Whitcombe")
    annotation_save(
        article=article,
        annotator=anna,
        spans=[{"start": start, "end": end, "label": "PERSON", "text": "Whitcombe"}],
        labels={"sentiment": "negative", "bias": "biased"},
        status=AnnotationStatus.SUBMITTED,
    )
    login(page, "ben")
    page.click(f"[data-testid=start-{project.slug}]")
    page.wait_for_selector("[data-testid=article-text] .seg")
    assert page.url.endswith(f"/articles/{article.pk}/")
    assert page.locator(".seg.has-span").count() == 0
    assert page.locator("#span-list li.muted").count() == 1
    assert not page.is_checked("[data-testid=question-sentiment-negative]")
    assert "anna" not in page.content()
    assert (
        page.request.get(f"/api/v1/articles/{article.pk}/my-annotation/").status == 404
    )
    assert Annotation.objects.filter(article=article).count() == 1


def test_german_interface(page):
    project, article, _ = setup_project(slug="deutsch")
    login(page, "anna")
    page.click("[data-testid=language-de]")
    page.wait_for_selector("text=Meine Projekte")
    page.goto(f"/projects/{project.slug}/articles/{article.pk}/")
    assert page.locator("[data-testid=submit]").inner_text().startswith("Absenden")
    assert page.locator("html").get_attribute("lang") == "de"
    assert "21. Oktober 2026" in page.locator(".article-meta").inner_text()


def test_select_and_label_with_the_keyboard_only(page):
    """Tab into the text, move word by word, extend with Shift, label with a digit."""
    text = "Kurs 📉 der Société Générale fällt\r\nheute."
    project, article, _ = setup_project(slug="keys", text=text)
    login(page, "anna")
    page.goto(f"/projects/{project.slug}/articles/{article.pk}/")
    page.wait_for_selector("[data-testid=article-text] .seg")
    page.focus("[data-testid=article-text]")
    for _ in range(3):  # Kurs | der | Société  (the emoji is not a word)
        page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")  # back to the start of "Société"
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")  # "Société Générale"
    page.keyboard.press("1")  # ORG
    wait_saved(page)

    (span,) = my_annotation(page, article)["spans"]
    assert (span["label"], span["text"]) == ("ORG", "Société Générale")
    assert (span["start"], span["end"]) == offsets(text, "Société Générale")
