"""GET /api/v1/jobs/{id}/: members of the job's project (or its starter) see its progress."""

import pytest

from annotations.choices import JobStatus
from tests.factories import JobFactory, UserFactory
from tests.roles import MEMBERS_READ, role_matrix

pytestmark = pytest.mark.django_db


@role_matrix(MEMBERS_READ)
def test_job_detail_matrix(login_as, project, who, status):
    job = JobFactory(project=project, status=JobStatus.RUNNING, done=3, total=5)
    response = login_as(who).get(f"/api/v1/jobs/{job.pk}/")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert (body["status"], body["done"], body["total"]) == ("running", 3, 5)
        assert body["project"] == project.pk


def test_a_job_without_project_is_its_starters_only(api_client):
    starter, other = UserFactory(), UserFactory()
    job = JobFactory(project=None, created_by=starter)
    api_client.force_authenticate(other)
    assert api_client.get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    api_client.force_authenticate(starter)
    assert api_client.get(f"/api/v1/jobs/{job.pk}/").status_code == 200


ADMINS_ACT = {
    "admin": 200,
    "reviewer": 403,
    "annotator": 403,
    "ml_engineer": 403,
    "outsider": 404,
    "anonymous": 401,
}


@role_matrix(ADMINS_ACT)
def test_cancel_matrix(login_as, project, who, status):
    job = JobFactory(project=project, kind="export")
    response = login_as(who).post(f"/api/v1/jobs/{job.pk}/cancel/")
    assert response.status_code == status
    job.refresh_from_db()
    if status == 200:
        body = response.json()
        assert (body["status"], body["state"]) == ("failed", "cancelled")
        assert job.cancel_requested_at is not None
    else:
        assert (job.status, job.cancel_requested_at) == (JobStatus.QUEUED, None)


@role_matrix(ADMINS_ACT)
def test_retry_matrix(login_as, project, who, status):
    job = JobFactory(project=project, kind="export", status=JobStatus.FAILED, error="x")
    response = login_as(who).post(f"/api/v1/jobs/{job.pk}/retry/")
    assert response.status_code == status
    job.refresh_from_db()
    if status == 200:
        assert response.json()["state"] == "waiting to be sent"
        assert (job.status, job.error) == (JobStatus.QUEUED, "")
    else:
        assert job.status == JobStatus.FAILED


def test_retry_and_cancel_answer_409_with_the_reason(login_as, project):
    done = JobFactory(project=project, kind="export", status=JobStatus.DONE)
    client = login_as("admin")
    response = client.post(f"/api/v1/jobs/{done.pk}/cancel/")
    assert response.status_code == 409
    assert response.json()["detail"].startswith(
        "This job cannot be cancelled: it is done"
    )
    response = client.post(f"/api/v1/jobs/{done.pk}/retry/")
    assert response.status_code == 409
    assert "cannot be retried now: it is done" in response.json()["detail"]


def test_job_detail_says_why_a_job_is_not_moving(login_as, project):
    job = JobFactory(project=project, publish_error="Broker unreachable: refused")
    body = login_as("reviewer").get(f"/api/v1/jobs/{job.pk}/").json()
    assert (body["status"], body["state"]) == ("queued", "publish failed")
    assert "broker" in body["state_help"]
    assert body["attempts"] == 0
    assert body["published_at"] is None


def test_jobs_without_project_only_superusers_may_act(api_client):
    starter, superuser = UserFactory(), UserFactory(is_superuser=True)
    theirs = JobFactory(project=None, created_by=starter, kind="health_check")
    api_client.force_authenticate(starter)
    assert api_client.post(f"/api/v1/jobs/{theirs.pk}/cancel/").status_code == 403
    mine = JobFactory(project=None, created_by=superuser, kind="health_check")
    api_client.force_authenticate(superuser)
    assert api_client.post(f"/api/v1/jobs/{mine.pk}/cancel/").status_code == 200
