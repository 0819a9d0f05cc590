"""The one export role policy (selectors.export_access) and the selectors built on it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from annotations.choices import Role
from annotations.models import Project
from annotations.selectors.annotations import annotation_list_for_user
from annotations.selectors.export_access import (
    export_access,
    export_access_check,
    project_get_for_export,
    project_get_for_release_cut,
    release_cut_check,
)
from annotations.selectors.releases import (
    release_file_get_for_user,
    release_list_for_user,
)
from annotations.services.releases import release_create

# role → (can export, reads individual annotations without / with the ML flag, names)
POLICY = {
    Role.ADMIN: (True, True, True, True),
    Role.REVIEWER: (True, True, True, True),
    Role.ML_ENGINEER: (True, False, True, False),
    Role.ANNOTATOR: (False, False, False, False),
    None: (False, False, False, False),
}


@pytest.mark.parametrize("role", list(POLICY))
def test_policy_table(role):
    can_export, individual, individual_if_allowed, names = POLICY[role]
    closed = export_access(project=Project(ml_can_see_annotations=False), role=role)
    opened = export_access(project=Project(ml_can_see_annotations=True), role=role)
    assert (closed.can_export, closed.read_individual, closed.names_visible) == (
        can_export,
        individual,
        names,
    )
    assert opened.read_individual is individual_if_allowed


# role → may cut releases without / with Project.ml_can_cut_releases
CUTS = {
    Role.ADMIN: (True, True),
    Role.REVIEWER: (False, False),
    Role.ML_ENGINEER: (False, True),
    Role.ANNOTATOR: (False, False),
    None: (False, False),
}


@pytest.mark.parametrize("role", list(CUTS))
def test_release_cut_table(role):
    for allowed, expected in zip((False, True), CUTS[role], strict=True):
        project = Project(ml_can_cut_releases=allowed)
        assert export_access(project=project, role=role).can_cut_releases is expected
        project.user_role = role
        if expected:
            assert release_cut_check(project=project).can_cut_releases is True
        else:
            with pytest.raises(PermissionDenied, match="Only project admins"):
                release_cut_check(project=project)


@pytest.mark.django_db
def test_release_cut_fetch_by_slug_or_id(project, members):
    admin = members[Role.ADMIN]
    assert project_get_for_release_cut(user=admin, slug=project.slug) == project
    assert project_get_for_release_cut(user=admin, project_id=project.pk) == project
    assert project_get_for_export(user=admin, slug=project.slug).user_role == Role.ADMIN
    with pytest.raises(Http404):
        project_get_for_release_cut(user=members["outsider"], slug=project.slug)
    with pytest.raises(PermissionDenied, match="project settings"):
        project_get_for_release_cut(user=members[Role.ML_ENGINEER], slug=project.slug)


def test_check_names_what_is_refused():
    project = Project(ml_can_see_annotations=False)
    project.user_role = Role.ANNOTATOR
    with pytest.raises(PermissionDenied, match="cannot export"):
        export_access_check(project=project)
    with pytest.raises(PermissionDenied, match="cannot read releases"):
        export_access_check(project=project, denied="Your role cannot read releases.")
    project.user_role = Role.ML_ENGINEER
    assert export_access_check(project=project).names_visible is False
    with pytest.raises(PermissionDenied, match="export source=gold"):
        export_access_check(project=project, source="annotations")


@pytest.mark.django_db
def test_outsiders_get_404_and_annotators_403(project, members):
    found = project_get_for_export(
        user=members[Role.ML_ENGINEER], project_id=project.pk
    )
    assert found.user_role == Role.ML_ENGINEER
    with pytest.raises(Http404):
        project_get_for_export(user=members["outsider"], project_id=project.pk)
    with pytest.raises(PermissionDenied):
        project_get_for_export(user=members[Role.ANNOTATOR], project_id=project.pk)


@pytest.mark.django_db
def test_annotation_list_follows_the_same_policy(project, members):
    _, names = annotation_list_for_user(user=members[Role.REVIEWER], project=project)
    assert names is True
    with pytest.raises(PermissionDenied, match="ML engineers"):
        annotation_list_for_user(user=members[Role.ML_ENGINEER], project=project)
    project.ml_can_see_annotations = True
    _, names = annotation_list_for_user(user=members[Role.ML_ENGINEER], project=project)
    assert names is False


@pytest.mark.django_db
def test_release_reads_follow_the_same_policy(project, members, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    release = release_create(project=project)
    reader = members[Role.ML_ENGINEER]
    assert list(release_list_for_user(user=reader, project_id=project.pk)) == [release]
    stored = release_file_get_for_user(
        user=reader, release_id=release.pk, name="manifest.json"
    )
    assert stored.name == "manifest.json"
    with pytest.raises(Http404):
        release_file_get_for_user(user=reader, release_id=release.pk, name="nope")
    with pytest.raises(PermissionDenied, match="read releases"):
        release_list_for_user(user=members[Role.ANNOTATOR], project_id=project.pk)
    with pytest.raises(Http404):
        release_list_for_user(user=members["outsider"], project_id=project.pk)
