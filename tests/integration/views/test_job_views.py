"""The jobs page and the retry/cancel buttons (views/jobs.py, the pre-annotation panel)."""

import json

import pytest
from django.utils import timezone

from annotations.choices import JobKind, JobStatus
from annotations.models import Job
from tests.factories import JobFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("reviewer", 403), ("annotator", 403), ("outsider", 404)],
)
def test_jobs_page_is_for_admins(client, project, members, who, status):
    JobFactory(project=project, kind=JobKind.EXPORT, publish_error="Broker unreachable")
    client.force_login(members[who])
    response = client.get(f"/projects/{project.slug}/jobs/")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert 'data-state="publish failed"' in html
        assert 'data-testid="job-retry"' in html  # stuck unsent: admins may resend
        assert 'data-testid="job-cancel"' in html
        assert 'hx-trigger="every 5s"' in html  # polls while a job is active


def test_retry_with_htmx_answers_the_row(client, project, members):
    job = JobFactory(project=project, kind=JobKind.EXPORT, status=JobStatus.FAILED)
    client.force_login(members["admin"])
    response = client.post(
        f"/projects/{project.slug}/jobs/{job.pk}/retry/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-state="waiting to be sent"' in html
    assert json.loads(response["HX-Trigger"]) == {"jobChanged": {}}
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED


def test_a_refused_action_is_shown_in_place(client, project, members):
    job = JobFactory(project=project, kind=JobKind.EXPORT, status=JobStatus.RUNNING)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    client.force_login(members["admin"])
    response = client.post(
        f"/projects/{project.slug}/jobs/{job.pk}/retry/", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'data-testid="job-action-error"' in html
    assert "cannot be retried now: it is running" in html
    assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING


def test_cancel_without_javascript_redirects_back(client, project, members):
    job = JobFactory(project=project, kind=JobKind.EXPORT)
    client.force_login(members["admin"])
    back = f"/projects/{project.slug}/"
    response = client.post(
        f"/projects/{project.slug}/jobs/{job.pk}/cancel/", {"next": back}
    )
    assert (response.status_code, response["Location"]) == (302, back)
    assert Job.objects.get(pk=job.pk).cancel_requested_at is not None
    evil = client.post(
        f"/projects/{project.slug}/jobs/{job.pk}/retry/",
        {"next": "https://evil.example/"},
    )
    assert evil["Location"] == f"/projects/{project.slug}/jobs/"


def test_actions_check_role_project_and_name(client, project, members):
    job = JobFactory(project=project, kind=JobKind.EXPORT)
    other = JobFactory(project=ProjectFactory(), kind=JobKind.EXPORT)
    client.force_login(members["reviewer"])
    assert (
        client.post(f"/projects/{project.slug}/jobs/{job.pk}/cancel/").status_code
        == 403
    )
    client.force_login(members["admin"])
    assert (
        client.post(f"/projects/{project.slug}/jobs/{other.pk}/cancel/").status_code
        == 404
    )
    assert (
        client.post(f"/projects/{project.slug}/jobs/{job.pk}/delete/").status_code
        == 404
    )
    assert (
        client.get(f"/projects/{project.slug}/jobs/{job.pk}/cancel/").status_code == 405
    )
    assert Job.objects.get(pk=job.pk).cancel_requested_at is None


def test_preannotation_panel_shows_the_state_and_the_buttons(client, project, members):
    JobFactory(
        project=project, kind=JobKind.PREANNOTATE, publish_error="Broker unreachable"
    )
    client.force_login(members["admin"])
    html = client.get(f"/projects/{project.slug}/preannotation/").content.decode()
    assert 'data-testid="preannotation-state"' in html
    assert "publish failed" in html
    assert 'data-testid="preannotation-retry"' in html
    assert 'data-testid="preannotation-cancel"' in html
    client.force_login(members["reviewer"])  # reviewers see the state, not the buttons
    html = client.get(f"/projects/{project.slug}/preannotation/").content.decode()
    assert "publish failed" in html
    assert 'data-testid="preannotation-retry"' not in html
