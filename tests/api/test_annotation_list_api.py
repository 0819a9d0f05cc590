"""GET /api/v1/projects/{id}/annotations/: visibility, filters, cursor pages."""

from __future__ import annotations

import json

import pytest

from annotations.choices import AnnotationStatus, Role
from annotations.selectors.annotators import annotator_pseudonym
from tests.factories import TEXT, ArticleFactory, annotate, span

pytestmark = pytest.mark.django_db


@pytest.fixture
def annotations(project, members):
    mine = members[Role.ANNOTATOR]
    other = members[Role.REVIEWER]
    first = ArticleFactory(project=project, text=TEXT)
    second = ArticleFactory(project=project, text=TEXT)
    return {
        "mine": annotate(first, mine, [span(TEXT, "Siemens", "ORG")]),
        "other": annotate(first, other, status=AnnotationStatus.DRAFT),
        "second": annotate(second, other),
    }


def listing(api_client, project, **params):
    return api_client.get(f"/api/v1/projects/{project.pk}/annotations/", params)


@pytest.mark.parametrize(
    ("who", "status", "count"),
    [
        (Role.ADMIN, 200, 3),
        (Role.REVIEWER, 200, 3),
        (Role.ANNOTATOR, 200, 1),
        (Role.ML_ENGINEER, 403, None),
        ("outsider", 404, None),
        ("anonymous", 401, None),
    ],
)
def test_visibility_matrix(
    login_as, api_client, project, annotations, who, status, count
):
    login_as(who)
    response = listing(api_client, project)
    assert response.status_code == status
    if count is not None:
        assert len(response.json()["results"]) == count


def test_annotator_sees_only_own_work(api_client, project, members, annotations):
    api_client.force_authenticate(members[Role.ANNOTATOR])
    results = listing(api_client, project).json()["results"]
    assert [r["id"] for r in results] == [annotations["mine"].pk]
    assert results[0]["spans"][0]["text"] == "Siemens"


def test_ml_engineer_gets_pseudonyms_when_allowed(
    api_client, project, members, annotations
):
    project.ml_can_see_annotations = True
    project.save()
    api_client.force_authenticate(members[Role.ML_ENGINEER])
    results = listing(api_client, project).json()["results"]
    names = {r["annotator"] for r in results}
    reviewer = members[Role.REVIEWER]
    pseudonym = annotator_pseudonym(project_id=project.pk, user_id=reviewer.pk)
    assert pseudonym in names
    assert reviewer.username not in names
    filtered = listing(api_client, project, annotator=pseudonym).json()["results"]
    assert {r["id"] for r in filtered} == {
        annotations["other"].pk,
        annotations["second"].pk,
    }
    assert (
        listing(api_client, project, annotator=reviewer.username).json()["results"]
        == []
    )


def test_contract_shape(api_client, project, members, annotations):
    api_client.force_authenticate(members[Role.ADMIN])
    item = listing(api_client, project).json()["results"][0]
    for field in (
        "id", "article", "annotator", "status", "spans", "labels", "version",
        "guideline_version", "lead_time_ms", "updated_at",
    ):  # fmt: skip
        assert field in item


def test_filters(api_client, project, members, annotations):
    api_client.force_authenticate(members[Role.REVIEWER])
    drafts = listing(api_client, project, status="draft").json()["results"]
    assert [r["id"] for r in drafts] == [annotations["other"].pk]
    by_name = listing(api_client, project, annotator=members[Role.ANNOTATOR].username)
    assert [r["id"] for r in by_name.json()["results"]] == [annotations["mine"].pk]
    article = annotations["second"].article_id
    by_article = listing(api_client, project, article=article).json()["results"]
    assert [r["id"] for r in by_article] == [annotations["second"].pk]
    since = annotations["second"].updated_at.isoformat()
    newer = listing(api_client, project, updated_after=since).json()["results"]
    assert annotations["second"].pk not in [r["id"] for r in newer]
    bad = listing(api_client, project, status="finished")
    assert bad.status_code == 400
    assert "status" in bad.json()


def test_status_takes_a_comma_separated_list(api_client, project, members, annotations):
    """Documented as comma-separated; it used to answer 400."""
    api_client.force_authenticate(members[Role.REVIEWER])
    both = listing(api_client, project, status="draft,submitted")
    assert both.status_code == 200, both.json()
    assert {r["id"] for r in both.json()["results"]} == {
        a.pk for a in annotations.values()
    }
    repeated = api_client.get(
        f"/api/v1/projects/{project.pk}/annotations/?status=draft&status=skipped"
    )
    assert [r["id"] for r in repeated.json()["results"]] == [annotations["other"].pk]
    bad = listing(api_client, project, status="draft,finished")
    assert bad.status_code == 400
    assert "finished" in json.dumps(bad.json())


def test_cursor_pagination_walks_every_row_once(
    api_client, project, members, annotations
):
    api_client.force_authenticate(members[Role.REVIEWER])
    seen = []
    response = listing(api_client, project, page_size=2).json()
    assert "count" not in response  # cursor pages do not count
    seen += [r["id"] for r in response["results"]]
    while response["next"]:
        response = api_client.get(response["next"]).json()
        seen += [r["id"] for r in response["results"]]
    assert seen == sorted(a.pk for a in annotations.values())
