"""The import page: upload or paste, preview, map unknown labels, start, follow the job."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from annotations.choices import Role
from annotations.models import Article, Job
from annotations.services.article_import import import_job_run
from tests.roles import role_matrix

pytestmark = pytest.mark.django_db

TEXT = "Siemens hebt die Prognose an."
DOCCANO = (
    json.dumps({"text": TEXT, "label": [[0, 7, "COMPANY"]], "user": "anna"})
    + "\n"
    + json.dumps({"text": "Zweiter Text.", "label": []})
    + "\n"
).encode()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(project, tail: str = "") -> str:
    return f"/projects/{project.slug}/articles/import/{tail}"


@role_matrix(
    {
        Role.ADMIN: 200,
        Role.REVIEWER: 403,
        Role.ANNOTATOR: 403,
        Role.ML_ENGINEER: 403,
        "outsider": 404,
        "anonymous": 302,
    }
)
def test_only_admins_import(project, members, who, status):
    client = Client() if who == "anonymous" else client_for(members[who])
    assert client.get(url(project)).status_code == status
    upload = SimpleUploadedFile("a.jsonl", DOCCANO)
    posted = client.post(url(project), {"step": "upload", "file": upload})
    assert posted.status_code == (200 if who == Role.ADMIN else status)


def _upload(client, project, **fields):
    return client.post(url(project), {"step": "upload", **fields})


def _hidden(html: str, name: str) -> str:
    return html.split(f'name="{name}" value="', 1)[1].split('"', 1)[0]


def test_unknown_label_is_mapped_then_the_job_runs_and_reports(project, members):
    client = client_for(members[Role.ADMIN])
    preview = _upload(
        client, project, file=SimpleUploadedFile("anna.jsonl", DOCCANO)
    ).content.decode()
    assert 'data-testid="import-format">doccano<' in preview
    assert "2 articles, 0 annotations" in preview  # COMPANY dropped until mapped
    assert 'data-testid="unknown-label">COMPANY<' in preview
    token = _hidden(preview, "token")
    form = {"token": token, "source": "span:COMPANY", "format": "", "annotator": ""}
    unmapped = client.post(url(project), {**form, "step": "start"})
    assert unmapped.status_code == 400
    assert "This field is required" in unmapped.content.decode()
    assert not Job.objects.exists()
    checked = client.post(url(project), {**form, "step": "check", "target_0": "ORG"})
    html = checked.content.decode()
    assert checked.status_code == 200
    assert "2 articles, 1 annotations" in html
    assert "2 new, 0 already in the project" in html
    started = client.post(url(project), {**form, "step": "start", "target_0": "ORG"})
    job = Job.objects.get()
    assert started.status_code == 302
    assert started["Location"] == url(project, f"jobs/{job.pk}/")
    queued = client.get(started["Location"]).content.decode()
    assert 'data-status="queued"' in queued
    assert 'hx-trigger="every 1s"' in queued
    import_job_run(job_id=str(job.pk))  # what the worker does (browser test: real one)
    partial = client.get(
        started["Location"], headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in partial
    assert 'data-status="done"' in partial
    assert 'data-testid="report-created">2<' in partial
    assert f"?batch={job.pk}" in partial
    report = client.get(url(project, f"jobs/{job.pk}/report.json"))
    assert report["Content-Disposition"].startswith("attachment;")
    body = json.loads(report.content)
    assert (body["status"], body["created"], body["existing"]) == ("done", 2, 0)
    assert body["drafts"][0]["line"] == 1
    assert Article.objects.filter(import_job=job).count() == 2
    listed = client.get(f"/projects/{project.slug}/articles/?batch={job.pk}")
    assert listed.content.decode().count('data-testid="article-row"') == 2


def test_pasted_text_is_imported_too(project, members):
    client = client_for(members[Role.ADMIN])
    text = json.dumps([{"title": "Pasted", "text": "Ein Text.", "external_id": "p1"}])
    preview = _upload(client, project, text=text).content.decode()
    assert 'data-testid="import-format">articles<' in preview
    assert 'data-testid="unknown-label"' not in preview
    started = client.post(
        url(project), {"step": "start", "token": _hidden(preview, "token")}
    )
    assert started.status_code == 302
    import_job_run(job_id=str(Job.objects.get().pk))
    assert Article.objects.get(external_id="p1").title == "Pasted"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Choose a file or paste text"),
        ({"text": "x", "file": "FILE"}, "Choose a file or paste text"),
        ({"text": "x", "format": "xml"}, "Select a valid choice"),
    ],
)
def test_bad_uploads_are_answered_in_place(project, members, fields, message):
    if fields.get("file") == "FILE":
        fields["file"] = SimpleUploadedFile("a.jsonl", DOCCANO)
    response = _upload(client_for(members[Role.ADMIN]), project, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_file_that_cannot_be_read_says_why_and_offers_no_import(project, members):
    response = _upload(client_for(members[Role.ADMIN]), project, text="<xml/>")
    html = response.content.decode()
    assert 'data-testid="import-file-error"' in html
    assert "Unrecognised file" in html
    assert 'data-testid="import-start"' not in html


def test_another_admins_upload_cannot_be_started(project, members):
    preview = _upload(
        client_for(members[Role.ADMIN]), project, text=json.dumps([{"text": "a"}])
    ).content.decode()
    other = client_for(members["outsider"])
    from tests.factories import MembershipFactory

    MembershipFactory(project=project, user=members["outsider"], role=Role.ADMIN)
    response = other.post(
        url(project), {"step": "start", "token": _hidden(preview, "token")}
    )
    assert response.status_code == 400
    assert "no longer here" in response.content.decode()
    assert not Job.objects.exists()


def test_a_failed_import_shows_errors_by_line(project, members):
    client = client_for(members[Role.ADMIN])
    clash = (
        json.dumps({"text": "a", "external_id": "x"})
        + "\n"
        + json.dumps({"text": "b", "external_id": "x"})
        + "\n"
    )
    preview = _upload(client, project, text=clash).content.decode()
    assert 'data-testid="import-conflicts"' in preview
    assert "line 2" in preview
    refused = client.post(
        url(project), {"step": "start", "token": _hidden(preview, "token")}
    )
    assert refused.status_code == 400
    assert not Job.objects.exists()
