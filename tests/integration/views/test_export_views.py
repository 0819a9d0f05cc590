"""The export and releases page (/projects/{slug}/exports/): who opens it, what it offers,
the download (the API's bytes), export jobs and their progress partial, cutting releases."""

from __future__ import annotations

import re
import uuid

import pytest

from annotations.choices import JobKind, JobStatus, Role
from annotations.exporters import REGISTRY
from annotations.models import Job, Release
from annotations.services.exports import export_job_run
from annotations.services.releases import release_create
from tests.factories import TEXT, ArticleFactory, JobFactory, annotate, annotator, span

pytestmark = pytest.mark.django_db

WHO_OPENS = {
    Role.ADMIN: 200,
    Role.REVIEWER: 200,
    Role.ML_ENGINEER: 200,
    Role.ANNOTATOR: 403,
    "outsider": 404,
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def annotated(project):
    """Two articles, each submitted by two annotators (consensus gold for both)."""
    anna, ben = annotator(project, "anna"), annotator(project, "ben")
    made = []
    for number in range(2):
        article = ArticleFactory(project=project, text=TEXT, external_id=f"x-{number}")
        for person in (anna, ben):
            annotate(article, person, [span(TEXT, "Siemens", "ORG")])
        made.append(article)
    return made


def url(project, tail: str = "") -> str:
    return f"/projects/{project.slug}/exports/{tail}"


@pytest.mark.parametrize(("who", "status"), list(WHO_OPENS.items()))
def test_who_opens_the_page(client, project, members, who, status):
    client.force_login(members[who])
    response = client.get(url(project))
    assert response.status_code == status
    page = response.content.decode()
    if status == 403:
        assert 'data-testid="error-403"' in page
        assert "cannot export" in page
    if status == 404:
        assert 'data-testid="error-404"' in page
        assert project.name not in page


def test_anonymous_is_sent_to_login(client, project):
    response = client.get(url(project))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_form_offers_the_registry_and_only_allowed_sources(client, project, members):
    client.force_login(members[Role.ML_ENGINEER])
    page = client.get(url(project)).content.decode()
    for name in REGISTRY:
        assert f'data-testid="format-{name}"' in page
    assert 'data-testid="source-gold"' in page
    assert 'data-testid="source-annotations"' not in page  # the project's default
    assert 'data-testid="release-form"' not in page
    client.force_login(members[Role.REVIEWER])
    page = client.get(url(project)).content.decode()
    assert 'data-testid="source-annotations"' in page
    assert 'data-testid="release-form"' not in page  # reviewers never cut releases
    client.force_login(members[Role.ADMIN])
    assert 'data-testid="release-form"' in client.get(url(project)).content.decode()


def test_ml_engineer_gets_the_release_form_where_the_project_allows(
    client, project, members
):
    project.ml_can_cut_releases = True
    project.save(update_fields=["ml_can_cut_releases"])
    client.force_login(members[Role.ML_ENGINEER])
    assert 'data-testid="release-form"' in client.get(url(project)).content.decode()


def test_download_streams_the_same_bytes_as_the_api(
    client, project, members, annotated
):
    client.force_login(members[Role.ML_ENGINEER])
    query = "format=jsonl&source=gold&labels=ORG&mode=stream"
    page = client.get(url(project, f"download/?{query}"))
    api = client.get(f"/api/v1/projects/{project.pk}/export/?{query}")
    assert page.status_code == 200
    assert page["Content-Disposition"] == (
        f'attachment; filename="{project.slug}-gold-jsonl.jsonl"'
    )
    body = b"".join(page.streaming_content)
    assert body == b"".join(api.streaming_content)
    assert body.count(b"\n") == len(annotated)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("format=nope&source=gold", "format", "Select a valid choice"),
        ("format=jsonl&source=gold&labels=NOPE", "labels", "Select a valid choice"),
        ("format=jsonl&source=gold&status=submitted", "status", "Unknown status"),
        ("format=jsonl&source=gold&guideline_version=0", "guideline_version", "1"),
        (
            "format=jsonl&source=gold&guideline_version=99999999999999999999",
            "guideline_version",
            "2147483647",
        ),
        ("format=jsonl&source=gold&updated_since=yesterday", "updated_since", "valid"),
    ],
)
def test_bad_input_is_shown_next_to_its_field(
    client, project, members, query, field, message
):
    client.force_login(members[Role.ADMIN])
    response = client.get(url(project, f"download/?{query}"))
    assert response.status_code == 400
    page = response.content.decode()
    errors = re.findall(rf'data-testid="error-{field}">([^<]*)<', page)
    assert errors, page
    assert message in errors[0]
    assert 'data-testid="export-form"' in page  # the form again, as typed


def test_ml_engineer_cannot_force_the_annotations_source(client, project, members):
    client.force_login(members[Role.ML_ENGINEER])
    response = client.get(url(project, "download/?format=jsonl&source=annotations"))
    assert response.status_code == 400
    assert 'data-testid="error-source"' in response.content.decode()


