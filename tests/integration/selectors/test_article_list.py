"""The article manager's reads: each filter, keyset pages, the capped count, query counts."""

from __future__ import annotations

import pytest

from annotations.choices import AnnotationStatus, GoldStatus, JobKind
from annotations.models import Article, Assignment, Prediction
from annotations.selectors import article_list
from annotations.selectors.article_list import (
    ArticleFilters,
    BadCursor,
    article_count,
    article_page,
)
from tests.factories import (
    ANSWERS,
    TEXT,
    ArticleFactory,
    GoldAnnotationFactory,
    GoldSpanFactory,
    JobFactory,
    annotate,
    span,
    team,
)

pytestmark = pytest.mark.django_db


def ids(project, **filters) -> list[int]:
    page = article_page(project=project, filters=ArticleFilters(**filters))
    return [row.pk for row in page.rows]


@pytest.fixture
def articles(project):
    """Four articles with different work on each (see the names)."""
    made = {
        name: ArticleFactory(project=project, title=name, text=f"{TEXT} {name}")
        for name in ("plain", "anna_submitted", "ben_draft", "gold")
    }
    anna, ben = team(project, ["anna", "ben"])
    annotate(made["anna_submitted"], anna, [span(TEXT, "Siemens", "ORG")])
    annotate(made["ben_draft"], ben, status=AnnotationStatus.DRAFT)
    annotate(made["gold"], anna)
    gold = GoldAnnotationFactory(article=made["gold"], status=GoldStatus.FINAL)
    GoldSpanFactory(gold=gold, start=0, end=7, label="PER", text="Siemens")
    return {name: article.pk for name, article in made.items()}


def test_search_finds_title_and_text(project, articles):
    assert ids(project, q="ben_dr") == [articles["ben_draft"]]
    assert ids(project, q="DEUTSCHE BANK") == sorted(articles.values())
    assert ids(project, q="nowhere") == []


def test_status_per_annotator(project, articles):
    anna = f"{project.slug}-anna"
    ben = f"{project.slug}-ben"
    assert ids(project, annotator=anna, status="submitted") == sorted(
        [articles["anna_submitted"], articles["gold"]]
    )
    assert ids(project, annotator=ben, status="submitted") == []
    assert ids(project, annotator=ben, status="draft") == [articles["ben_draft"]]
    assert articles["plain"] in ids(project, annotator=ben, status="none")
    assert articles["ben_draft"] not in ids(project, annotator=ben, status="none")
    assert ids(project, status="draft") == [articles["ben_draft"]]
    assert ids(project, annotator=anna) == sorted(
        [articles["anna_submitted"], articles["gold"]]
    )


def test_assigned_but_not_started(project, articles):
    anna = f"{project.slug}-anna"
    user = (
        Article.objects.get(pk=articles["plain"])
        .project.memberships.get(user__username=anna)
        .user
    )
    Assignment.objects.create(article_id=articles["plain"], annotator=user)
    assert ids(project, annotator=anna, status="assigned") == [articles["plain"]]
    assert articles["plain"] not in ids(project, annotator=anna, status="none")


def test_gold_label_and_guideline_filters(project, articles):
    assert ids(project, gold="yes") == [articles["gold"]]
    assert articles["gold"] not in ids(project, gold="no")
    assert ids(project, gold=GoldStatus.FINAL) == [articles["gold"]]
    assert ids(project, gold=GoldStatus.DRAFT) == []
    assert ids(project, label="ORG") == [articles["anna_submitted"]]
    assert ids(project, label="PER") == [articles["gold"]]  # in the gold only
    assert ids(project, guideline=99) == []


def test_preannotation_state_and_confidence(project, articles):
    Prediction.objects.create(
        article_id=articles["plain"],
        pipeline="p",
        pipeline_version="1",
        spans=[{"start": 0, "end": 7, "label": "ORG", "text": "Siemens", "score": 0.4}],
        min_score=0.4,
    )
    Article.objects.filter(pk=articles["gold"]).update(
        preannotation_skipped_reason="empty text"
    )
    assert ids(project, preannotation="predicted") == [articles["plain"]]
    assert ids(project, preannotation="skipped") == [articles["gold"]]
    assert articles["plain"] not in ids(project, preannotation="none")
    assert articles["gold"] not in ids(project, preannotation="none")
    assert ids(project, confidence_below=0.5) == [articles["plain"]]
    assert ids(project, confidence_below=0.3) == []


