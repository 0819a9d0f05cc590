"""The article manager page: who may open it, filters in place, htmx partials, bulk actions."""

from __future__ import annotations

import pytest
from django.test import Client

from annotations.choices import AssignmentState, Role
from annotations.models import Article, Assignment
from annotations.services.queue import assignment_next
from tests.factories import TEXT, ArticleFactory, annotate, team
from tests.roles import role_matrix

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(project, tail: str = "") -> str:
    return f"/projects/{project.slug}/articles/{tail}"


@role_matrix(
    {
        Role.ADMIN: 200,
        Role.REVIEWER: 200,
        Role.ANNOTATOR: 403,
        Role.ML_ENGINEER: 403,
        "outsider": 404,
        "anonymous": 302,
    }
)
@pytest.mark.parametrize("tail", ["", "count/"])
def test_who_may_open_the_manager(project, members, who, status, tail):
    ArticleFactory(project=project)
    client = Client() if who == "anonymous" else client_for(members[who])
    response = client.get(url(project, tail))
    assert response.status_code == status
    if status == 403:
        assert 'class="topbar"' in response.content.decode()  # the styled page


@role_matrix(
    {
        Role.ADMIN: 302,
        Role.REVIEWER: 403,
        Role.ANNOTATOR: 403,
        Role.ML_ENGINEER: 403,
        "outsider": 404,
        "anonymous": 302,
    }
)
def test_only_admins_act_on_articles(project, members, who, status):
    article = ArticleFactory(project=project)
    client = Client() if who == "anonymous" else client_for(members[who])
    response = client.post(
        url(project, "bulk/"), {"action": "dequeue", "articles": [article.pk]}
    )
    assert response.status_code == status
    article.refresh_from_db()
    assert article.in_queue is (who != Role.ADMIN)


def test_rows_link_to_view_review_and_history_and_escape_titles(project, members):
    article = ArticleFactory(project=project, title="<script>x</script>")
    html = client_for(members[Role.REVIEWER]).get(url(project)).content.decode()
    base = f"/projects/{project.slug}"
    assert f'href="{base}/articles/{article.pk}/"' in html
    assert f'href="{base}/review/{article.pk}/"' in html
    assert f'href="{base}/articles/{article.pk}/history/"' in html
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;" in html
    assert 'data-testid="bulk-actions"' not in html  # reviewers only read


