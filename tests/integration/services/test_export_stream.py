"""One export pipeline: every door that writes a dataset gives the same bytes.

The streamed API export, an export job, the ``export_dataset`` command and a release
all call ``services.exports.export_stream``; these tests pin that they agree byte for
byte, and a static check fails when a new module assembles an export itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command

from annotations.choices import Role
from annotations.exporters import REGISTRY
from annotations.models import Job
from annotations.selectors.access import project_get_for_user
from annotations.selectors.exports import ExportFilters
from annotations.services import exports
from annotations.services.releases import RELEASE_FORMATS, release_create
from tests.factories import (
    TEXT,
    ArticleFactory,
    GoldAnnotationFactory,
    annotate,
    annotator,
    span,
)

pytestmark = pytest.mark.django_db

APP = Path(__file__).resolve().parents[3] / "annotations"
FORMATS = sorted(REGISTRY)
RELEASE_FILE = {fmt: name for name, fmt in RELEASE_FORMATS.items()}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def data(project, members):
    """Consensus articles, one adjudicated article, a draft and a lone annotation."""
    anna, ben = annotator(project, "anna"), annotator(project, "ben")
    for number in range(3):
        article = ArticleFactory(project=project, text=TEXT, external_id=f"s-{number}")
        annotate(article, anna, [span(TEXT, "Siemens", "ORG")])
        annotate(
            article, ben, [span(TEXT, "Siemens", "ORG"), span(TEXT, "5%", "PERCENT")]
        )
    adjudicated = ArticleFactory(project=project, text=TEXT)
    annotate(adjudicated, anna, [span(TEXT, "Deutsche Bank", "ORG")])
    GoldAnnotationFactory(
        article=adjudicated,
        reviewer=members[Role.REVIEWER],
        spans=[span(TEXT, "Deutsche Bank", "ORG")],
        labels={"sentiment": "negative", "bias": "biased"},
    )
    lonely = ArticleFactory(project=project, text=TEXT)
    annotate(lonely, anna, [span(TEXT, "5%", "PERCENT")], status="draft")
    return {"anna": anna, "ben": ben}


def streamed(api_client, user, project, **params) -> bytes:
    api_client.force_authenticate(user)
    query = "&".join(f"{k}={v}" for k, v in {**params, "mode": "stream"}.items())
    response = api_client.get(f"/api/v1/projects/{project.pk}/export/?{query}")
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def by_job(project, fmt, filters) -> bytes:
    job = exports.export_job_create(
        project=project, fmt=fmt, filters=filters, names_visible=False
    )
    result = exports.export_job_run(job_id=str(job.pk))
    with default_storage.open(result["path"], "rb") as handle:
        return handle.read()


def by_command(project, fmt, tmp_path, *args) -> bytes:
    out = tmp_path / f"cli-{fmt}"
    call_command(
        "export_dataset", "--project", project.slug, "--format", fmt,
        "--out", str(out), "--force", *args, verbosity=0,
    )  # fmt: skip
    return out.read_bytes()


@pytest.mark.parametrize("fmt", FORMATS)
def test_gold_export_is_the_same_on_every_door(
    api_client, project, members, data, tmp_path, fmt
):
    api = streamed(api_client, members[Role.ML_ENGINEER], project, format=fmt)
    assert api
    assert by_job(project, fmt, ExportFilters()) == api
    assert by_command(project, fmt, tmp_path) == api
    if fmt not in RELEASE_FILE:
        return  # not one of the release's files
    release = release_create(project=project)
    stored = release.files.get(name=RELEASE_FILE[fmt])
    with default_storage.open(stored.file.name, "rb") as handle:
        assert handle.read() == api
    assert release.manifest["counts"]["adjudicated"] == 1
    assert release.manifest["counts"]["consensus"] == 3


@pytest.mark.parametrize("fmt", ["jsonl", "conll", "labelstudio"])
def test_filtered_annotation_export_is_the_same_on_every_door(
    api_client, project, members, data, tmp_path, fmt
):
    project.ml_can_see_annotations = True
    project.save()
    filters = ExportFilters(
        source="annotations", statuses=("submitted", "draft"), labels=("PERCENT",)
    )
    api = streamed(
        api_client, members[Role.ML_ENGINEER], project, format=fmt,
        source="annotations", status="submitted,draft", labels="PERCENT",
    )  # fmt: skip
    assert b"anna" not in api  # pseudonyms (where the format names annotators)
    if fmt == "jsonl":
        assert b'"annotator":"annotator-' in api
    assert by_job(project, fmt, filters) == api
    command = by_command(
        project, fmt, tmp_path,
        "--source", "annotations", "--status", "submitted,draft", "--labels", "PERCENT",
    )  # fmt: skip
    assert command == api


def test_count_articles_reports_each_article_once():
    from annotations.exporters import ExportRow

    def row(article_id):
        return ExportRow(
            article_id=article_id, external_id=None, language="en", title="",
            text="", spans=(), labels={}, meta={}, guideline_version=None,
        )  # fmt: skip

    reports = []
    watch = exports.count_articles(reports.append, every=2)
    rows = [row(1), row(1), row(2), row(3), row(3), row(4), row(5)]
    assert list(watch(iter(rows))) == rows
    assert reports == [2, 2, 1]


class Progress:
    """What the command hands in: tqdm's ``total`` and ``update``."""

    def __init__(self):
        self.total, self.done = None, 0

    def update(self, n=1):
        self.done += n


