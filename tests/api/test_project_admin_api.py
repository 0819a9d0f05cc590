"""Admin endpoints: create/patch projects, members, guideline versions; the permission matrix."""

from copy import deepcopy

import pytest

from annotations.choices import Role
from annotations.models import AnnotationSpan, Membership, Project
from tests.factories import ArticleFactory, ProjectFactory, UserFactory, annotate, span
from tests.roles import MEMBERS_READ, WHO, role_matrix

pytestmark = pytest.mark.django_db

TEXT = "Siemens shares crash 5% as Deutsche Bank slams the outlook."

ADMIN_ONLY = {
    Role.ADMIN: "ok",
    Role.REVIEWER: 403,
    Role.ANNOTATOR: 403,
    Role.ML_ENGINEER: 403,
    "outsider": 404,
    "anonymous": 401,
}


def expected(who, ok_status):
    status = ADMIN_ONLY[who]
    return ok_status if status == "ok" else status


@pytest.mark.parametrize("who", WHO)
def test_patch_project_matrix(login_as, project, who):
    response = login_as(who).patch(
        f"/api/v1/projects/{project.pk}/", {"name": "Renamed"}, format="json"
    )
    assert response.status_code == expected(who, 200)
    project.refresh_from_db()
    assert (project.name == "Renamed") is (who == Role.ADMIN)


@pytest.mark.parametrize(
    ("method", "path", "body", "ok"),
    [
        ("get", "members/", None, 200),
        ("post", "members/", {"user": "newbie", "role": "annotator"}, 201),
        ("patch", "members/{annotator}/", {"role": "reviewer"}, 200),
        ("delete", "members/{annotator}/", None, 204),
        ("post", "guidelines/", {"text": "# v2", "changelog": "v2"}, 201),
    ],
)
@pytest.mark.parametrize("who", WHO)
def test_admin_endpoint_matrix(login_as, project, members, who, method, path, body, ok):
    UserFactory(username="newbie")
    url = f"/api/v1/projects/{project.pk}/" + path.format(
        annotator=members[Role.ANNOTATOR].username
    )
    response = getattr(login_as(who), method)(url, body, format="json")
    assert response.status_code == expected(who, ok)


@role_matrix(MEMBERS_READ)
def test_guideline_list_is_for_members(login_as, project, who, status):
    response = login_as(who).get(f"/api/v1/projects/{project.pk}/guidelines/")
    assert response.status_code == status
    if status == 200:
        (item,) = response.json()["results"]
        assert set(item) == {
            "number",
            "text",
            "changelog",
            "scheme",
            "created_at",
            "author",
        }
        assert item["number"] == 1


def test_create_project_staff_only_creator_becomes_admin(api_client):
    plain, staff = UserFactory(), UserFactory(is_staff=True)
    body = {"slug": "fin-de", "name": "Finanzen", "language": "de"}
    api_client.force_authenticate(plain)
    assert api_client.post("/api/v1/projects/", body, format="json").status_code == 403
    api_client.force_authenticate(staff)
    response = api_client.post("/api/v1/projects/", body, format="json")
    assert response.status_code == 201
    data = response.json()
    assert (data["slug"], data["role"], data["guideline_version"]) == (
        "fin-de",
        "admin",
        1,
    )
    assert data["scheme"]["questions"][0]["choices"][0]["name"] == "sehr negativ"
    assert Membership.objects.get(project__slug="fin-de").user == staff
    again = api_client.post("/api/v1/projects/", body, format="json")
    assert again.status_code == 400
    assert "slug" in again.json()
    api_client.logout()
    api_client.force_authenticate(None)
    assert api_client.post("/api/v1/projects/", body, format="json").status_code == 401


def test_create_project_with_own_scheme_is_validated(api_client):
    api_client.force_authenticate(UserFactory(is_staff=True))
    bad = {"slug": "x", "name": "X", "language": "en", "scheme": {"span_labels": 3}}
    response = api_client.post("/api/v1/projects/", bad, format="json")
    assert response.status_code == 400
    assert "scheme" in response.json()
    assert not Project.objects.filter(slug="x").exists()


def test_create_without_scheme_needs_a_template_language_as_on_the_page(api_client):
    api_client.force_authenticate(UserFactory(is_staff=True))
    body = {"slug": "fr", "name": "Actualités", "language": "fr"}
    response = api_client.post("/api/v1/projects/", body, format="json")
    assert response.status_code == 400
    assert "Templates exist" in response.json()["language"][0]
    body["scheme"] = ProjectFactory.build().scheme
    assert api_client.post("/api/v1/projects/", body, format="json").status_code == 201


