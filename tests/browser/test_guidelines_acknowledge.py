"""An admin publishes new guidelines in the settings; an annotator sees the diff and acknowledges."""

from annotations.choices import Role
from tests.factories import MembershipFactory, ProjectFactory, UserFactory


def login(page, username: str) -> None:
    """Log in through the form (Enter in the password field submits it)."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.locator("#id_password").press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_publish_notice_acknowledge(page, screenshot):
    admin, anna = UserFactory(username="boss"), UserFactory(username="anna")
    project = ProjectFactory(slug="fin-en", name="Financial news")
    MembershipFactory(project=project, user=admin, role=Role.ADMIN)
    MembershipFactory(project=project, user=anna, role=Role.ANNOTATOR)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    # The admin edits the guidelines with the live preview and publishes v2.
    login(page, "boss")
    page.goto(f"/projects/{project.slug}/settings/guidelines/")
    editor = page.locator("#id_text")
    editor.fill(
        editor.input_value()
        + "\n## Tickers\nMark **tickers** like SIE.DE as INSTRUMENT.\n"
        + '<img src="x" onerror="alert(1)"><script>alert(2)</script>\n'
    )
    preview = page.get_by_test_id("guidelines-preview")
    preview.locator("strong", has_text="tickers").wait_for()
    assert preview.locator("img, script").count() == 0
    page.get_by_test_id("changelog").fill("Tickers are instruments")
    page.get_by_test_id("publish").click()
    page.get_by_test_id("guideline-versions").get_by_text(
        "Tickers are instruments"
    ).wait_for()
    assert project.guideline_versions.count() == 2
    page.get_by_role("button", name="Log out").click()

    # The annotator opens the project: the notice shows the diff once.
    login(page, "anna")
    page.get_by_test_id(f"start-{project.slug}").wait_for()
    page.goto(f"/projects/{project.slug}/")
    notice = page.get_by_test_id("guidelines-notice")
    notice.wait_for()
    assert "v1 → v2" in notice.inner_text()
    assert "Tickers are instruments" in notice.inner_text()
    diff = notice.get_by_test_id("guidelines-diff")
    assert diff.locator("ins", has_text="SIE.DE").count() >= 1
    assert "<script>alert(2)</script>" in diff.inner_text()  # shown as text, inert
    screenshot("guidelines-notice")
    notice.get_by_test_id("guidelines-acknowledge").click()
    notice.wait_for(state="detached")
    page.reload()
    page.get_by_test_id("guidelines-link").wait_for()
    assert page.get_by_test_id("guidelines-notice").count() == 0
    assert dialogs == []
