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
    assert 'hx-trigger="every 2s, jobChanged from:body"' in html  # polls while it runs
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


def test_panel_shows_quality_against_gold(client, project, members):
    from annotations.models import GoldAnnotation, GoldSpan, Prediction

    article = ArticleFactory(project=project, text="Siemens AG and BASF SE gained.")
    Prediction.objects.create(
        article=article,
        pipeline="fin-en",
        pipeline_version="v1",
        spans=[
            {"start": 0, "end": 10, "label": "ORG", "text": "Siemens AG", "score": 1}
        ],
    )
    gold = GoldAnnotation.objects.create(
        article=article, reviewer=members[Role.REVIEWER], text_sha256="x"
    )
    GoldSpan.objects.create(gold=gold, start=0, end=10, label="ORG", text="Siemens AG")
    GoldSpan.objects.create(gold=gold, start=15, end=22, label="ORG", text="BASF SE")
    client.force_login(members[Role.REVIEWER])
    html = client.get(url(project), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="preannotation-quality"' in html
    # ORG: precision 1.00 (1 of 1), recall 0.50 (1 of 2)
    assert "<td>1.00</td><td>0.50</td><td>0.67</td>" in html
