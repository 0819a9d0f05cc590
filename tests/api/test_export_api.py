"""GET /api/v1/projects/{id}/export/ and the export job download."""

from __future__ import annotations

import io
import json
import tarfile

import pytest

from annotations.choices import JobStatus, Role
from annotations.models import Job
from annotations.services.exports import export_job_run
from tests.factories import TEXT, ArticleFactory, annotate, annotator, span

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(project, members):
    anna, ben = annotator(project, "anna"), annotator(project, "ben")
    for number in range(3):
        article = ArticleFactory(project=project, text=TEXT, external_id=f"x-{number}")
        annotate(article, anna, [span(TEXT, "Siemens", "ORG")])
        annotate(
            article, ben, [span(TEXT, "Siemens", "ORG"), span(TEXT, "5%", "PERCENT")]
        )
    return {"anna": anna, "ben": ben}


def url(project, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/api/v1/projects/{project.pk}/export/?{query}"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (Role.ADMIN, 200),
        (Role.REVIEWER, 200),
        (Role.ML_ENGINEER, 200),
        (Role.ANNOTATOR, 403),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_export_permission_matrix(login_as, api_client, project, data, who, status):
    login_as(who)
    assert api_client.get(url(project, format="jsonl")).status_code == status


def test_jsonl_gold_export_streams_with_a_file_name(api_client, project, members, data):
    api_client.force_authenticate(members[Role.ML_ENGINEER])
    response = api_client.get(url(project, format="jsonl", source="gold"))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/x-ndjson"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="{project.slug}-gold-jsonl.jsonl"'
    )
    lines = [json.loads(line) for line in body(response).decode().splitlines()]
    assert len(lines) == 3
    assert all(line["spans"] == [span(TEXT, "Siemens", "ORG")] for line in lines)
    assert all(line["meta"]["newsroom"]["gold"] == "consensus" for line in lines)


@pytest.mark.parametrize(
    ("fmt", "member"),
    [("spacy", "train.spacy"), ("hf", "dataset_info.json")],
)
def test_archive_formats_are_tar_gz(api_client, project, members, data, fmt, member):
    api_client.force_authenticate(members[Role.REVIEWER])
    response = api_client.get(url(project, format=fmt))
    assert response.status_code == 200
    with tarfile.open(fileobj=io.BytesIO(body(response)), mode="r:gz") as tar:
        assert member in tar.getnames()


def test_conll_and_labelstudio_formats(api_client, project, members, data):
    api_client.force_authenticate(members[Role.REVIEWER])
    conll = body(api_client.get(url(project, format="conll"))).decode()
    assert conll.count("-DOCSTART-") == 3
    assert "Siemens\tB-ORG" in conll
    tasks = json.loads(body(api_client.get(url(project, format="labelstudio"))))
    assert len(tasks) == 3


