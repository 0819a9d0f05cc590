"""The pre-annotation panel: progress for reviewers and admins, a run button for admins."""

import pytest

from annotations.choices import JobKind, Role
from annotations.models import Job
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def url(project):
    return f"/projects/{project.slug}/preannotation/"


@pytest.mark.parametrize(
    ("who", "get_status", "post_status"),
    [
        (Role.ADMIN, 200, 200),
        (Role.REVIEWER, 200, 403),
        (Role.ANNOTATOR, 403, 403),
        (Role.ML_ENGINEER, 403, 403),
        ("outsider", 404, 404),
    ],
)
def test_panel_roles(client, project, members, who, get_status, post_status):
    client.force_login(members[who])
    assert client.get(url(project), HTTP_HX_REQUEST="true").status_code == get_status
    response = client.post(url(project), HTTP_HX_REQUEST="true")
    assert response.status_code == post_status


def test_admin_run_shows_a_polling_progress_fragment(client, project, members):
    ArticleFactory.create_batch(
        2, project=project, text="BASF SE verdient 2,3 Mrd. Euro."
    )
    client.force_login(members[Role.ADMIN])
    response = client.post(url(project), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html  # a fragment for htmx
    assert 'hx-trigger="every 2s"' in html  # keeps polling while the job runs
    assert 'max="2"' in html
    assert Job.objects.filter(kind=JobKind.PREANNOTATE, project=project).count() == 1


def test_unusable_pipeline_is_shown_as_an_error(client, project, members):
    project.pipeline = "missing-model"
    project.save()
    client.force_login(members[Role.ADMIN])
    response = client.post(url(project), HTTP_HX_REQUEST="true")
    assert "Unknown pipeline &#x27;missing-model&#x27;" in response.content.decode()


def test_anonymous_is_sent_to_login(client, project):
    response = client.get(url(project))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
