"""The ML engineer's export page in a real browser.

From the navigation to the export page: a gold export downloads as a file; a
release file downloads with the sha256 its manifest names; an export prepared as
a background job is done by the real Celery worker while the page's progress bar
polls, and then links its file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from annotations.choices import Role
from annotations.services.releases import release_create
from tests.browser.conftest import login
from tests.factories import TEXT, ArticleFactory, ProjectFactory, annotate, span, team


def gold_project(slug: str, *, articles: int = 3):
    """A project whose articles two annotators agree on (consensus gold), and its ML engineer."""
    project = ProjectFactory(slug=slug)
    anna, ben = team(project, ["anna", "ben"])
    (ml,) = team(project, ["ml"], Role.ML_ENGINEER)
    made = []
    for number in range(articles):
        article = ArticleFactory(project=project, text=TEXT, title=f"Siemens {number}")
        for person in (anna, ben):
            annotate(article, person, [span(TEXT, "Siemens", "ORG")])
        made.append(article)
    return project, ml, made


def open_exports(page, project, username: str) -> None:
    login(page, username)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"/projects/{project.slug}/")
    page.click("[data-testid=nav-exports]")
    expect(page.locator("[data-testid=export-form]")).to_be_visible()


def test_ml_engineer_downloads_gold_and_a_release_file_matching_its_manifest(
    page, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    project, ml, articles = gold_project("export-demo")
    release_create(project=project, note="round 1")
    open_exports(page, project, ml.username)
    # The ML engineer may not read individual annotations here: gold only.
    assert page.locator("[data-testid=source-annotations]").count() == 0
    assert page.locator("[data-testid=release-form]").count() == 0
    screenshot("exports-page")

    page.check("[data-testid=format-jsonl]")
    page.check("[data-testid=source-gold]")
    with page.expect_download() as info:
        page.click("[data-testid=export-submit]")
    download = info.value
    assert download.suggested_filename == "export-demo-gold-jsonl.jsonl"
    rows = [json.loads(line) for line in Path(download.path()).read_text().splitlines()]
    assert [row["id"] for row in rows] == [a.pk for a in articles]
    assert all(row["spans"][0]["text"] == "Siemens" for row in rows)

    manifest = json.loads(page.locator("[data-testid=manifest-1]").text_content())
    expected = manifest["files"]["dataset.jsonl"]["sha256"]
    shown = page.locator("[data-testid='sha256-dataset.jsonl']").text_content()
    assert shown == expected
    with page.expect_download() as info:
        page.click("[data-testid='release-download-dataset.jsonl']")
    body = Path(info.value.path()).read_bytes()
    assert hashlib.sha256(body).hexdigest() == expected
    assert len(body.splitlines()) == manifest["counts"]["articles"] == len(articles)


@pytest.mark.worker
def test_export_job_progress_bar_then_download(page, screenshot, celery_worker_process):
    """The worker writes under the test settings' MEDIA_ROOT, which this test keeps."""
    project, ml, articles = gold_project("export-job-demo")
    open_exports(page, project, ml.username)
    page.check("[data-testid=format-conll]")
    page.check("[data-testid=mode-job]")
    page.click("[data-testid=export-submit]")
    page.wait_for_url("**/exports/jobs/**")
    expect(page.locator("[data-testid=job-progress]")).to_be_visible()
    link = page.locator("[data-testid=job-download]")
    expect(link).to_be_visible(
        timeout=60_000
    )  # the partial polls until the job is done
    expect(page.locator("[data-testid=job]")).to_have_attribute("data-status", "done")
    assert page.locator("[data-testid=job-progress]").get_attribute("value") == str(
        len(articles)
    )
    screenshot("export-job-done")
    with page.expect_download() as info:
        link.click()
    text = Path(info.value.path()).read_text()
    assert text.count("-DOCSTART-") == len(articles)
    assert "Siemens\tB-ORG" in text
