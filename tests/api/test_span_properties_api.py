"""Property test through the API: any span body is a 2xx/4xx answer, never a 5xx.

Hypothesis draws span lists of arbitrary JSON (with lone surrogates, NUL,
huge numbers, wrong types) for ``PUT my-annotation``; a 400 stores nothing.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.choices import Role
from annotations.models import Annotation
from tests.factories import ArticleFactory
from tests.unit.core.test_offsets_properties import JSON_VALUES, SPAN_FIELDS

pytestmark = pytest.mark.django_db
TEXT = "Siemens 📈 steigt\r\num 3,5 Prozent; Société Générale fällt."


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    spans=st.one_of(
        st.lists(st.one_of(SPAN_FIELDS, JSON_VALUES), max_size=3), JSON_VALUES
    ),
    labels=JSON_VALUES,
)
def test_any_span_body_is_answered_without_a_server_error(
    api_client, members, project, spans, labels
):
    article = ArticleFactory(project=project, text=TEXT)
    api_client.force_authenticate(members[Role.REVIEWER])  # no claim needed
    response = api_client.generic(
        "PUT",
        f"/api/v1/articles/{article.pk}/my-annotation/",
        json.dumps({"spans": spans, "labels": labels, "status": "draft"}),
        content_type="application/json",
    )
    assert response.status_code in (201, 400), response.content
    body = response.json()
    if response.status_code == 400:
        assert isinstance(body, dict)
        assert body
        assert not Annotation.objects.filter(article=article).exists()
    else:
        for span in body["spans"]:
            assert TEXT[span["start"] : span["end"]] == span["text"]
