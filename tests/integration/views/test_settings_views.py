"""Settings pages and the annotator-facing guideline pages (Django test client)."""

import json
import re

import pytest

from annotations.choices import Role
from annotations.models import AnnotationSpan, GuidelineAcknowledgement, Project
from annotations.services.guidelines import guideline_version_publish
from tests.factories import ArticleFactory, UserFactory, annotate, span

pytestmark = pytest.mark.django_db

TEXT = "Siemens shares crash 5% as Deutsche Bank slams the outlook."

PAGES = [
    ("get", "settings/"),
    ("get", "settings/scheme/"),
    ("get", "settings/members/"),
    ("get", "settings/guidelines/"),
    ("get", "settings/guidelines/diff/?from=1&to=1"),
    ("post", "settings/guidelines/preview/"),
    ("post", "settings/scheme/apply/"),
    ("post", "settings/members/{annotator}/"),
]
EXPECTED = {
    Role.ADMIN: None,
    Role.REVIEWER: 403,
    Role.ANNOTATOR: 403,
    Role.ML_ENGINEER: 403,
    "outsider": 404,
}


@pytest.mark.parametrize(("method", "path"), PAGES)
@pytest.mark.parametrize("who", [*EXPECTED, "anonymous"])
def test_only_project_admins_reach_settings(
    client, project, members, who, method, path
):
    url = f"/projects/{project.slug}/" + path.format(
        annotator=members[Role.ANNOTATOR].username
    )
    if who != "anonymous":
        client.force_login(members[who])
    response = getattr(client, method)(url)
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif EXPECTED[who] is None:
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == EXPECTED[who]


def test_general_settings_save_and_validate(client, project, members):
    client.force_login(members[Role.ADMIN])
    url = f"/projects/{project.slug}/settings/"
    form = {
        "name": "Renamed <b>",
        "description": "",
        "overlap": "3",
        "pipeline": "fin-en",
        "label_mapping": '{"GPE": "PLACE"}',
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert "not a label of the scheme" in response.content.decode()
    form["label_mapping"] = '{"ORG": "ORG", "NORP": null}'
    assert client.post(url, form).status_code == 302
    project.refresh_from_db()
    assert (project.name, project.overlap, project.allow_overlapping_spans) == (
        "Renamed <b>",
        3,
        False,
    )
    assert project.label_mapping == {"ORG": "ORG", "NORP": None}
    page = client.get(url).content.decode()
    assert "Renamed &lt;b&gt;" in page


def scheme_form(page: str) -> dict:
    """The scheme editor's fields as a browser would submit them (checked boxes only)."""
    data = {}
    for name, value in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page
    ):
        data[name] = value
    for name, value in re.findall(
        r'<input type="(?:text|color)" name="([^"]+)" value="([^"]*)"', page
    ):
        data[name] = value
    for name in re.findall(r'<input type="checkbox" name="([^"]+)" checked', page):
        data[name] = "on"
    for name, body in re.findall(
        r'<textarea name="([^"]+)"[^>]*>([^<]*)</textarea>', page, re.S
    ):
        data[name] = body
    for name, body in re.findall(
        r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S
    ):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        data[name] = chosen.group(1) if chosen else ""
    data.pop("scheme_json", None)  # the separate "advanced" form
    return data


def test_scheme_editor_rename_and_remove_with_migration(client, project, members):
    doc = ArticleFactory(project=project, text=TEXT)
    annotate(
        doc, members[Role.ANNOTATOR], [span(TEXT, "Siemens", "ORG")], status="draft"
    )
    client.force_login(members[Role.ADMIN])
    url = f"/projects/{project.slug}/settings/scheme/"
    data = scheme_form(client.get(url).content.decode())
    assert data["label-0-key"] == "ORG"
    # Rename PERSON, give it examples, remove ORG (in use), add a label.
    data["label-1-name"] = "Human"
    data["label-1-positive"] = "Tim Cook\nChristine Lagarde"
    data["label-0-remove"] = "on"
    new_index = int(data["label-count"]) - 1
    data[f"label-{new_index}-key"] = "RUMOUR"
    data[f"label-{new_index}-name"] = "Rumour"
    preview = client.post(url, data)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert 'data-testid="change-label:ORG"' in html
    assert 'value="drop:1"' in html
    scheme_json = re.search(r'name="scheme" value="([^"]*)"', html).group(1)
    import html as htmllib

    scheme = htmllib.unescape(scheme_json)
    apply_url = f"/projects/{project.slug}/settings/scheme/apply/"
    refused = client.post(apply_url, {"scheme": scheme, "changelog": ""})
    assert refused.status_code == 200
    assert "would lose annotations" in refused.content.decode()
    project.refresh_from_db()
    assert "ORG" in project.parsed_scheme.span_label_keys

    done = client.post(
        apply_url,
        {
            "scheme": scheme,
            "action-label:ORG": "migrate:INSTRUMENT",
            "changelog": "ORG→INSTRUMENT",
        },
    )
    assert done.status_code == 302
    project.refresh_from_db()
    labels = {lab.key: lab for lab in project.parsed_scheme.span_labels}
    assert "ORG" not in labels
    assert labels["PERSON"].name == "Human"
    assert labels["PERSON"].examples.positive == ("Tim Cook", "Christine Lagarde")
    assert "RUMOUR" in labels
    assert AnnotationSpan.objects.get().label == "INSTRUMENT"
    assert project.guideline_versions.first().changelog == "ORG→INSTRUMENT"


