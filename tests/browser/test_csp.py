"""Every main page works under the Content-Security-Policy, in a real browser.

Each page is opened as a role that may see it; the test fails on any
``securitypolicyviolation`` event and on any CSP message in the console, and
checks that what the policy could break still works: label colours (set by
static/js/colors.js, not style attributes), htmx, the review page's static
script and the offline Swagger UI.
"""

from __future__ import annotations

import pytest

from annotations.choices import Role
from annotations.services.queue import assignment_claim
from tests.browser.conftest import ARTIFACTS, CHROMIUM, login
from tests.factories import ArticleFactory, ProjectFactory, team
from tests.factories import annotate as submit
from tests.factories import span as span_in

TEXT = "Siemens shares rose 5% after Deutsche Bank upgraded them to buy."

# Collects the violations a page reports; runs before any script of the page.
LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def site(db):
    project = ProjectFactory(slug="csp-demo", name="CSP <demo>")
    admin = team(project, ["admin"], Role.ADMIN)[0]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    reviewer = team(project, ["rev"], Role.REVIEWER)[0]
    anna, ben = team(project, ["anna", "ben"])
    reviewed = ArticleFactory(project=project, text=TEXT, title="Siemens upgrade")
    siemens = span_in(reviewed.text, "Siemens", "ORG")
    submit(reviewed, anna, spans=[siemens])
    submit(
        reviewed, ben, spans=[siemens, span_in(reviewed.text, "Deutsche Bank", "ORG")]
    )
    fresh = ArticleFactory(project=project, text=TEXT, title="Fresh")
    assignment_claim(article=fresh, user=anna)  # handed to anna (pages never claim)
    return {
        "project": project,
        "users": {"admin": admin, "reviewer": reviewer, "annotator": anna},
        "reviewed": reviewed,
        "fresh": fresh,
    }


class CspWatch:
    """A browser context for one role that records every CSP complaint."""

    def __init__(self, browser, base_url: str, username: str | None):
        self.context = browser.new_context(
            base_url=base_url, viewport={"width": 1280, "height": 800}
        )
        self.context.add_init_script(LISTENER)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.console: list[str] = []
        self.page.on("console", self._console)
        if username:
            login(self.page, username)
            self.page.wait_for_url(lambda url: "/accounts/login/" not in url)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def open(self, path: str) -> list[str]:
        """Open ``path``, let htmx settle, and return what the policy blocked."""
        self.console.clear()
        response = self.page.goto(path, wait_until="networkidle")
        assert response is not None
        assert response.status == 200, f"{path} answered {response.status}"
        assert response.headers.get("content-security-policy"), path
        return self.violations()

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations") + self.console

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watch(browser, live_server):
    if not CHROMIUM.exists():
        pytest.skip("no chromium")
    opened = []

    def make(username: str | None) -> CspWatch:
        opened.append(CspWatch(browser, live_server.url, username))
        return opened[-1]

    yield make
    for item in opened:
        item.close()


def pages(site) -> dict[str, list[str]]:
    """Home, project, annotate, review, dashboard, settings, history, API docs, the
    account pages and the admin, each as a role that may open it."""
    slug, reviewed, fresh = site["project"].slug, site["reviewed"].pk, site["fresh"].pk
    return {
        "anonymous": ["/accounts/login/", "/accounts/password/reset/"],
        "annotator": [
            "/",
            f"/projects/{slug}/",
            f"/projects/{slug}/articles/{fresh}/",
            f"/projects/{slug}/guidelines/",
            "/accounts/password/change/",
        ],
        "reviewer": [
            f"/projects/{slug}/review/",
            f"/projects/{slug}/review/{reviewed}/",
            f"/projects/{slug}/dashboard/",
            f"/projects/{slug}/history/",
            f"/projects/{slug}/articles/{reviewed}/history/",
        ],
        "admin": [
            f"/projects/{slug}/",
            f"/projects/{slug}/settings/",
            f"/projects/{slug}/settings/scheme/",
            f"/projects/{slug}/settings/members/",
            f"/projects/{slug}/settings/guidelines/",
            f"/projects/{slug}/preannotation/",
            f"/projects/{slug}/exports/",
            "/new-project/",
            "/account/token/",
            "/api/v1/docs/",
            "/admin/",
            "/admin/annotations/annotation/",
        ],
    }