def test_disagreement_and_queue_and_batch(project, articles):
    from django.contrib.auth import get_user_model

    ben = get_user_model().objects.get(username=f"{project.slug}-ben")
    article = Article.objects.get(pk=articles["anna_submitted"])
    annotate(article, ben, labels={**ANSWERS, "sentiment": "positive"})
    annotate(Article.objects.get(pk=articles["gold"]), ben)
    assert ids(project, disagreement="yes") == [articles["anna_submitted"]]
    # "agree": two identical submissions
    assert ids(project, disagreement="no") == [articles["gold"]]
    Article.objects.filter(pk=articles["plain"]).update(in_queue=False)
    assert ids(project, queue="out") == [articles["plain"]]
    assert articles["plain"] not in ids(project, queue="in")
    job = JobFactory(project=project, kind=JobKind.IMPORT)
    Article.objects.filter(pk=articles["ben_draft"]).update(import_job=job)
    assert ids(project, batch=str(job.pk)) == [articles["ben_draft"]]


@pytest.mark.parametrize("sort", list(article_list.SORTS))
def test_keyset_pages_cover_every_article_once_in_order(project, sort):
    for index in range(7):
        ArticleFactory(project=project, title=f"t{index % 3}", priority=index % 2)
    filters = ArticleFilters(sort=sort, per_page=3)
    seen, page = [], article_page(project=project, filters=filters)
    seen += [row.pk for row in page.rows]
    while page.next_cursor:
        filters = ArticleFilters(sort=sort, per_page=3, after=page.next_cursor)
        page = article_page(project=project, filters=filters)
        seen += [row.pk for row in page.rows]
    expected = list(
        Article.objects.filter(project=project)
        .order_by(*article_list.SORTS[sort])
        .values_list("pk", flat=True)
    )
    assert seen == expected


@pytest.mark.parametrize(
    "cursor", ["!!", "WzEsMl0", "eyJhIjoxfQ", "WyJ4Il0", "W3RydWVd"]
)
def test_a_cursor_not_made_here_is_refused(project, cursor):
    ArticleFactory(project=project)
    with pytest.raises(BadCursor, match="broken"):
        article_page(project=project, filters=ArticleFilters(after=cursor))


def test_count_is_capped(project, monkeypatch):
    for _ in range(4):
        ArticleFactory(project=project)
    assert article_count(project=project, filters=ArticleFilters()) == (4, False)
    monkeypatch.setattr(article_list, "COUNT_CAP", 3)
    assert article_count(project=project, filters=ArticleFilters()) == (3, True)


def test_a_page_costs_the_same_queries_whatever_its_rows(
    project, articles, django_assert_num_queries
):
    filters = ArticleFilters(q="Siemens", status="submitted", label="ORG")
    # articles, assignments, annotations, predictions
    with django_assert_num_queries(4):
        article_page(project=project, filters=filters)
    (carla,) = team(project, ["carla"])
    for _ in range(20):
        annotate(ArticleFactory(project=project, text=TEXT + "!" * _), carla)
    with django_assert_num_queries(4):
        page = article_page(project=project, filters=ArticleFilters())
    assert len(page.rows) == 24


@pytest.mark.parametrize("sort", ["id", "-id", "title"])
def test_disagreement_pages_walk_the_cached_ids_in_windows(project, monkeypatch, sort):
    """Pages of the disagreement filter are the same whether the ids go to the
    database whole or a window at a time (windows of 2 here)."""
    monkeypatch.setattr(article_list, "ID_WINDOW", 2)
    anna, ben = team(project, ["anna", "ben"])
    disagreeing = []
    for index in range(7):
        article = ArticleFactory(
            project=project, text=f"{TEXT} {index}", title=f"t{index}"
        )
        annotate(article, anna)
        other = "positive" if index % 3 else ANSWERS["sentiment"]
        annotate(article, ben, labels={**ANSWERS, "sentiment": other})
        if index % 3:
            disagreeing.append(article.pk)
    seen, after = [], ""
    while True:
        filters = ArticleFilters(disagreement="yes", sort=sort, per_page=2, after=after)
        page = article_page(project=project, filters=filters)
        seen += [row.pk for row in page.rows]
        after = page.next_cursor
        if not after:
            break
    expected = list(
        Article.objects.filter(pk__in=disagreeing)
        .order_by(*article_list.SORTS[sort])
        .values_list("pk", flat=True)
    )
    assert seen == expected
    assert article_count(
        project=project, filters=ArticleFilters(disagreement="yes")
    ) == (4, False)