def test_create_with_blank_guidelines_is_refused(api_client):
    api_client.force_authenticate(UserFactory(is_staff=True))
    body = {"slug": "x", "name": "X", "language": "en", "guidelines": " "}
    response = api_client.post("/api/v1/projects/", body, format="json")
    assert response.status_code == 400
    assert not Project.objects.filter(slug="x").exists()


def test_patch_scheme_lossy_change_gives_409_with_counts(login_as, project, members):
    doc = ArticleFactory(project=project, text=TEXT)
    annotate(
        doc, members[Role.ANNOTATOR], [span(TEXT, "Siemens", "ORG")], status="draft"
    )
    scheme = deepcopy(project.scheme)
    scheme["span_labels"] = [
        lab for lab in scheme["span_labels"] if lab["key"] != "ORG"
    ]
    client = login_as(Role.ADMIN)
    url = f"/api/v1/projects/{project.pk}/"
    response = client.patch(url, {"scheme": scheme, "name": "Changed"}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["blocking"] == ["label:ORG"]
    (change,) = [c for c in body["changes"] if c["id"] == "label:ORG"]
    assert (change["spans"], change["allowed_actions"][-1]) == (1, "drop:1")
    project.refresh_from_db()
    assert project.name != "Changed"  # nothing of a refused request is applied

    response = client.patch(
        url,
        {"scheme": scheme, "scheme_actions": {"label:ORG": "migrate:INSTRUMENT"}},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["guideline_version"] == 2
    assert AnnotationSpan.objects.get().label == "INSTRUMENT"


def test_patch_label_mapping_validated(login_as, project):
    client = login_as(Role.ADMIN)
    url = f"/api/v1/projects/{project.pk}/"
    bad = client.patch(url, {"label_mapping": {"GPE": "PLACE"}}, format="json")
    assert bad.status_code == 400
    assert "label_mapping" in bad.json()
    good = client.patch(
        url,
        {"label_mapping": {"ORG": "ORG", "NORP": None}, "overlap": 3},
        format="json",
    )
    assert good.status_code == 200
    assert good.json()["label_mapping"] == {"ORG": "ORG", "NORP": None}
    assert good.json()["overlap"] == 3


def test_members_shape_and_last_admin(login_as, project, members):
    client = login_as(Role.ADMIN)
    base = f"/api/v1/projects/{project.pk}/members/"
    listed = client.get(base).json()["results"]
    assert {"user": members[Role.ADMIN].username, "role": "admin"} in [
        {"user": m["user"], "role": m["role"]} for m in listed
    ]
    admin_name = members[Role.ADMIN].username
    assert client.delete(f"{base}{admin_name}/").status_code == 409
    assert (
        client.patch(
            f"{base}{admin_name}/", {"role": "annotator"}, format="json"
        ).status_code
        == 409
    )
    assert (
        client.post(
            base, {"user": "ghost", "role": "annotator"}, format="json"
        ).status_code
        == 400
    )
    assert (
        client.post(
            base, {"user": admin_name, "role": "annotator"}, format="json"
        ).status_code
        == 409
    )
    assert client.delete(f"{base}{members['outsider'].username}/").status_code == 404


def test_publish_guidelines_shape(login_as, project, members):
    client = login_as(Role.ADMIN)
    url = f"/api/v1/projects/{project.pk}/guidelines/"
    response = client.post(
        url, {"text": "# Rules v2", "changelog": "Shorter"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["changelog"], body["author"]) == (
        2,
        "Shorter",
        members[Role.ADMIN].username,
    )
    assert body["scheme"] == project.scheme
    same = client.post(url, {"text": "# Rules v2", "changelog": "again"}, format="json")
    assert same.status_code == 400
    listed = client.get(url).json()["results"]
    assert [v["number"] for v in listed] == [2, 1]


def test_schema_lists_admin_endpoints(login_as):
    response = login_as(Role.ADMIN).get(
        "/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    paths = response.json()["paths"]
    assert "post" in paths["/api/v1/projects/"]
    assert "patch" in paths["/api/v1/projects/{id}/"]
    assert "/api/v1/projects/{project_id}/members/{username}/" in paths
    assert "/api/v1/projects/{project_id}/guidelines/" in paths
