"""Releases: POST /projects/{id}/releases/, GET /releases/{id}/ and its files."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile

import pytest

from annotations.choices import Role
from annotations.models import Release
from tests.factories import (
    TEXT,
    ArticleFactory,
    GoldAnnotationFactory,
    annotate,
    annotator,
    span,
)

pytestmark = pytest.mark.django_db

FILES = {
    "changelog.json",
    "dataset.conll",
    "dataset.hf.tar.gz",
    "dataset.jsonl",
    "dataset.labelstudio.json",
    "dataset.spacy.tar.gz",
    "manifest.json",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def articles(project, members):
    anna, ben = annotator(project, "anna"), annotator(project, "ben")
    made = []
    for number in range(3):
        article = ArticleFactory(project=project, text=TEXT, external_id=f"r-{number}")
        annotate(article, anna, [span(TEXT, "Siemens", "ORG")])
        annotate(
            article, ben, [span(TEXT, "Siemens", "ORG"), span(TEXT, "5%", "PERCENT")]
        )
        made.append(article)
    return made


def cut(api_client, project, **body):
    return api_client.post(
        f"/api/v1/projects/{project.pk}/releases/", body, format="json"
    )


def download(api_client, release_id, name):
    response = api_client.get(f"/api/v1/releases/{release_id}/files/{name}")
    assert response.status_code == 200, name
    return b"".join(response.streaming_content), response


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (Role.ADMIN, 201),
        (Role.REVIEWER, 403),
        (Role.ANNOTATOR, 403),
        (Role.ML_ENGINEER, 403),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_only_admins_cut_releases(login_as, api_client, project, articles, who, status):
    login_as(who)
    assert cut(api_client, project).status_code == status


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
def test_release_read_matrix(login_as, api_client, project, articles, who, status):
    release_id = cut(login_as(Role.ADMIN), project).json()["id"]
    login_as(who)
    assert api_client.get(f"/api/v1/releases/{release_id}/").status_code == status
    response = api_client.get(f"/api/v1/releases/{release_id}/files/manifest.json")
    assert response.status_code == status
    listed = api_client.get(f"/api/v1/projects/{project.pk}/releases/")
    assert listed.status_code == status


def test_release_files_manifest_and_checksums(api_client, project, members, articles):
    api_client.force_authenticate(members[Role.ADMIN])
    response = cut(api_client, project, note="first")
    assert response.status_code == 201
    release = response.json()
    assert release["number"] == 1
    assert {f["name"] for f in release["files"]} == FILES
    manifest_bytes, _ = download(api_client, release["id"], "manifest.json")
    manifest = json.loads(manifest_bytes)
    for name, entry in manifest["files"].items():
        content, served = download(api_client, release["id"], name)
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
        assert len(content) == entry["size"]
        assert served["ETag"] == f'"{entry["sha256"]}"'
    counts = manifest["counts"]
    assert counts["articles"] == 3
    assert counts["consensus"] == 3
    assert counts["span_labels"]["ORG"] == 3
    assert counts["span_labels"]["PERCENT"] == 0  # only one annotator marked it
    assert counts["questions"]["sentiment"]["negative"] == 3
    assert sum(counts["splits"].values()) == 3
    assert manifest["split"]["seed"] == project.slug
    assert manifest["guideline_version"] == 1
    assert manifest["code_version"]["newsroom"]
    assert manifest["agreement"]["spans"]["ORG"]["pairwise_f1"] == 1.0
    assert manifest["agreement"]["questions"]["sentiment"]["percent_agreement"] == 1.0
    spacy_bytes, _ = download(api_client, release["id"], "dataset.spacy.tar.gz")
    with tarfile.open(fileobj=io.BytesIO(spacy_bytes), mode="r:gz") as tar:
        assert {"train.spacy", "dev.spacy", "test.spacy", "manifest.json"} <= set(
            tar.getnames()
        )
    assert (
        api_client.get(f"/api/v1/releases/{release['id']}/files/nope.txt").status_code
        == 404
    )


def test_second_release_has_a_changelog_and_the_first_stays_the_same(
    api_client, project, members, articles
):
    api_client.force_authenticate(members[Role.ADMIN])
    first = cut(api_client, project).json()
    before = {
        f["name"]: download(api_client, first["id"], f["name"])[0]
        for f in first["files"]
    }
    changed = articles[0]
    GoldAnnotationFactory(
        article=changed,
        reviewer=members[Role.REVIEWER],
        spans=[span(TEXT, "Deutsche Bank", "ORG")],
        labels={"sentiment": "neutral", "bias": "biased"},
    )
    added = ArticleFactory(project=project, text=TEXT)
    annotate(
        added,
        project.memberships.get(user__username="anna").user,
        [span(TEXT, "5%", "PERCENT")],
    )
    annotate(
        added,
        project.memberships.get(user__username="ben").user,
        [span(TEXT, "5%", "PERCENT")],
    )
    second = cut(api_client, project).json()
    assert second["number"] == 2
    log = second["changelog"]
    assert log["previous_release"] == 1
    assert log["articles_added"] == [added.pk]
    assert log["articles_changed"] == [changed.pk]
    assert log["articles_removed"] == []
    assert log["span_labels"]["PERCENT"] == {"before": 0, "after": 1}
    full = json.loads(download(api_client, second["id"], "changelog.json")[0])
    assert full["articles_added"] == [added.pk]
    after = {
        f["name"]: download(api_client, first["id"], f["name"])[0]
        for f in first["files"]
    }
    assert after == before
    assert Release.objects.filter(project=project).count() == 2


def test_large_release_becomes_a_job(
    api_client, project, members, articles, settings, django_capture_on_commit_callbacks
):
    from annotations.services.releases import release_job_run

    settings.NEWSROOM_EXPORT_ASYNC_THRESHOLD = 1
    api_client.force_authenticate(members[Role.ADMIN])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = cut(api_client, project)
    assert response.status_code == 202
    assert len(callbacks) == 1
    job_id = response.json()["job"]
    result = release_job_run(job_id=job_id)
    assert result["number"] == 1
    job = api_client.get(f"/api/v1/jobs/{job_id}/").json()
    assert job["status"] == "done"
    assert job["result"]["release"] == result["release"]
    assert (
        release_job_run(job_id=job_id) == job["result"]
    )  # redelivery: no second release
    assert Release.objects.count() == 1
