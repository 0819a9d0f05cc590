"""Roles and the 404-for-non-members rule, through the selectors every view uses."""

import pytest
from django.http import Http404

from annotations import permissions, selectors
from annotations.choices import Role
from annotations.models import Assignment
from annotations.services.annotations import annotation_save
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_non_member_gets_404_for_project_and_article(project, members):
    article = ArticleFactory(project=project)
    with pytest.raises(Http404):
        selectors.project_get_for_user(user=members["outsider"], pk=project.pk)
    with pytest.raises(Http404):
        selectors.article_get_for_user(user=members["outsider"], article_id=article.pk)


def test_members_see_their_role(project, members):
    for role in Role.values:
        found = selectors.project_get_for_user(user=members[role], slug=project.slug)
        assert found.user_role == role


def test_project_list_contains_only_own_projects(project, members):
    assert list(selectors.project_list_for_user(user=members[Role.ANNOTATOR])) == [
        project
    ]
    assert project not in selectors.project_list_for_user(user=members["outsider"])


def test_annotator_sees_only_assigned_or_own_articles(project, members):
    annotator = members[Role.ANNOTATOR]
    assigned, annotated, other = ArticleFactory.create_batch(3, project=project)
    Assignment.objects.create(article=assigned, annotator=annotator)
    annotation_save(article=annotated, annotator=annotator, spans=[], labels={})
    visible = set(selectors.article_list_for_user(user=annotator, project=project))
    assert visible == {assigned, annotated}
    with pytest.raises(Http404):
        selectors.article_get_for_user(user=annotator, article_id=other.pk)
    assert selectors.article_get_for_user(user=annotator, article_id=assigned.pk)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.REVIEWER, Role.ML_ENGINEER])
def test_other_roles_see_every_article(project, members, role):
    ArticleFactory.create_batch(3, project=project)
    assert (
        selectors.article_list_for_user(user=members[role], project=project).count()
        == 3
    )


@pytest.mark.parametrize(
    ("predicate", "allowed"),
    [
        (permissions.can_manage_project, {Role.ADMIN}),
        (permissions.can_review, {Role.ADMIN, Role.REVIEWER}),
        (permissions.can_annotate, {Role.ADMIN, Role.REVIEWER, Role.ANNOTATOR}),
        (permissions.can_export, {Role.ADMIN, Role.REVIEWER, Role.ML_ENGINEER}),
        (permissions.can_see_agreement, {Role.ADMIN, Role.REVIEWER, Role.ML_ENGINEER}),
    ],
)
def test_role_matrix(predicate, allowed):
    for role in [*Role.values, None]:
        assert predicate(role) is (role in allowed), (predicate.__name__, role)


def test_ml_engineer_reads_annotations_only_when_project_allows():
    assert (
        permissions.can_read_individual_annotations(Role.ML_ENGINEER, ml_allowed=False)
        is False
    )
    assert (
        permissions.can_read_individual_annotations(Role.ML_ENGINEER, ml_allowed=True)
        is True
    )
    assert (
        permissions.can_read_individual_annotations(Role.ANNOTATOR, ml_allowed=True)
        is False
    )
