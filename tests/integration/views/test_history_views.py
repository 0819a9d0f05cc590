"""History pages and export: admins and reviewers read them, nobody else; values escaped."""

import csv
import io
import json

import pytest
from django.test import Client

from annotations.choices import Role
from annotations.services.adjudication import gold_save
from tests.factories import ArticleFactory
from tests.factories import annotate as submit
from tests.factories import span as span_in

pytestmark = pytest.mark.django_db

TEXT = "Siemens <b>shares</b> rose after =HYPERLINK(evil) upgraded them."


def span(fragment, label="ORG"):
    return span_in(TEXT, fragment, label)


@pytest.fixture
def worked(project, members):
    article = ArticleFactory(
        project=project, text=TEXT, title="<script>alert('title')</script>"
    )
    submit(article, members[Role.ANNOTATOR], spans=[span("<b>shares</b>")])
    gold_save(
        article=article,
        reviewer=members[Role.REVIEWER],
        spans=[span("=HYPERLINK(evil)")],
        labels={},
        note="<img src=x onerror=alert(1)>",
    )
    return article


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def urls(project, article):
    base = f"/projects/{project.slug}"
    return [
        f"{base}/history/",
        f"{base}/articles/{article.pk}/history/",
        f"{base}/history/export/?format=jsonl",
        f"{base}/history/export/?format=csv",
    ]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (Role.ADMIN, 200),
        (Role.REVIEWER, 200),
        (Role.ANNOTATOR, 404),
        (Role.ML_ENGINEER, 404),
        ("outsider", 404),
    ],
)
def test_only_admins_and_reviewers_read_the_history(
    project, members, worked, who, expected
):
    client = client_for(members[who])
    for url in urls(project, worked):
        assert client.get(url).status_code == expected, url


def test_anonymous_is_sent_to_login(project, worked):
    for url in urls(project, worked):
        response = Client().get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


def test_article_of_another_project_is_404(project, members, worked):
    other = ArticleFactory()
    client = client_for(members[Role.REVIEWER])
    assert (
        client.get(f"/projects/{project.slug}/articles/{other.pk}/history/").status_code
        == 404
    )


def test_pages_escape_article_text_and_values(project, members, worked):
    client = client_for(members[Role.REVIEWER])
    for url in urls(project, worked)[:2]:
        html = client.get(url).content.decode()
        assert "<script>alert(" not in html
        assert "<img src=x" not in html
        assert "<b>shares</b>" not in html
        assert "&lt;b&gt;shares&lt;/b&gt;" in html
    article_page = client.get(urls(project, worked)[1]).content.decode()
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in article_page
    assert "&lt;img src=x onerror=alert(1)&gt;" in article_page


def test_article_page_shows_spans_and_authors(project, members, worked):
    html = (
        client_for(members[Role.ADMIN]).get(urls(project, worked)[1]).content.decode()
    )
    assert html.count('data-testid="history-entry"') == 2
    assert members[Role.ANNOTATOR].username in html
    assert members[Role.REVIEWER].username in html
    assert "=HYPERLINK(evil)" in html


def test_review_and_project_pages_link_to_the_history(project, members, worked):
    client = client_for(members[Role.REVIEWER])
    review = client.get(
        f"/projects/{project.slug}/review/{worked.pk}/"
    ).content.decode()
    assert f'href="/projects/{project.slug}/articles/{worked.pk}/history/"' in review
    page = client.get(f"/projects/{project.slug}/").content.decode()
    assert f'href="/projects/{project.slug}/history/"' in page
    annotator_page = client_for(members[Role.ANNOTATOR]).get(
        f"/projects/{project.slug}/"
    )
    assert 'data-testid="history-link"' not in annotator_page.content.decode()


def test_jsonl_export_has_every_kind_with_before_and_after(project, members, worked):
    response = client_for(members[Role.ADMIN]).get(urls(project, worked)[2])
    assert response["Content-Type"].startswith("application/x-ndjson")
    assert "attachment" in response["Content-Disposition"]
    lines = [
        json.loads(line) for line in b"".join(response.streaming_content).splitlines()
    ]
    kinds = {line["kind"] for line in lines}
    assert {"project", "membership", "annotation", "gold"} <= kinds
    gold = next(line for line in lines if line["kind"] == "gold")
    assert gold["user"] == members[Role.REVIEWER].username
    assert gold["spans_after"][0]["text"] == "=HYPERLINK(evil)"
    times = [line["at"] for line in lines]
    assert times == sorted(times)


def test_csv_export_defuses_formulas(project, members, worked):
    response = client_for(members[Role.ADMIN]).get(urls(project, worked)[3])
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value
    gold = next(row for row in rows if row["kind"] == "gold")
    assert "=HYPERLINK(evil)" in gold["spans_after"]


def test_unknown_export_format_is_a_clear_400(project, members, worked):
    response = client_for(members[Role.ADMIN]).get(
        f"/projects/{project.slug}/history/export/?format=xlsx"
    )
    assert response.status_code == 400
    assert "use jsonl or csv" in response.content.decode()


def test_project_history_pages_newest_first(project, members, worked):
    from annotations.services.projects import membership_set
    from tests.factories import UserFactory

    for _ in range(55):
        membership_set(project=project, user=UserFactory(), role=Role.ANNOTATOR)
    client = client_for(members[Role.ADMIN])
    first = client.get(f"/projects/{project.slug}/history/").content.decode()
    assert first.count('data-testid="history-entry"') == 50
    assert "?page=2" in first
    second = client.get(f"/projects/{project.slug}/history/?page=2").content.decode()
    assert 'data-testid="history-entry"' in second
    assert 'data-kind="project"' in second  # the project's creation is the oldest