def test_doccano_format_is_served(api_client, project, members, data):
    """format=doccano (from the exporter registry) streams JSONL with [s, e, label]."""
    api_client.force_authenticate(members[Role.REVIEWER])
    response = api_client.get(url(project, format="doccano", source="annotations"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-annotations-doccano.jsonl"')
    lines = [json.loads(line) for line in body(response).decode().splitlines()]
    assert len(lines) == 6
    start = TEXT.index("Siemens")
    assert all([start, start + 7, "ORG"] in line["label"] for line in lines)


def test_annotations_source_names_and_pseudonyms(api_client, project, members, data):
    api_client.force_authenticate(members[Role.REVIEWER])
    response = api_client.get(url(project, source="annotations"))
    names = {
        json.loads(line)["annotator"] for line in body(response).decode().splitlines()
    }
    assert names == {"anna", "ben"}
    project.ml_can_see_annotations = True
    project.save()
    api_client.force_authenticate(members[Role.ML_ENGINEER])
    response = api_client.get(url(project, source="annotations"))
    names = {
        json.loads(line)["annotator"] for line in body(response).decode().splitlines()
    }
    assert len(names) == 2
    assert not names & {"anna", "ben"}
    assert all(name.startswith("annotator-") for name in names)


def test_ml_engineer_needs_project_permission_for_annotations(
    api_client, project, members, data
):
    api_client.force_authenticate(members[Role.ML_ENGINEER])
    response = api_client.get(url(project, source="annotations"))
    assert response.status_code == 403
    assert "source=gold" in response.json()["detail"]


def test_filters_labels_and_status(api_client, project, members, data):
    api_client.force_authenticate(members[Role.REVIEWER])
    response = api_client.get(url(project, source="annotations", labels="PERCENT"))
    lines = [json.loads(line) for line in body(response).decode().splitlines()]
    assert {len(line["spans"]) for line in lines} == {0, 1}
    assert all(s["label"] == "PERCENT" for line in lines for s in line["spans"])
    response = api_client.get(url(project, source="annotations", status="draft"))
    assert body(response) == b""


@pytest.mark.parametrize(
    ("params", "field", "needle"),
    [
        ({"format": "xml"}, "format", "xml"),
        ({"source": "everything"}, "source", "everything"),
        ({"labels": "NOPE"}, "labels", "NOPE"),
        ({"status": "final", "source": "annotations"}, "status", "final"),
        ({"guideline_version": "x"}, "guideline_version", "integer"),
        ({"updated_since": "yesterday"}, "updated_since", "format"),
    ],
)
def test_bad_parameters_are_named(
    api_client, project, members, data, params, field, needle
):
    api_client.force_authenticate(members[Role.REVIEWER])
    response = api_client.get(url(project, **params))
    assert response.status_code == 400
    assert field in response.json()
    assert needle.lower() in json.dumps(response.json()).lower()


def test_large_export_becomes_a_job_with_a_download(
    api_client, project, members, data, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_EXPORT_ASYNC_THRESHOLD = 2
    api_client.force_authenticate(members[Role.ML_ENGINEER])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api_client.get(url(project, format="jsonl"))
    assert response.status_code == 202
    assert len(callbacks) == 1  # the task is sent after commit
    job_id = response.json()["job"]
    assert response.json()["status_url"] == f"/api/v1/jobs/{job_id}/"
    assert api_client.get(f"/api/v1/jobs/{job_id}/download/").status_code == 409
    export_job_run(job_id=job_id)  # what the worker does
    job = api_client.get(f"/api/v1/jobs/{job_id}/").json()
    assert job["status"] == JobStatus.DONE
    assert job["done"] == job["total"] == 3
    assert job["result"]["download_url"] == f"/api/v1/jobs/{job_id}/download/"
    download = api_client.get(job["result"]["download_url"])
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert len(content.decode().splitlines()) == 3
    streamed = api_client.get(url(project, format="jsonl", mode="stream"))
    assert body(streamed) == content
    api_client.force_authenticate(members[Role.ANNOTATOR])
    assert api_client.get(f"/api/v1/jobs/{job_id}/download/").status_code == 403
    api_client.force_authenticate(members["outsider"])
    assert api_client.get(f"/api/v1/jobs/{job_id}/download/").status_code == 404


def test_export_job_rerun_is_a_no_op(project, members, data):
    from annotations.selectors.exports import ExportFilters
    from annotations.services.exports import export_job_create

    job = export_job_create(
        project=project, fmt="conll", filters=ExportFilters(), names_visible=False
    )
    first = export_job_run(job_id=str(job.pk))
    assert export_job_run(job_id=str(job.pk)) == first
    assert Job.objects.get(pk=job.pk).status == JobStatus.DONE


def test_schema_offers_every_registered_format(api_client, members):
    """The export's documented ``format`` enum follows the exporter registry."""
    from annotations.exporters import REGISTRY

    api_client.force_authenticate(members[Role.ML_ENGINEER])
    schema = api_client.get(
        "/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    ).json()
    export = schema["paths"]["/api/v1/projects/{project_id}/export/"]["get"]
    (fmt,) = [p for p in export["parameters"] if p["name"] == "format"]
    assert sorted(fmt["schema"]["enum"]) == sorted(REGISTRY)
