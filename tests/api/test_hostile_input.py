"""Hostile input at every write door answers 400 with a field path, never a 500 (issue 16).

Each row was a server error (or a silent write) before: the body is refused at
the door, before any database call, and nothing is stored.
"""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from annotations.choices import Role
from annotations.models import Annotation, Article, GoldAnnotation, Project
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NUL = "a\x00b"
LONE = "a\ud800b"
TEXT = "Siemens raised its guidance."


def _span(**over):
    return {"start": 0, "end": 7, "label": "ORG", "text": "Siemens", **over}


def _annotation(**over):
    return {"spans": [], "labels": {}, "status": "draft", **over}


# (name, body of PUT my-annotation, the error path expected in the answer)
ANNOTATION_BODIES = [
    ("label-list", _annotation(spans=[_span(label=["ORG"])]), ("spans", "0", "label")),
    (
        "label-object",
        _annotation(spans=[_span(label={"a": 1})]),
        ("spans", "0", "label"),
    ),
    ("label-nul", _annotation(spans=[_span(label="O\x00RG")]), ("spans", "0", "label")),
    ("text-list", _annotation(spans=[_span(text=["x"])]), ("spans", "0", "text")),
    (
        "attribute-nul",
        _annotation(spans=[_span(attributes={"note": NUL})]),
        ("spans", "0", "attributes", "note"),
    ),
    (
        "attribute-key-nul",
        _annotation(spans=[_span(attributes={NUL: "x"})]),
        ("spans", "0", "attributes"),
    ),
    (
        "attribute-lone-surrogate",
        _annotation(spans=[_span(attributes={"note": LONE})]),
        ("spans", "0", "attributes", "note"),
    ),
    ("span-not-object", _annotation(spans=["x"]), ("spans", "0")),
    ("labels-nul", _annotation(labels={"sentiment": NUL}), ("labels", "sentiment")),
    ("labels-key-nul", _annotation(labels={NUL: "x"}), ("labels",)),
    (
        "skip-reason-too-long",
        _annotation(status="skipped", skip_reason="x" * 501),
        ("skip_reason",),
    ),
    (
        "skip-reason-nul",
        _annotation(status="skipped", skip_reason=NUL),
        ("skip_reason",),
    ),
    (
        "skip-reason-lone-surrogate",
        _annotation(status="skipped", skip_reason=LONE),
        ("skip_reason",),
    ),
    ("lead-time-2-63", _annotation(lead_time_ms=2**63), ("lead_time_ms",)),
    ("lead-time-huge", _annotation(lead_time_ms=10**30), ("lead_time_ms",)),
    ("version-2-31", _annotation(version=2**31), ("version",)),
    ("version-float", _annotation(version=1.5), ("version",)),
    ("status-list", _annotation(status=["draft"]), ("status",)),
]


@pytest.fixture
def article(project):
    return ArticleFactory(project=project, text=TEXT)


def _path_in(body, path) -> bool:
    node = body
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _send(client, method: str, url: str, body):
    """``body`` as JSON with ASCII escapes: lone surrogates travel as ``\\ud800``."""
    return client.generic(
        method, url, json.dumps(body), content_type="application/json"
    )


def _as(api_client, user) -> APIClient:
    api_client.force_authenticate(user)
    return api_client


@pytest.mark.parametrize(
    ("body", "path"),
    [pytest.param(b, p, id=n) for n, b, p in ANNOTATION_BODIES],
)
def test_my_annotation_refuses_hostile_bodies(api_client, members, article, body, path):
    client = _as(api_client, members[Role.ANNOTATOR])
    response = _send(
        client, "PUT", f"/api/v1/articles/{article.pk}/my-annotation/", body
    )
    assert response.status_code == 400, response.content
    assert _path_in(response.json(), path), response.json()
    assert not Annotation.objects.filter(article=article).exists()


@pytest.mark.parametrize(
    ("body", "path"),
    [
        pytest.param({**b, "status": "draft"}, p, id=n)
        for n, b, p in ANNOTATION_BODIES
        if "skip" not in n and "lead" not in n and "status" not in n
    ],
)
def test_gold_refuses_hostile_bodies(api_client, members, article, body, path):
    client = _as(api_client, members[Role.REVIEWER])
    response = _send(client, "POST", f"/api/v1/articles/{article.pk}/gold/", body)
    assert response.status_code == 400, response.content
    assert _path_in(response.json(), path), response.json()
    assert not GoldAnnotation.objects.filter(article=article).exists()