def test_htmx_gets_the_results_partial(project, members):
    ArticleFactory(project=project, title="Siemens story")
    ArticleFactory(project=project, title="Other")
    response = client_for(members[Role.ADMIN]).get(
        url(project, "?q=siemens"), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html
    assert html.strip().startswith('<section id="article-results"')
    assert html.count('data-testid="article-row"') == 1


@pytest.mark.parametrize(
    ("query", "testid", "message"),
    [
        ("?status=lost", "filter-error-status", "Select a valid choice"),
        ("?annotator=nobody", "filter-error-annotator", "Select a valid choice"),
        ("?confidence_below=2", "filter-error-confidence_below", "less than or equal"),
        ("?guideline=7", "filter-error-guideline", "Select a valid choice"),
        ("?after=garbage!", "filter-error", "start from the first page"),
    ],
)
def test_bad_filters_are_answered_in_place(project, members, query, testid, message):
    ArticleFactory(project=project)
    response = client_for(members[Role.ADMIN]).get(url(project, query))
    html = response.content.decode()
    assert response.status_code == 400
    assert f'data-testid="{testid}"' in html
    assert message in html


def test_next_page_link_continues_where_the_page_ended(project, members):
    for index in range(52):
        ArticleFactory(project=project, title=f"a{index:02d}")
    client = client_for(members[Role.ADMIN])
    first = client.get(url(project, "?sort=title")).content.decode()
    assert first.count('data-testid="article-row"') == 50
    href = first.split('data-testid="page-next"')[0].rsplit('href="', 1)[1]
    href = href.split('"')[0].replace("&amp;", "&")
    second = client.get(url(project, href)).content.decode()
    assert second.count('data-testid="article-row"') == 2
    assert ">a50<" in second
    assert ">a51<" in second
    assert 'data-testid="page-first"' in second


def test_count_partial(project, members):
    for _ in range(3):
        ArticleFactory(project=project)
    html = client_for(members[Role.ADMIN]).get(url(project, "count/")).content.decode()
    assert html.strip() == "3 articles"


def test_manager_page_query_count_does_not_grow_with_rows(
    project, members, django_assert_max_num_queries
):
    anna, ben = team(project, ["anna", "ben"])
    for index in range(30):
        article = ArticleFactory(project=project, text=f"{TEXT} {index}")
        annotate(article, anna if index % 2 else ben)
    client = client_for(members[Role.ADMIN])
    query = f"?status=submitted&annotator={anna.username}&gold=no&sort=-title"
    # session, user, project+role, options (3), page (4), nav role, savepoints
    with django_assert_max_num_queries(14):
        response = client.get(url(project, query))
    assert response.content.decode().count('data-testid="article-row"') == 15


def test_bulk_assign_reports_refusals(project, members):
    anna, ben = team(project, ["anna", "ben"])
    project.overlap = 1
    project.save(update_fields=["overlap"])
    free, taken = ArticleFactory(project=project), ArticleFactory(project=project)
    annotate(taken, ben)
    response = client_for(members[Role.ADMIN]).post(
        url(project, "bulk/"),
        {
            "action": "assign",
            "annotator": anna.username,
            "articles": [free.pk, taken.pk],
            "back": "sort=title",
        },
        follow=True,
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0].endswith("?sort=title")
    assert "1 article(s) assigned" in html
    assert f"Article {taken.pk}: All 1 slot(s)" in html
    assert Assignment.objects.get(article=free).annotator == anna
    assert not Assignment.objects.filter(article=taken, annotator=anna).exists()


def test_remove_from_queue_frees_unstarted_slots(project, members):
    (anna,) = team(project, ["anna"])
    article = ArticleFactory(project=project)
    assert assignment_next(project=project, user=anna) == article
    client_for(members[Role.ADMIN]).post(
        url(project, "bulk/"), {"action": "dequeue", "articles": [article.pk]}
    )
    assert Assignment.objects.get(article=article).state == AssignmentState.RELEASED
    assert assignment_next(project=project, user=anna) is None
    client_for(members[Role.ADMIN]).post(
        url(project, "bulk/"), {"action": "enqueue", "articles": [article.pk]}
    )
    assert assignment_next(project=project, user=anna) == article


def test_delete_shows_the_counts_first_then_deletes(project, members):
    (anna,) = team(project, ["anna"])
    articles = [ArticleFactory(project=project, text=f"{TEXT} {i}") for i in range(2)]
    annotate(articles[0], anna)
    client = client_for(members[Role.ADMIN])
    ids = [a.pk for a in articles]
    confirm = client.post(url(project, "bulk/"), {"action": "delete", "articles": ids})
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "2 articles will be deleted" in html
    assert "with 1 annotation" in html
    assert Article.objects.filter(pk__in=ids).count() == 2
    wrong = client.post(
        url(project, "bulk/"), {"action": "delete", "articles": ids, "confirm": 3}
    )
    assert wrong.status_code == 400
    assert "not the 3 you confirmed" in wrong.content.decode()
    done = client.post(
        url(project, "bulk/"),
        {"action": "delete", "articles": ids, "confirm": 2},
        follow=True,
    )
    assert "2 article(s) deleted" in done.content.decode()
    assert not Article.objects.filter(pk__in=ids).exists()


def test_bulk_refuses_articles_of_another_project(project, members):
    other = ArticleFactory()
    mine = ArticleFactory(project=project)
    response = client_for(members[Role.ADMIN]).post(
        url(project, "bulk/"), {"action": "dequeue", "articles": [mine.pk, other.pk]}
    )
    assert response.status_code == 400
    assert "Not articles of this project" in response.content.decode()
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.in_queue is True
    assert other.in_queue is True


def test_bulk_without_selection_or_annotator_is_refused_in_place(project, members):
    article = ArticleFactory(project=project)
    client = client_for(members[Role.ADMIN])
    none = client.post(url(project, "bulk/"), {"action": "dequeue"})
    assert none.status_code == 400
    assert "Select at least one article" in none.content.decode()
    nobody = client.post(
        url(project, "bulk/"), {"action": "assign", "articles": [article.pk]}
    )
    assert nobody.status_code == 400
    assert "Choose whom to assign" in nobody.content.decode()
