"""Hostile input on the page forms: a message in place (400), never a 500 (issue 16)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from annotations.choices import Role
from annotations.models import Annotation
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

TEXT = "Siemens raised its guidance."
HX = {"HTTP_HX_REQUEST": "true"}
SPAN = {"start": 0, "end": 7, "label": "ORG", "text": "Siemens"}


@pytest.fixture
def article(project):
    return ArticleFactory(project=project, text=TEXT)


@pytest.fixture
def page_client(members):
    client = Client(raise_request_exception=False)
    client.force_login(members[Role.ANNOTATOR])
    return client


def _save(client, article, **fields):
    url = reverse(
        "annotations:article-save",
        kwargs={"slug": article.project.slug, "pk": article.pk},
    )
    return client.post(url, {"spans": "[]", "action": "draft", **fields}, **HX)


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"version": "1.5"}, id="version-float"),
        pytest.param({"version": str(2**31)}, id="version-2-31"),
        pytest.param({"version": str(10**30)}, id="version-huge"),
        pytest.param({"lead_time_ms": str(2**63)}, id="lead-time-2-63"),
        pytest.param({"lead_time_ms": "-5"}, id="lead-time-negative"),
        pytest.param(
            {"action": "skip", "skip_reason": "x" * 501}, id="skip-reason-too-long"
        ),
        pytest.param(
            {"spans": json.dumps([{**SPAN, "label": ["ORG"]}])}, id="label-list"
        ),
        pytest.param({"spans": json.dumps([{**SPAN, "label": {}}])}, id="label-object"),
        pytest.param(
            {"spans": json.dumps([{**SPAN, "attributes": {"n": "a\x00b"}}])},
            id="attribute-nul",
        ),
        pytest.param(
            {
                "spans": '[{"start":0,"end":7,"label":"ORG","attributes":{"n":"\\ud800"}}]'
            },
            id="attribute-lone-surrogate",
        ),
        pytest.param({"spans": '{"a": 1}'}, id="spans-object"),
        pytest.param({"spans": "1e999"}, id="spans-number"),
    ],
)
def test_page_save_refuses_hostile_fields_in_place(page_client, article, fields):
    response = _save(page_client, article, **fields)
    assert response.status_code == 400, response.content[:500]
    assert b"<html" not in response.content  # the save-state fragment, in place
    assert not Annotation.objects.filter(article=article).exists()


def test_page_reopen_with_a_float_version_is_not_a_server_error(page_client, article):
    url = reverse(
        "annotations:article-reopen",
        kwargs={"slug": article.project.slug, "pk": article.pk},
    )
    response = page_client.post(url, {"version": "1.5"})
    assert response.status_code < 500


@pytest.fixture
def admin_client(members):
    client = Client(raise_request_exception=False)
    client.force_login(members[Role.ADMIN])
    return client


@pytest.mark.parametrize(
    ("path", "form"),
    [
        pytest.param("review/{article}/finish/", {"note": "a\x00b"}, id="gold-note"),
        pytest.param(
            "review/{article}/finish/",
            {"note": "n", "version": str(10**30)},
            id="gold-version-huge",
        ),
        pytest.param(
            "review/{article}/spans/",
            {"start": str(10**30), "end": "2", "label": "ORG"},
            id="review-span-huge-offset",
        ),
        pytest.param(
            "settings/members/", {"user": "a\x00b", "role": "admin"}, id="member-add"
        ),
        pytest.param("settings/members/a%00b/", {"role": "admin"}, id="member-path"),
        pytest.param(
            "settings/guidelines/",
            {"text": "a\x00b", "changelog": "c"},
            id="guidelines",
        ),
        pytest.param(
            "settings/", {"name": "n\x00", "overlap": "2"}, id="settings-name"
        ),
        pytest.param(
            "settings/", {"name": "n", "overlap": str(10**30)}, id="settings-overlap"
        ),
    ],
)
def test_page_forms_refuse_hostile_fields_without_a_server_error(
    admin_client, article, path, form
):
    url = f"/projects/{article.project.slug}/" + path.format(article=article.pk)
    response = admin_client.post(url, form, **HX)
    assert response.status_code < 500, response.content[:300]
