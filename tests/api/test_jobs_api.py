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
