"""Reads behind the admin side: project for admins, members, project list and page,
the pre-annotation panel, predictions, trained pipelines, guideline diff and reading."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from annotations.choices import JobKind, JobStatus, Role
from annotations.models import Article, Prediction, TrainedPipeline
from annotations.selectors import project_get_for_user
from annotations.selectors.guidelines import guideline_reading, guideline_version_diff
from annotations.selectors.members import member_get, member_list
from annotations.selectors.preannotation import (
    preannotation_panel,
    prediction_list_for_user,
)
from annotations.selectors.projects import (
    project_get_for_admin,
    project_list_with_article_counts,
    project_overview,
)
from annotations.selectors.training import trained_pipeline_list
from annotations.services.assignments import assignment_assign
from annotations.services.guidelines import guideline_version_publish
from annotations.services.jobs import job_create
from tests.factories import ArticleFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_project_for_admin_404_for_outsiders_403_for_other_roles(project, members):
    found = project_get_for_admin(user=members[Role.ADMIN], slug=project.slug)
    assert (found.pk, found.user_role, found.guideline_number) == (
        project.pk,
        Role.ADMIN,
        1,
    )
    assert project_get_for_admin(user=members[Role.ADMIN], pk=project.pk) == project
    with pytest.raises(Http404):
        project_get_for_admin(user=members["outsider"], pk=project.pk)
    for role in (Role.REVIEWER, Role.ANNOTATOR, Role.ML_ENGINEER):
        with pytest.raises(PermissionDenied):
            project_get_for_admin(user=members[role], pk=project.pk)


def test_members_by_username_and_404_for_strangers(project, members):
    names = [m.user.username for m in member_list(project=project)]
    assert names == sorted(names)
    assert members["outsider"].username not in names
    assert member_get(project=project, username=names[0]).user.username == names[0]
    with pytest.raises(Http404):
        member_get(project=project, username=members["outsider"].username)


def test_project_list_counts_articles(project, members):
    ArticleFactory.create_batch(3, project=project)
    other = ProjectFactory()
    ArticleFactory(project=other)
    (listed,) = project_list_with_article_counts(user=members[Role.ANNOTATOR])
    assert (listed.pk, listed.article_count, listed.user_role) == (
        project.pk,
        3,
        Role.ANNOTATOR,
    )


def test_overview_lists_titles_only_for_roles_that_read_everything(project, members):
    ArticleFactory.create_batch(2, project=project)
    for role, listed, counted in ((Role.REVIEWER, 2, 2), (Role.ANNOTATOR, 0, 0)):
        mine = project_get_for_user(user=members[role], pk=project.pk)
        overview = project_overview(user=members[role], project=mine)
        assert len(overview.articles) == listed
        assert overview.article_count == counted  # nothing assigned to the annotator
        assert overview.guideline.number == 1


def test_panel_counts_and_active_job(project, members):
    done, skipped, _untouched = ArticleFactory.create_batch(3, project=project)
    Prediction.objects.create(article=done, pipeline="fin-en", pipeline_version="1")
    Article.objects.filter(pk=skipped.pk).update(preannotation_skipped_reason="empty")
    assert preannotation_panel(project=project).job is None
    job = job_create(kind=JobKind.PREANNOTATE, project=project, total=3)
    panel = preannotation_panel(project=project)
    assert (panel.article_count, panel.predicted_count) == (3, 1)
    assert [s["id"] for s in panel.skipped] == [skipped.pk]
    assert panel.versions == [("fin-en", "1")]
    assert panel.job == job
    assert panel.job_active
    job.status = JobStatus.DONE
    job.save()
    assert not preannotation_panel(project=project).job_active


def test_annotators_see_no_predictions_on_calibration_articles(project, members):
    article = ArticleFactory(project=project, is_calibration=True)
    Prediction.objects.create(article=article, pipeline="fin-en", pipeline_version="1")
    reviewer = prediction_list_for_user(
        user=members[Role.REVIEWER], article_id=article.pk
    )
    assert len(reviewer) == 1
    assignment_assign(
        article=article, annotator=members[Role.ANNOTATOR], assigned_by=None
    )
    assert (
        prediction_list_for_user(user=members[Role.ANNOTATOR], article_id=article.pk)
        == []
    )
    with pytest.raises(Http404):
        prediction_list_for_user(user=members["outsider"], article_id=article.pk)


def test_trained_pipelines_newest_first(project):
    first = TrainedPipeline.objects.create(project=project, name="m", version="v1")
    second = TrainedPipeline.objects.create(project=project, name="m", version="v2")
    TrainedPipeline.objects.create(project=ProjectFactory(), name="m", version="v1")
    TrainedPipeline.objects.filter(pk=first.pk).update(created_at="2020-01-01T00:00Z")
    assert list(trained_pipeline_list(project=project)) == [second, first]


def test_guideline_diff_defaults_to_previous_and_404_for_unknown(project, members):
    admin = members[Role.ADMIN]
    guideline_version_publish(
        project=project, author=admin, text="# v2\nMark ORG.", changelog="v2"
    )
    diff = guideline_version_diff(project=project)
    assert (diff.old.number, diff.new.number) == (1, 2)
    assert [v.number for v in diff.versions] == [2, 1]
    assert "<ins>" in str(diff.diff_html)
    assert diff.scheme_changes == []
    same = guideline_version_diff(project=project, from_number=2, to_number=2)
    assert "did not change" in str(same.diff_html)
    with pytest.raises(Http404):
        guideline_version_diff(project=project, to_number=9)


def test_guideline_reading_renders_a_version_with_label_help(project, members):
    guideline_version_publish(
        project=project,
        author=members[Role.ADMIN],
        text="## ORG\nCompanies <script>x</script>.",
        changelog="v2",
    )
    reading = guideline_reading(project=project)
    assert reading.version.number == 2
    assert "<script>" not in str(reading.html)
    org = next(label for label in reading.labels if label.key == "ORG")
    assert "Companies" in str(org.section_html)
    assert guideline_reading(project=project, number=1).version.number == 1
    with pytest.raises(Http404):
        guideline_reading(project=project, number=7)