def test_gold_note_with_nul_is_refused(api_client, members, article):
    client = _as(api_client, members[Role.REVIEWER])
    response = client.post(
        f"/api/v1/articles/{article.pk}/gold/", _annotation(note=NUL), format="json"
    )
    assert response.status_code == 400
    assert "note" in response.json()


def _item(**over):
    return {"title": "T", "text": "Some text.", "external_id": "e1", **over}


IMPORT_ITEMS = [
    ("text-nul", _item(text=NUL), ("text",)),
    ("text-lone-surrogate", _item(text=LONE), ("text",)),
    ("title-nul", _item(title=NUL), ("title",)),
    ("title-lone-surrogate", _item(title=LONE), ("title",)),
    ("external-id-nul", _item(external_id=NUL), ("external_id",)),
    ("meta-value-nul", _item(meta={"source": NUL}), ("meta",)),
    ("meta-key-nul", _item(meta={NUL: 1}), ("meta",)),
    ("meta-nested-surrogate", _item(meta={"a": [{"b": LONE}]}), ("meta",)),
    ("language-nul", _item(language="e\x00n"), ("language",)),
]


@pytest.mark.parametrize(
    ("item", "path"), [pytest.param(i, p, id=n) for n, i, p in IMPORT_ITEMS]
)
def test_import_refuses_hostile_items(api_client, members, project, item, path):
    client = _as(api_client, members[Role.ADMIN])
    response = _send(client, "POST", f"/api/v1/projects/{project.pk}/articles/", [item])
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert errors[0]["index"] == 0
    assert _path_in(errors[0]["errors"], path), errors
    assert not Article.objects.filter(project=project).exists()


def _scheme_with(**label):
    return {
        "span_labels": [{"key": "ORG", "name": "Org", **label}],
        "questions": [],
    }


@pytest.mark.parametrize(
    "scheme",
    [
        pytest.param(_scheme_with(name=NUL), id="label-name-nul"),
        pytest.param(_scheme_with(name=LONE), id="label-name-lone-surrogate"),
        pytest.param(_scheme_with(description=NUL), id="label-description-nul"),
        pytest.param(_scheme_with(name=["x"]), id="label-name-list"),
    ],
)
def test_project_patch_refuses_hostile_schemes(api_client, members, project, scheme):
    before = Project.objects.get(pk=project.pk).scheme
    client = _as(api_client, members[Role.ADMIN])
    response = _send(
        client, "PATCH", f"/api/v1/projects/{project.pk}/", {"scheme": scheme}
    )
    assert response.status_code == 400, response.content
    assert "scheme" in response.json()
    assert Project.objects.get(pk=project.pk).scheme == before


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"name": NUL}, id="name-nul"),
        pytest.param({"description": NUL}, id="description-nul"),
        pytest.param({"description": LONE}, id="description-lone-surrogate"),
        pytest.param({"label_mapping": {NUL: None}}, id="mapping-key-nul"),
        pytest.param({"pipeline": NUL}, id="pipeline-nul"),
        pytest.param({"changelog": LONE, "name": "x"}, id="changelog-surrogate"),
    ],
)
def test_project_patch_refuses_hostile_fields(api_client, members, project, body):
    client = _as(api_client, members[Role.ADMIN])
    response = _send(client, "PATCH", f"/api/v1/projects/{project.pk}/", body)
    assert response.status_code == 400, response.content
    field = next(iter(body))
    assert field in response.json() or "changelog" in response.json()


@pytest.mark.parametrize("pk", ["abc", "1.5", "-1", "%00"])
def test_project_patch_with_a_non_numeric_id_is_404(api_client, members, pk):
    client = _as(api_client, members[Role.ADMIN])
    response = client.patch(f"/api/v1/projects/{pk}/", {"name": "x"}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_guideline_publish_refuses_nul_text(api_client, members, project):
    client = _as(api_client, members[Role.ADMIN])
    response = client.post(
        f"/api/v1/projects/{project.pk}/guidelines/",
        {"text": f"# G\n{NUL}", "changelog": "c"},
        format="json",
    )
    assert response.status_code == 400
    assert "text" in response.json()


def test_member_username_with_nul_in_the_path_is_not_a_server_error(
    api_client, members, project
):
    client = _as(api_client, members[Role.ADMIN])
    response = client.patch(
        f"/api/v1/projects/{project.pk}/members/a%00b/",
        {"role": "admin"},
        format="json",
    )
    assert response.status_code in (400, 404)
    assert "detail" in response.json()


def test_a_query_parameter_with_nul_is_400(api_client, members, project):
    client = _as(api_client, members[Role.ADMIN])
    response = client.get(
        f"/api/v1/projects/{project.pk}/annotations/", {"annotator": NUL}
    )
    assert response.status_code == 400