def test_export_as_a_job_then_its_progress_and_file(
    client, project, members, annotated, django_capture_on_commit_callbacks
):
    client.force_login(members[Role.ML_ENGINEER])
    with django_capture_on_commit_callbacks() as queued:
        response = client.get(
            url(project, "download/?format=conll&source=gold&mode=job")
        )
    assert len(queued) == 1  # the task goes to the worker once committed
    job = Job.objects.get(kind=JobKind.EXPORT, project=project)
    assert response.status_code == 302
    assert response["Location"] == url(project, f"jobs/{job.pk}/")
    page = client.get(response["Location"]).content.decode()
    assert "<html" in page
    assert 'hx-trigger="every 1s"' in page
    partial = client.get(response["Location"], headers={"HX-Request": "true"})
    fragment = partial.content.decode()
    assert "<html" not in fragment
    assert 'data-status="queued"' in fragment
    assert 'data-testid="job-download"' not in fragment

    export_job_run(job_id=str(job.pk))  # what the worker does
    fragment = client.get(
        response["Location"], headers={"HX-Request": "true"}
    ).content.decode()
    assert 'data-status="done"' in fragment
    assert "every 1s" not in fragment  # polling stops
    assert f'href="/api/v1/jobs/{job.pk}/download/"' in fragment
    job.refresh_from_db()
    assert job.result["sha256"] in fragment
    download = client.get(f"/api/v1/jobs/{job.pk}/download/")
    assert download.status_code == 200


def test_job_page_shows_a_failure(client, project, members):
    job = JobFactory(
        project=project,
        kind=JobKind.EXPORT,
        status=JobStatus.FAILED,
        error="ExportFailed: spans fit no token",
    )
    client.force_login(members[Role.ADMIN])
    page = client.get(url(project, f"jobs/{job.pk}/")).content.decode()
    assert 'data-testid="job-error"' in page
    assert "spans fit no token" in page


def test_job_pages_of_other_projects_kinds_and_roles_are_closed(
    client, project, members
):
    other = JobFactory(kind=JobKind.EXPORT)  # another project's export
    preannotation = JobFactory(project=project, kind=JobKind.PREANNOTATE)
    mine = JobFactory(project=project, kind=JobKind.EXPORT)
    client.force_login(members[Role.ADMIN])
    assert client.get(url(project, f"jobs/{other.pk}/")).status_code == 404
    assert client.get(url(project, f"jobs/{preannotation.pk}/")).status_code == 404
    assert client.get(url(project, f"jobs/{uuid.uuid4()}/")).status_code == 404
    client.force_login(members[Role.ANNOTATOR])
    assert client.get(url(project, f"jobs/{mine.pk}/")).status_code == 403
    client.force_login(members["outsider"])
    assert client.get(url(project, f"jobs/{mine.pk}/")).status_code == 404


def test_admin_cuts_a_release_and_sees_its_files_and_checksums(
    client, project, members, annotated
):
    client.force_login(members[Role.ADMIN])
    response = client.post(url(project, "releases/"), {"note": "first round"})
    release = Release.objects.get(project=project)
    assert response.status_code == 302
    assert response["Location"] == url(project) + f"#release-{release.number}"
    assert release.note == "first round"
    assert release.created_by == members[Role.ADMIN]
    page = client.get(url(project)).content.decode()
    assert 'data-testid="release-1"' in page
    for stored in release.files.all():
        assert stored.sha256 in page
        assert f'href="/api/v1/releases/{release.pk}/files/{stored.name}"' in page
    assert "first round" in page
    assert "First release" in page
    assert f"{len(annotated)} articles" in page


def test_release_as_a_job_goes_to_its_page(
    client, project, members, django_capture_on_commit_callbacks
):
    client.force_login(members[Role.ADMIN])
    with django_capture_on_commit_callbacks():
        response = client.post(url(project, "releases/"), {"as_job": "on"})
    job = Job.objects.get(kind=JobKind.RELEASE, project=project)
    assert response["Location"] == url(project, f"jobs/{job.pk}/")
    assert not Release.objects.filter(project=project).exists()


def test_a_too_long_note_is_refused_in_place(client, project, members):
    client.force_login(members[Role.ADMIN])
    response = client.post(url(project, "releases/"), {"note": "x" * 2001})
    assert response.status_code == 400
    assert 'data-testid="release-errors"' in response.content.decode()
    assert not Release.objects.filter(project=project).exists()


@pytest.mark.parametrize(
    ("who", "allowed", "status"),
    [
        (Role.ADMIN, False, 302),
        (Role.ML_ENGINEER, False, 403),
        (Role.ML_ENGINEER, True, 302),
        (Role.REVIEWER, True, 403),
        (Role.ANNOTATOR, True, 403),
        ("outsider", True, 404),
    ],
)
def test_who_cuts_releases_follows_the_project_setting(
    client, project, members, who, allowed, status
):
    project.ml_can_cut_releases = allowed
    project.save(update_fields=["ml_can_cut_releases"])
    client.force_login(members[who])
    response = client.post(url(project, "releases/"), {"note": ""})
    assert response.status_code == status
    assert Release.objects.filter(project=project).exists() is (status == 302)


def test_release_list_shows_the_changelog_against_the_previous_one(
    client, project, members, annotated
):
    release_create(project=project)
    ArticleFactory(project=project, text=TEXT)  # no annotations: not in gold
    annotate(annotated[0], members[Role.REVIEWER], [span(TEXT, "Deutsche Bank", "ORG")])
    release_create(project=project, note="second")
    client.force_login(members[Role.REVIEWER])
    page = client.get(url(project)).content.decode()
    assert page.index('data-testid="release-2"') < page.index('data-testid="release-1"')
    assert "Since release 1" in page