def test_main_pages_report_no_csp_violation(site, watch):
    found = {}
    for role, paths in pages(site).items():
        user = site["users"].get(role)
        browser = watch(user.username if user else None)
        for path in paths:
            violations = browser.open(path)
            if violations:
                found[f"{role} {path}"] = violations
    assert not found, f"pages break the Content-Security-Policy: {found}"


def test_the_watch_sees_a_violation(site, watch):
    """The detector works: an inline style attribute set by script is reported."""
    browser = watch(None)
    assert browser.open("/accounts/login/") == []
    browser.page.evaluate("document.body.setAttribute('style', 'color: red')")
    for _ in range(50):  # the event is queued; poll from here (no eval in the page)
        if browser.violations():
            break
        browser.page.wait_for_timeout(100)
    assert any("style-src" in v for v in browser.violations())


def test_label_colours_are_painted_without_style_attributes(site, watch):
    browser = watch(site["users"]["annotator"].username)
    slug = site["project"].slug
    assert browser.open(f"/projects/{slug}/articles/{site['fresh'].pk}/") == []
    button = browser.page.locator("[data-testid=label-ORG]")
    color = button.get_attribute("data-color")
    assert color
    assert color.startswith("#")
    painted = button.evaluate(
        "el => getComputedStyle(el).getPropertyValue('--label-color').trim()"
    )
    assert painted.lower() == color.lower()
    swatch = browser.page.locator(".label-btn .swatch").first
    background = swatch.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("", "rgba(0, 0, 0, 0)", "transparent")


def test_review_script_and_htmx_work_under_the_policy(site, watch):
    browser = watch(site["users"]["reviewer"].username)
    slug, article = site["project"].slug, site["reviewed"]
    assert browser.open(f"/projects/{slug}/review/{article.pk}/") == []
    # static/js/review.js: selecting text fills the offsets of "Add a span".
    browser.page.evaluate(
        """() => {
          const box = document.getElementById('review-text');
          const walk = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
          let node = walk.nextNode();
          while (!node.textContent.includes('shares')) { node = walk.nextNode(); }
          const at = node.textContent.indexOf('shares');
          const range = document.createRange();
          range.setStart(node, at); range.setEnd(node, at + 6);
          const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
          document.dispatchEvent(new MouseEvent('mouseup'));
        }"""
    )
    start = TEXT.index("shares")
    assert browser.page.input_value("#gold-start") == str(start)
    assert browser.page.input_value("#gold-end") == str(start + 6)
    # htmx: accepting a span swaps the adjudication partial in place.
    row = browser.page.locator('[data-testid=span-row][data-span="29-42-ORG"]')
    row.locator("[data-testid=accept-span]").click()
    browser.page.wait_for_selector('[data-span="29-42-ORG"][data-in-gold="true"]')
    pill = browser.page.locator(".pill[data-color]").first
    assert pill.evaluate(
        "el => getComputedStyle(el).getPropertyValue('--label-color').trim() !== ''"
    )
    assert browser.violations() == []


def test_swagger_ui_renders_offline_under_the_policy(site, watch):
    browser = watch(site["users"]["admin"].username)
    assert browser.open("/api/v1/docs/") == []
    browser.page.wait_for_selector(".swagger-ui .opblock")
    assert browser.page.locator(".swagger-ui .opblock").count() > 5
    assert browser.violations() == []


def test_lockout_page_is_styled_and_clean(site, watch, settings):
    settings.AXES_FAILURE_LIMIT = 2
    browser = watch(None)
    for _ in range(2):
        browser.open("/accounts/login/")
        browser.page.fill("#id_username", site["users"]["annotator"].username)
        browser.page.fill("#id_password", "wrong")
        browser.page.click("main form button[type=submit]")
        browser.page.wait_for_load_state("networkidle")
    assert browser.page.locator("[data-testid=locked-out]").is_visible()
    assert browser.page.locator("header.topbar").is_visible()  # our layout
    assert browser.violations() == []
    ARTIFACTS.mkdir(exist_ok=True)
    browser.page.screenshot(path=str(ARTIFACTS / "locked-out.png"), full_page=True)
