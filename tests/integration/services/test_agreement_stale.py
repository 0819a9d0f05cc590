"""The dashboard never waits: a stale snapshot is shown while a worker job refreshes it."""

import pytest

from annotations.choices import JobKind, JobStatus
from annotations.models import AgreementSnapshot, Job
from annotations.services.agreement import agreement_current, agreement_recompute_run
from tests.factories import ArticleFactory, annotate, annotator

pytestmark = pytest.mark.django_db


def test_stale_snapshot_is_served_and_refreshed_in_the_background(
    project, django_capture_on_commit_callbacks
):
    anna, ben = annotator(project, "anna"), annotator(project, "ben")
    first = ArticleFactory(project=project)
    annotate(first, anna)
    annotate(first, ben)
    fresh = agreement_current(project=project)
    assert "stale" not in fresh

    second = ArticleFactory(project=project)
    annotate(second, anna)
    annotate(second, ben, labels={"sentiment": "positive", "bias": "biased"})
    with django_capture_on_commit_callbacks() as callbacks:
        stale = agreement_current(project=project, allow_stale=True)
        again = agreement_current(project=project, allow_stale=True)
    assert stale["stale"] is True
    assert stale["questions"] == fresh["questions"]  # the old figures, at once
    assert again["stale"] is True
    jobs = Job.objects.filter(project=project, kind=JobKind.AGREEMENT)
    assert jobs.count() == 1  # one recomputation queued, not one per page view
    assert len(callbacks) == 1

    agreement_recompute_run(job_id=str(jobs.get().pk))
    assert jobs.get().status == JobStatus.DONE
    current = agreement_current(project=project, allow_stale=True)
    assert "stale" not in current
    assert current["questions"]["bias"]["n_items"] == 2
    assert AgreementSnapshot.objects.filter(project=project).count() == 1


def test_api_figures_are_always_current(project, members, api_client):
    anna, ben = annotator(project, "anna"), annotator(project, "ben")
    article = ArticleFactory(project=project)
    annotate(article, anna)
    annotate(article, ben)
    api_client.force_authenticate(members["reviewer"])
    url = f"/api/v1/projects/{project.pk}/agreement/"
    assert api_client.get(url).json()["questions"]["sentiment"]["n_items"] == 1
    other = ArticleFactory(project=project)
    annotate(other, anna)
    annotate(other, ben)
    body = api_client.get(url).json()
    assert body["questions"]["sentiment"]["n_items"] == 2
    assert "stale" not in body


def test_dashboard_shows_the_stale_notice_and_polls(project, members, client):
    anna, ben = annotator(project, "anna"), annotator(project, "ben")
    article = ArticleFactory(project=project)
    annotate(article, anna)
    annotate(article, ben)
    client.force_login(members["reviewer"])
    url = f"/projects/{project.slug}/dashboard/"
    assert 'data-testid="dashboard-stale"' not in client.get(url).content.decode()
    annotate(ArticleFactory(project=project), anna)
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="dashboard-stale"' in html
    assert 'hx-trigger="every 5s"' in html