def test_file_write_reports_progress_and_refuses_to_overwrite(project, data, tmp_path):
    out = tmp_path / "gold.jsonl"
    progress = Progress()
    rows = exports.export_file_write(
        project=project, fmt="jsonl", filters=ExportFilters(), out=out,
        progress=progress,
    )  # fmt: skip
    assert rows == 4 == len(out.read_bytes().splitlines())
    assert progress.total == 4  # three consensus articles and one adjudicated
    assert progress.done == 4
    with pytest.raises(ValidationError, match="exists"):
        exports.export_file_write(
            project=project, fmt="jsonl", filters=ExportFilters(), out=out
        )
    with pytest.raises(ValidationError, match="No such directory"):
        exports.export_file_write(
            project=project, fmt="jsonl", filters=ExportFilters(),
            out=tmp_path / "missing" / "x.jsonl",
        )  # fmt: skip


def test_file_write_leaves_no_partial_file_when_the_exporter_fails(
    project, data, tmp_path, monkeypatch
):
    def failing(exporter, rows, **options):
        yield b'{"id": 1}\n'
        raise ValueError("span 3 fits no token")

    monkeypatch.setattr(exports, "iter_export", failing)
    out = tmp_path / "gold.conll"
    with pytest.raises(exports.ExportFailed, match="Cannot export: span 3"):
        exports.export_file_write(
            project=project, fmt="conll", filters=ExportFilters(), out=out
        )
    assert list(tmp_path.iterdir()) == []


def test_export_start_streams_or_queues_and_applies_the_role_policy(
    project, members, data, settings, django_capture_on_commit_callbacks
):
    ml = project_get_for_user(user=members[Role.ML_ENGINEER], pk=project.pk)
    download = exports.export_start(
        project=ml, fmt="conll", filters=ExportFilters(), mode="auto", created_by=None
    )
    assert isinstance(download, exports.ExportDownload)
    assert download.filename == f"{project.slug}-gold-conll.conll"
    assert b"".join(download.chunks) == b"".join(
        exports.export_stream(project=project, fmt="conll", filters=ExportFilters())
    )
    with pytest.raises(PermissionDenied, match="source=gold"):
        exports.export_start(
            project=ml,
            fmt="jsonl",
            filters=ExportFilters(source="annotations"),
            mode="stream",
            created_by=None,
        )
    settings.NEWSROOM_EXPORT_ASYNC_THRESHOLD = 2
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = exports.export_start(
            project=ml, fmt="jsonl", filters=ExportFilters(), mode="auto",
            created_by=members[Role.ML_ENGINEER],
        )  # fmt: skip
    assert isinstance(job, Job)
    assert job.params["names_visible"] is False
    assert len(callbacks) == 1


# Only the pipeline may put the parts of an export together.
ASSEMBLY_CALLS = {"iter_export", "export_rows"}
ASSEMBLERS = {"services/exports.py", "selectors/export_rows.py"}


def test_no_module_assembles_an_export_outside_the_pipeline():
    """A fifth assembly (rows + exporter outside export_stream) fails here."""
    offenders = []
    for path in sorted(APP.rglob("*.py")):
        rel = path.relative_to(APP).as_posix()
        if rel in ASSEMBLERS or rel.startswith(("exporters/", "migrations/")):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", None))
                if name in ASSEMBLY_CALLS:
                    offenders.append(f"{rel}:{node.lineno} {name}")
    assert not offenders, f"call services.exports.export_stream instead: {offenders}"
