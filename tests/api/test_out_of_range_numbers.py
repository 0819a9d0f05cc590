"""Numbers past 64 bits never reach the database as a 500 (issue 17)."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from annotations.choices import Role
from newsroom.ids import DB_INT_MAX, IdConverter, parse_db_int
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999"  # 20 digits
JUST_PAST = str(DB_INT_MAX + 1)  # 19 digits


@pytest.fixture
def admin_client(api_client, members):
    api_client.force_authenticate(members[Role.ADMIN])
    return api_client


@pytest.mark.parametrize("number", [HUGE, JUST_PAST])
def test_an_article_id_past_64_bits_is_404(admin_client, number):
    assert admin_client.get(f"/api/v1/articles/{number}/").status_code == 404
    assert (
        admin_client.get(f"/api/v1/articles/{number}/my-annotation/").status_code == 404
    )


def test_a_project_id_past_64_bits_is_404_on_the_router_route_too(admin_client):
    response = admin_client.get(f"/api/v1/projects/{HUGE}/")
    assert response.status_code == 404


def test_the_largest_storable_id_is_an_ordinary_not_found(admin_client):
    assert admin_client.get(f"/api/v1/articles/{DB_INT_MAX}/").status_code == 404


@pytest.mark.parametrize("value", [HUGE, JUST_PAST, "-1", "0", "1.5", "abc"])
def test_an_article_filter_out_of_range_or_not_whole_is_400(
    admin_client, project, value
):
    response = admin_client.get(
        f"/api/v1/projects/{project.pk}/annotations/", {"article": value}
    )
    assert response.status_code == 400
    assert "article" in response.json()


def test_an_article_filter_in_range_still_filters(admin_client, project):
    article = ArticleFactory(project=project)
    response = admin_client.get(
        f"/api/v1/projects/{project.pk}/annotations/", {"article": article.pk}
    )
    assert response.status_code == 200


def test_a_huge_number_in_a_body_is_400_not_500(admin_client, project):
    """The middleware's safety net for fields without a bound of their own."""
    response = admin_client.post(
        f"/api/v1/projects/{project.pk}/preannotate/",
        {"article_ids": [int(HUGE)]},
        format="json",
    )
    assert response.status_code == 400
    # SQLite overflows (the middleware answers); PostgreSQL compares as numeric
    # and the view reports the unknown article.
    assert response.json() in (
        {"detail": "A number in the request is out of range."},
        {"article_ids": [f"Not articles of this project: [{HUGE}]"]},
    )


def test_a_page_with_a_huge_article_id_is_404(client, project, members):
    client.force_login(members[Role.ADMIN])
    response = client.get(f"/projects/{project.slug}/articles/{HUGE}/")
    assert response.status_code == 404


def test_parse_db_int_bounds():
    assert parse_db_int("0") == 0
    assert parse_db_int(str(DB_INT_MAX)) == DB_INT_MAX
    with pytest.raises(ValueError, match="outside"):
        parse_db_int(JUST_PAST)
    with pytest.raises(ValueError, match="outside"):
        parse_db_int("0", minimum=1)
    with pytest.raises(ValueError, match="invalid literal"):
        parse_db_int("x")


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.pattern.converters


def test_no_url_takes_an_unbounded_int():
    """New routes use <id:...>; <int:...> would let 20-digit ids reach the database."""
    unbounded = [
        route
        for route, converters in _patterns(get_resolver())
        if any(isinstance(c, IntConverter) for c in converters.values())
    ]
    assert unbounded == []
    used = [
        route
        for route, converters in _patterns(get_resolver())
        if any(isinstance(c, IdConverter) for c in converters.values())
    ]
    assert len(used) > 20
