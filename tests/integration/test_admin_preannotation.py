"""The Django admin: the pre-annotation action and pipeline validation in the form."""

import pytest

from annotations.choices import JobKind
from annotations.models import Job
from tests.factories import ArticleFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_admin_action_queues_a_job(superuser_client):
    project = ProjectFactory(language="de", pipeline="fin-de")
    ArticleFactory.create_batch(3, project=project)
    response = superuser_client.post(
        "/admin/annotations/project/",
        {"action": "run_preannotation", "_selected_action": [project.pk]},
        follow=True,
    )
    assert response.status_code == 200
    job = Job.objects.get(kind=JobKind.PREANNOTATE, project=project)
    assert job.total == 3
    assert "queued for 3 article(s) with fin-de" in response.content.decode()


def test_admin_action_reports_an_unusable_pipeline(superuser_client):
    project = ProjectFactory(pipeline="fin-xx")
    response = superuser_client.post(
        "/admin/annotations/project/",
        {"action": "run_preannotation", "_selected_action": [project.pk]},
        follow=True,
    )
    assert "Unknown pipeline &#x27;fin-xx&#x27;" in response.content.decode()
    assert not Job.objects.exists()


def test_admin_form_refuses_an_unknown_pipeline(superuser_client):
    project = ProjectFactory()
    from annotations.admin import ProjectAdminForm

    data = {
        "slug": project.slug,
        "name": project.name,
        "language": "en",
        "scheme": '{"span_labels": [], "questions": []}',
        "overlap": 2,
        "pipeline": "gpt-whatever",
        "label_mapping": "{}",
        "pipeline_options": "{}",
        "split_ratios": "[]",
        "consensus": "{}",
        "calibration_share": 0,
        "lease_minutes": 30,
        "model_switch_margin": 0.02,
        "queue_order": "default",
    }
    form = ProjectAdminForm(data=data, instance=project)
    assert set(form.errors) <= {"pipeline"}, form.errors  # only the pipeline is wrong
    assert not form.is_valid()
    assert "Unknown pipeline 'gpt-whatever'" in form.errors["pipeline"][0]
