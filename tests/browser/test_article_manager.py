"""The article manager and the import page in a real browser (issue 13).

An admin imports a doccano file with a label the scheme lacks, maps it, watches
the real Celery worker's job fill the progress bar and finds the articles in the
manager; a filter narrows the list in place (htmx) and a bulk assignment hands
articles to an annotator; an annotator reaches neither page.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from annotations.choices import AssignmentState, Role
from annotations.models import Article, Assignment
from tests.browser.conftest import login
from tests.factories import TEXT, ArticleFactory, ProjectFactory, annotate, team

DOCCANO = [
    {"text": "Siemens hebt die Prognose an.", "label": [[0, 7, "COMPANY"]]},
    {"text": "Die Deutsche Bank streicht Stellen.", "label": [[4, 17, "COMPANY"]]},
    {"text": "Ein Text ohne Firmen.", "label": []},
]


def signed_in(page, username: str, project) -> None:
    login(page, username)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"/projects/{project.slug}/")


@pytest.mark.worker
def test_admin_imports_maps_a_label_watches_progress_and_finds_the_articles(
    page, screenshot, tmp_path, celery_worker_process
):
    project = ProjectFactory(slug="import-demo")
    (admin,) = team(project, ["admin"], Role.ADMIN)
    upload = tmp_path / "anna.jsonl"
    upload.write_text("".join(json.dumps(line) + "\n" for line in DOCCANO))

    signed_in(page, admin.username, project)
    page.click("[data-testid=nav-import]")
    page.set_input_files("input[name=file]", str(upload))
    page.click("[data-testid=import-preview]")
    expect(page.locator("[data-testid=import-format]")).to_have_text("doccano")
    expect(page.locator("[data-testid=unknown-label]")).to_have_text("COMPANY")
    expect(page.locator("[data-testid=import-row]")).to_have_count(3)
    page.select_option("#id_target_0", "ORG")
    page.click("[data-testid=mapping-check]")
    expect(page.locator("[data-testid=import-outcome]")).to_contain_text("3 new")
    screenshot("import-preview")
    page.click("[data-testid=import-start]")
    page.wait_for_url("**/articles/import/jobs/**")
    expect(page.locator("[data-testid=job-progress]")).to_be_visible()
    # the partial polls until the worker is done
    expect(page.locator("[data-testid=job]")).to_have_attribute(
        "data-status", "done", timeout=60_000
    )
    assert page.locator("[data-testid=job-progress]").get_attribute("value") == "3"
    expect(page.locator("[data-testid=report-created]")).to_have_text("3")
    screenshot("import-report")
    with page.expect_download() as info:
        page.click("[data-testid=report-download]")
    report = json.loads(Path(info.value.path()).read_text())
    assert (report["status"], report["created"], report["existing"]) == ("done", 3, 0)

    page.click("[data-testid=report-articles]")
    expect(page.locator("[data-testid=article-row]")).to_have_count(3)
    expect(page.locator("[data-testid=article-count]")).to_have_text("3 articles")
    titles = page.locator("[data-testid=article-title]").all_text_contents()
    assert sorted(titles) == sorted(
        str(pk) for pk in Article.objects.values_list("pk", flat=True)
    )  # untitled articles show their id
    spans = Article.objects.get(text=DOCCANO[0]["text"]).annotations.get().spans.get()
    assert (spans.label, spans.text) == ("ORG", "Siemens")


def test_a_filter_and_a_bulk_assignment(page, screenshot):
    project = ProjectFactory(slug="manager-demo", overlap=1)
    (admin,) = team(project, ["admin"], Role.ADMIN)
    anna, ben = team(project, ["anna", "ben"])
    done = ArticleFactory(project=project, text=TEXT, title="Already annotated")
    annotate(done, ben)
    fresh = [ArticleFactory(project=project, title=f"Fresh {n}") for n in range(3)]

    signed_in(page, admin.username, project)
    page.click("[data-testid=nav-articles]")
    expect(page.locator("[data-testid=article-row]")).to_have_count(4)
    page.select_option("#id_status", "none")  # not started by anyone: htmx reloads
    expect(page.locator("[data-testid=article-row]")).to_have_count(3)
    assert "status=none" in page.url  # the filtered list has its own address
    expect(page.locator("[data-testid=article-count]")).to_have_text("3 articles")
    for article in fresh[:2]:
        page.check(f"[data-testid=select-{article.pk}]")
    page.select_option("[data-testid=bulk-action]", "assign")
    page.select_option("[data-testid=bulk-annotator]", anna.username)
    page.click("[data-testid=bulk-apply]")
    expect(page.locator(".messages")).to_contain_text("2 article(s) assigned")
    assert "status=none" in page.url  # back on the same filtered list
    screenshot("article-manager")
    assigned = Assignment.objects.filter(annotator=anna)
    assert sorted(a.article_id for a in assigned) == [a.pk for a in fresh[:2]]
    assert {a.state for a in assigned} == {AssignmentState.ASSIGNED}
    page.select_option("#id_annotator", anna.username)
    page.select_option("#id_status", "assigned")
    expect(page.locator("[data-testid=article-row]")).to_have_count(2)
    expect(page.locator("[data-testid=article-work]").first).to_contain_text(
        f"{anna.username}: assigned"
    )


def test_an_annotator_reaches_neither_page(page):
    project = ProjectFactory(slug="closed-demo")
    (annotator,) = team(project, ["anna"])
    ArticleFactory(project=project)
    signed_in(page, annotator.username, project)
    expect(page.locator("[data-testid=nav-project]")).to_be_visible()
    assert page.locator("[data-testid=nav-articles]").count() == 0
    assert page.locator("[data-testid=nav-import]").count() == 0
    for tail in ("articles/", "articles/import/"):
        response = page.goto(f"/projects/{project.slug}/{tail}")
        assert response.status == 403
        expect(page.locator("[data-testid=error-403]")).to_be_visible()
        expect(page.locator("[data-testid=nav-home]")).to_be_visible()  # a way back