def test_apply_with_an_unfit_action_shows_the_preview_again(client, project, members):
    doc = ArticleFactory(project=project, text=TEXT)
    annotate(
        doc, members[Role.ANNOTATOR], [span(TEXT, "Siemens", "ORG")], status="draft"
    )
    client.force_login(members[Role.ADMIN])
    scheme = dict(project.scheme)
    scheme["span_labels"] = [s for s in scheme["span_labels"] if s["key"] != "ORG"]
    response = client.post(
        f"/projects/{project.slug}/settings/scheme/apply/",
        {"scheme": json.dumps(scheme), "action-label:ORG": "migrate:NOPE"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "cannot migrate to &#x27;NOPE&#x27;" in html
    assert 'data-testid="change-label:ORG"' in html  # the preview, with its counts
    broken = client.post(
        f"/projects/{project.slug}/settings/scheme/apply/",
        {"scheme": json.dumps(3), "action-label:ORG": "drop:1"},
    )
    assert broken.status_code == 200
    assert "Must be an object" in broken.content.decode()
    project.refresh_from_db()
    assert "ORG" in project.parsed_scheme.span_label_keys


def test_scheme_form_with_a_garbled_row_count_is_no_server_error(
    client, project, members
):
    client.force_login(members[Role.ADMIN])
    response = client.post(
        f"/projects/{project.slug}/settings/scheme/", {"label-count": "many"}
    )
    assert response.status_code == 200
    # No rows read: the preview shows every label as removed, nothing is applied.
    assert 'data-testid="change-label:ORG"' in response.content.decode()


def test_scheme_json_editor_reports_errors(client, project, members):
    client.force_login(members[Role.ADMIN])
    url = f"/projects/{project.slug}/settings/scheme/"
    bad = client.post(url, {"scheme_json": '{"span_labels": [{"key": "1x"}]}'})
    assert "Invalid key" in bad.content.decode()
    broken = client.post(url, {"scheme_json": "{"})
    assert "Not valid JSON" in broken.content.decode()


def test_guidelines_preview_is_sanitised_fragment(client, project, members):
    client.force_login(members[Role.ADMIN])
    response = client.post(
        f"/projects/{project.slug}/settings/guidelines/preview/",
        {"text": "**hi** <script>alert(1)</script><a href='javascript:x()'>l</a>"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "<strong>hi</strong>" in html
    assert "<script" not in html
    assert "javascript:" not in html


def test_publish_from_the_editor_and_diff_view(client, project, members):
    client.force_login(members[Role.ADMIN])
    url = f"/projects/{project.slug}/settings/guidelines/"
    assert client.post(url, {"text": "# New", "changelog": ""}).status_code == 200
    assert (
        client.post(url, {"text": "# New <x>", "changelog": "Rewrite"}).status_code
        == 302
    )
    assert project.guideline_versions.count() == 2
    page = client.get(url).content.decode()
    assert "Rewrite" in page
    diff = client.get(f"/projects/{project.slug}/settings/guidelines/diff/?from=1&to=2")
    html = diff.content.decode()
    assert 'data-testid="guidelines-diff"' in html
    assert "&lt;x&gt;" in html
    assert (
        client.get(
            f"/projects/{project.slug}/settings/guidelines/diff/?from=1&to=9"
        ).status_code
        == 404
    )


def test_members_page_add_change_remove(client, project, members):
    client.force_login(members[Role.ADMIN])
    UserFactory(username="carla")
    url = f"/projects/{project.slug}/settings/members/"
    assert client.post(url, {"user": "carla", "role": "reviewer"}).status_code == 302
    assert project.memberships.get(user__username="carla").role == Role.REVIEWER
    bad = client.post(url, {"user": "ghost", "role": "annotator"})
    assert "No active user" in bad.content.decode()
    client.post(f"{url}carla/", {"role": "annotator"})
    assert project.memberships.get(user__username="carla").role == Role.ANNOTATOR
    client.post(f"{url}carla/", {"remove": "1"})
    assert not project.memberships.filter(user__username="carla").exists()
    admin_name = members[Role.ADMIN].username
    response = client.post(f"{url}{admin_name}/", {"remove": "1"}, follow=True)
    assert "last admin" in response.content.decode()
    assert project.memberships.filter(user__username=admin_name).exists()


def test_new_project_from_template_staff_only(client):
    client.force_login(UserFactory(username="plain"))
    assert client.get("/new-project/").status_code == 403
    client.force_login(UserFactory(username="staffer", is_staff=True))
    assert client.get("/new-project/").status_code == 200
    response = client.post(
        "/new-project/", {"slug": "fin-de", "name": "Fin DE", "language": "de"}
    )
    assert response.status_code == 302
    created = Project.objects.get(slug="fin-de")
    assert created.scheme["span_labels"][1]["description"].startswith("Namentlich")


def test_clone_page(client, project, members):
    members[Role.ADMIN].is_staff = True
    members[Role.ADMIN].save()
    client.force_login(members[Role.ADMIN])
    response = client.post(
        f"/projects/{project.slug}/settings/clone/", {"slug": "copy", "name": "Copy"}
    )
    assert response.status_code == 302
    assert Project.objects.get(slug="copy").scheme == project.scheme


def test_notice_on_project_page_and_acknowledge(client, project, members):
    anna = members[Role.ANNOTATOR]
    guideline_version_publish(
        project=project,
        author=members[Role.ADMIN],
        text="# Rules\nMark <tickers> too.\n",
        changelog="Tickers <now>",
    )
    client.force_login(anna)
    page = client.get(f"/projects/{project.slug}/").content.decode()
    assert 'data-testid="guidelines-notice"' in page
    assert "Tickers &lt;now&gt;" in page
    assert "Mark &lt;tickers&gt; too." in page
    response = client.post(
        f"/projects/{project.slug}/guidelines/acknowledge/",
        {"version": "2", "next": "https://evil.example/"},
    )
    assert response["Location"] == f"/projects/{project.slug}/"
    assert GuidelineAcknowledgement.objects.filter(
        user=anna, guideline_version__number=2
    ).exists()
    page = client.get(f"/projects/{project.slug}/").content.decode()
    assert 'data-testid="guidelines-notice"' not in page


def test_acknowledge_with_htmx_returns_empty_fragment(client, project, members):
    client.force_login(members[Role.ANNOTATOR])
    response = client.post(
        f"/projects/{project.slug}/guidelines/acknowledge/",
        {"version": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert (response.status_code, response.content) == (200, b"")


def test_acknowledge_outsider_404(client, project, members):
    client.force_login(members["outsider"])
    response = client.post(
        f"/projects/{project.slug}/guidelines/acknowledge/", {"version": "1"}
    )
    assert response.status_code == 404


def test_guidelines_page_shows_label_help(client, project, members):
    scheme = dict(project.scheme)
    scheme["span_labels"] = [dict(lab) for lab in scheme["span_labels"]]
    scheme["span_labels"][0]["examples"] = {
        "positive": ["Siemens AG"],
        "negative": ["<i>markets</i>"],
    }
    guideline_version_publish(
        project=project,
        author=members[Role.ADMIN],
        text="# Guide\n## ORG\nCompanies, not <script>x()</script> markets.\n",
        changelog="examples",
        scheme=scheme,
    )
    client.force_login(members[Role.ANNOTATOR])
    html = client.get(f"/projects/{project.slug}/guidelines/").content.decode()
    assert 'data-testid="label-help-ORG"' in html
    assert "Siemens AG" in html
    assert "&lt;i&gt;markets&lt;/i&gt;" in html
    assert "<script" not in html.split("<main", 1)[1]
    client.force_login(members["outsider"])
    assert client.get(f"/projects/{project.slug}/guidelines/").status_code == 404
