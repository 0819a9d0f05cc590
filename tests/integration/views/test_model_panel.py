"""The model section of the project page: comparison table and chart, switch, rollback, settings."""

import re

import pytest

from annotations.choices import Role
from annotations.services.model_evaluation import model_evaluate
from tests.integration.services.test_model_loop import add_gold, ruler_model

pytestmark = pytest.mark.django_db


def url(project, tail=""):
    return f"/projects/{project.slug}/models/{tail}"


@pytest.fixture
def model(project, members, tmp_path):
    add_gold(project, members[Role.REVIEWER], 30)
    model = ruler_model(project, tmp_path)
    model_evaluate(project=project, model=model)
    model.refresh_from_db()
    return model


@pytest.mark.parametrize(
    ("who", "get_status", "post_status"),
    [
        (Role.ADMIN, 200, 200),
        (Role.REVIEWER, 200, 403),
        (Role.ANNOTATOR, 403, 403),
        (Role.ML_ENGINEER, 403, 403),
        ("outsider", 404, 404),
    ],
)
def test_panel_roles(client, project, members, model, who, get_status, post_status):
    client.force_login(members[who])
    assert client.get(url(project), HTTP_HX_REQUEST="true").status_code == get_status
    for tail in (f"{model.pk}/switch/", "rollback/", "settings/"):
        response = client.post(url(project, tail), HTTP_HX_REQUEST="true")
        assert response.status_code == post_status, tail


def test_reviewer_sees_the_comparison_table_and_chart(client, project, members, model):
    client.force_login(members[Role.REVIEWER])
    html = client.get(url(project), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html
    comparison = model.evaluation["comparison"]
    assert f"on {comparison['n_articles']} held-out test article" in html
    assert 'data-testid="model-switch-' not in html  # reviewers do not switch
    assert 'data-testid="model-settings"' not in html
    # One chart row per scheme label plus "all"; bar widths are the stored F1s.
    widths = re.findall(
        r'data-side="(current|trained)" x="0" y="[05]" width="([0-9.]+)"', html
    )
    assert len(widths) == 2 * (len(comparison["labels"]) + 1)
    org = comparison["spans"]["ORG"]
    expected = [("current", org["current"]["f1"]), ("trained", org["trained"]["f1"])]
    got = widths[2 * comparison["labels"].index("ORG") :][:2]
    assert [(side, float(w)) for side, w in got] == [
        (side, round(100 * (f1 or 0.0), 1)) for side, f1 in expected
    ]
    assert 'data-testid="comparison-ORG"' in html


def test_admin_switches_and_rolls_back_in_place(client, project, members, model):
    client.force_login(members[Role.ADMIN])
    html = client.post(
        url(project, f"{model.pk}/switch/"), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'data-testid="model-active"' in html
    assert "trained:ruler@v1</code>" in html
    assert 'data-testid="model-rollback"' in html
    project.refresh_from_db()
    assert project.pipeline == "trained:ruler@v1"
    html = client.post(
        url(project, "rollback/"), HTTP_HX_REQUEST="true"
    ).content.decode()
    project.refresh_from_db()
    assert project.pipeline == "fin-en"
    assert 'data-testid="model-rollback"' not in html
    html = client.post(
        url(project, "rollback/"), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Nothing to roll back to" in html


def test_plain_form_post_redirects_to_the_project_page(client, project, members, model):
    client.force_login(members[Role.ADMIN])
    response = client.post(url(project, f"{model.pk}/switch/"))
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.slug}/"


def test_settings_bad_margin_is_shown_in_place_and_changes_nothing(
    client, project, members, model
):
    client.force_login(members[Role.ADMIN])
    response = client.post(
        url(project, "settings/"),
        {"model_switch_margin": "lots", "queue_order": "least_confident"},
        HTTP_HX_REQUEST="true",
    )
    assert "The margin must be a number between 0 and 1" in response.content.decode()
    project.refresh_from_db()
    assert project.queue_order == "default"
    client.post(
        url(project, "settings/"),
        {"model_switch_margin": "0.05", "queue_order": "least_confident",
         "model_auto_switch": "on"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    project.refresh_from_db()
    assert (project.queue_order, project.model_auto_switch) == ("least_confident", True)
    assert project.model_switch_margin == 0.05


def test_project_page_loads_the_panel_for_reviewers_only(client, project, members):
    client.force_login(members[Role.REVIEWER])
    page = client.get(f"/projects/{project.slug}/").content.decode()
    assert f'hx-get="/projects/{project.slug}/models/"' in page
    client.force_login(members[Role.ANNOTATOR])
    page = client.get(f"/projects/{project.slug}/").content.decode()
    assert "/models/" not in page


def test_a_bad_model_choice_shows_the_newest_comparison(
    client, project, members, model
):
    client.force_login(members[Role.REVIEWER])
    for choice in ("99999999999999999999999", "abc", "-1", "999999"):
        response = client.get(url(project) + f"?model={choice}", HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert 'data-testid="model-comparison"' in response.content.decode()
