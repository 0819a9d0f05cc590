"""``GET, POST /api/v1/articles/{id}/comments/``: roles, the visibility rule, refusals."""

from __future__ import annotations

import pytest

from annotations.choices import Role
from annotations.models import ArticleComment
from annotations.services.comments import comment_add
from annotations.services.queue import assignment_claim
from tests.factories import ArticleFactory, MembershipFactory, UserFactory
from tests.roles import role_matrix


@pytest.fixture
def article(project, members):
    article = ArticleFactory(project=project)
    assignment_claim(article=article, user=members[Role.ANNOTATOR])
    return article


def url(article) -> str:
    return f"/api/v1/articles/{article.pk}/comments/"


@role_matrix(
    {
        Role.ADMIN: 201,
        Role.REVIEWER: 201,
        Role.ANNOTATOR: 201,
        Role.ML_ENGINEER: 403,
        "outsider": 404,
        "anonymous": 401,
    }
)
def test_who_may_write(login_as, article, who, status):
    response = login_as(who).post(
        url(article), {"body": "Is this a quote?"}, format="json"
    )
    assert response.status_code == status, response.content
    assert ArticleComment.objects.count() == (1 if status == 201 else 0)


@role_matrix(
    {
        Role.ADMIN: 200,
        Role.REVIEWER: 200,
        Role.ANNOTATOR: 200,
        Role.ML_ENGINEER: 200,
        "outsider": 404,
        "anonymous": 401,
    }
)
def test_who_may_read(login_as, article, who, status):
    assert login_as(who).get(url(article)).status_code == status


def test_annotators_read_only_their_conversation_and_notes_to_everyone(
    api_client, project, members, article
):
    anna = members[Role.ANNOTATOR]
    ben = UserFactory(username="ben")
    MembershipFactory(project=project, user=ben, role=Role.ANNOTATOR)
    assignment_claim(article=article, user=ben)
    reviewer = members[Role.REVIEWER]
    article.project.user_role = Role.ANNOTATOR
    comment_add(article=article, author=anna, body="Anna: is Kestrel an ORG?")
    comment_add(article=article, author=ben, body="Ben: I marked the CEO as PERSON")
    article.project.user_role = Role.REVIEWER
    comment_add(
        article=article, author=reviewer, body="To Anna: yes", annotator=anna.username
    )
    comment_add(article=article, author=reviewer, body="To Ben: right", annotator="ben")
    comment_add(article=article, author=reviewer, body="To all: see guideline 3")

    api_client.force_authenticate(anna)
    rows = api_client.get(url(article)).json()
    assert [r["body"] for r in rows] == [
        "Anna: is Kestrel an ORG?",
        "To Anna: yes",
        "To all: see guideline 3",
    ]
    assert rows[0]["mine"] is True
    assert reviewer.username not in str(rows)  # other authors by role only
    assert "ben" not in str(rows)

    api_client.force_authenticate(reviewer)
    assert len(api_client.get(url(article)).json()) == 5


def test_articles_not_handed_to_an_annotator_are_404(api_client, project, members):
    elsewhere = ArticleFactory(project=project)
    api_client.force_authenticate(members[Role.ANNOTATOR])
    assert api_client.get(url(elsewhere)).status_code == 404
    assert (
        api_client.post(url(elsewhere), {"body": "x"}, format="json").status_code == 404
    )


def test_bad_input_is_400_with_field_messages(api_client, members, article):
    api_client.force_authenticate(members[Role.ANNOTATOR])
    empty = api_client.post(url(article), {"body": "   "}, format="json")
    assert empty.status_code == 400
    assert "body" in empty.json()
    api_client.force_authenticate(members[Role.REVIEWER])
    nobody = api_client.post(
        url(article), {"body": "hi", "annotator": "nobody"}, format="json"
    )
    assert nobody.status_code == 400
    assert "annotator" in nobody.json()
    assert not ArticleComment.objects.exists()
