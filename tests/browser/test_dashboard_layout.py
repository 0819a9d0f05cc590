"""The dashboard fits a 13-inch laptop: nothing overflows its card, no name is clipped.

Seven annotators with long names, the default scheme in English and in German
(long choice and label names), at 1280×800 and 1440×900. For every card, table,
chart, legend and the text inside them the test asserts, in the browser, that
nothing scrolls (``scrollWidth <= clientWidth``) and that every box lies inside
its card (and every SVG text inside its SVG). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import random

import pytest
from playwright.sync_api import expect

from annotations.choices import Role
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_adjudication import login
from tests.factories import ArticleFactory, ProjectFactory, annotate, team

NAMES = [
    "anna-katharina",
    "ben",
    "christina-maria.schneider",
    "dimitrios.papadopoulos",
    "eva",
    "frederik-wilhelmsen",
    "gülşen",
]
TEXTS = {
    "en": "Deutsche Bank shares rose 5% after Goldman Sachs upgraded them to buy.",
    "de": "Die Aktie der Deutschen Bank stieg um 5 Prozent nach einer Kaufempfehlung.",
}

# Returns a list of problems: boxes outside their card, elements that scroll.
CHECK = """(root) => {
  const problems = [];
  const describe = (el) => {
    const card = el.closest('.card');
    const where = card ? (card.dataset.testid || '') : '';
    const text = (el.textContent || '').trim().slice(0, 40);
    return `${where} <${el.tagName.toLowerCase()}> "${text}"`;
  };
  const inside = (inner, outer) =>
    inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5;
  for (const card of root.querySelectorAll('.card')) {
    const box = card.getBoundingClientRect();
    if (card.scrollWidth > card.clientWidth) {
      problems.push(`${describe(card)} scrolls: ${card.scrollWidth} > ${card.clientWidth}`);
    }
    const parts = card.querySelectorAll(
      'table, thead, tbody, tr, th, td, figure, figcaption, .legend, li, p, h3, h4, ' +
      'span, code, strong, a, svg, text'
    );
    for (const el of parts) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (!inside(r, box)) {
        problems.push(`${describe(el)} leaves its card: ${r.left}-${r.right} not in ${box.left}-${box.right}`);
      }
      if (!(el instanceof SVGElement) && el.clientWidth > 0 && el.scrollWidth > el.clientWidth) {
        problems.push(`${describe(el)} clips: ${el.scrollWidth} > ${el.clientWidth}`);
      }
    }
    for (const text of card.querySelectorAll('svg text')) {
      const r = text.getBoundingClientRect();
      const svg = text.ownerSVGElement.getBoundingClientRect();
      if (!inside(r, svg) || r.top < svg.top - 0.5 || r.bottom > svg.bottom + 0.5) {
        problems.push(`${describe(text)} is cut by its chart`);
      }
    }
  }
  return problems;
}"""


def busy_project(language: str):
    """Seven annotators on six articles, answers and spans drawn at random (seeded)."""
    project = ProjectFactory(slug=f"dash-{language}", language=language, overlap=7)
    (reviewer,) = team(project, ["reviewer"], Role.REVIEWER)
    users = team(project, NAMES)
    scheme = project.parsed_scheme
    text = TEXTS[language]
    words = [(text.index(w), text.index(w) + len(w)) for w in text.split()[:6]]
    rng = random.Random(7)
    for index in range(6):
        article = ArticleFactory(project=project, text=text, title=f"Article {index}")
        for user in users:
            labels = {}
            for question in scheme.questions:
                keys = list(question.choice_keys)
                labels[question.key] = (
                    rng.sample(keys, 2) if question.multiple else rng.choice(keys)
                )
            spans = [
                {
                    "start": start,
                    "end": end,
                    "label": rng.choice(scheme.span_label_keys),
                    "text": text[start:end],
                }
                for start, end in rng.sample(words, 3)
            ]
            annotate(article, user, spans, labels)
    return project, reviewer


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_card_fits_at_laptop_sizes(browser, live_server, language):
    project, reviewer = busy_project(language)
    for width, height in [(1280, 800), (1440, 900)]:
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            locale=language,
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        login(page, reviewer.username)  # the browser's locale picks the language
        page.goto(f"/projects/{project.slug}/")
        dashboard = page.locator("[data-testid=dashboard]")
        expect(
            dashboard.locator("[data-testid=dashboard-heatmap]").first
        ).to_be_visible()
        assert dashboard.locator(".card").count() >= 12
        assert page.locator("html").get_attribute("lang") == language
        problems = dashboard.evaluate(CHECK)
        ARTIFACTS.mkdir(exist_ok=True)
        dashboard.screenshot(
            path=str(ARTIFACTS / f"dashboard-{language}-{width}x{height}.png")
        )
        assert problems == [], f"{language} at {width}×{height}: {problems}"
        # Every annotator and choice name is on the page in full.
        html = dashboard.inner_text()
        for name in NAMES:
            assert f"dash-{language}-{name}" in html.replace("\n", "")
        for question in project.parsed_scheme.questions:
            for choice in question.choices:
                assert choice.name in html
        context.close()


def test_the_check_sees_an_overflow(page, live_server):
    """The geometric check is not blind: a too-wide legend entry is reported."""
    project, reviewer = busy_project("en")
    login(page, reviewer.username)
    page.goto(f"/projects/{project.slug}/")
    dashboard = page.locator("[data-testid=dashboard]")
    dashboard.locator(".legend li").first.evaluate(
        "li => { li.textContent = 'x'.repeat(400); li.style.setProperty('white-space', 'nowrap'); }"
    )
    problems = dashboard.evaluate(CHECK)
    assert any("leaves its card" in p or "scrolls" in p for p in problems)
