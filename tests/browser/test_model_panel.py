"""The model section of the project page in a real browser: an admin reads the
comparison, switches pre-annotation to the trained model and rolls back."""

from __future__ import annotations

from playwright.sync_api import expect

from annotations.choices import Role
from annotations.models import Project
from annotations.services.model_evaluation import model_evaluate
from tests.browser.conftest import login
from tests.factories import team
from tests.integration.services.test_model_loop import gold_project, ruler_model


def test_admin_switches_to_the_trained_model_and_rolls_back(page, screenshot, tmp_path):
    project = gold_project(n=30, slug="loop-browser")
    (admin,) = team(project, ["admin"], Role.ADMIN)
    model = ruler_model(project, tmp_path)
    model_evaluate(project=project, model=model)

    login(page, admin.username)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"/projects/{project.slug}/")
    panel = page.locator("[data-testid=model-panel]")
    expect(panel.locator("[data-testid=model-comparison]")).to_be_visible()
    expect(panel.locator("[data-testid=model-chart] rect[data-side]")).to_have_count(
        2 * (len(project.parsed_scheme.span_label_keys) + 1)
    )
    expect(panel.locator("[data-testid=active-pipeline]")).to_have_text("fin-de")

    panel.locator(f"[data-testid=model-switch-{model.pk}]").click()
    expect(page.locator("[data-testid=model-active]")).to_be_visible()
    expect(page.locator("[data-testid=active-pipeline]")).to_have_text(
        "trained:ruler@v1"
    )
    screenshot("model-panel-switched")
    assert Project.objects.get(pk=project.pk).pipeline == "trained:ruler@v1"

    page.locator("[data-testid=model-rollback]").click()
    expect(page.locator("[data-testid=active-pipeline]")).to_have_text("fin-de")
    expect(page.locator("[data-testid=model-rollback]")).to_have_count(0)
    assert Project.objects.get(pk=project.pk).pipeline == "fin-de"
