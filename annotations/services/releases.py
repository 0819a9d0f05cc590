"""Dataset releases: freeze the current gold into immutable, numbered files.

Imported by the API and tasks; uses the export selectors, ``services.exports``
(every dataset file comes out of ``export_stream``, the one export pipeline, so a
release holds the same bytes as a streamed gold export), the ``exporters`` leaf
package and Django's storage API.

A release ``N`` of a project writes, through ``default_storage`` under
``releases/<project id>/<N>/<random>/`` (a folder of its own per attempt, so two
attempts racing for the same number never write into each other's files):

- ``dataset.jsonl``, ``dataset.conll``, ``dataset.labelstudio.json``,
  ``dataset.spacy.tar.gz``, ``dataset.hf.tar.gz``: the gold export (adjudicated
  gold, and the automatic consensus where no gold exists yet) in every format;
- ``changelog.json``: the full lists of articles added, removed and changed since
  release ``N-1`` (``Release.changelog`` holds the counts and at most 100 ids each);
- ``manifest.json``: counts per span label and per question choice, agreement
  figures, guideline version, split seed and ratios, the consensus settings, the
  sha256 and size of every other file, and the code version.

Releases are never rewritten: the files are built from one read snapshot with no
write lock held (``newsroom.db.snapshot``), then the ``Release`` row and its
``ReleaseFile`` rows are created in one short transaction; numbers are unique per
project, and no code path updates or deletes them. A failed attempt leaves no row;
an attempt that lost its number to another removes its files and starts over; a
crashed one leaves stray files that belong to no release.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from annotations.choices import JobKind
from annotations.models import Job, Project, Release
from annotations.models.releases import ReleaseFile
from annotations.selectors import guideline_current
from annotations.selectors.exports import (
    ExportFilters,
    consensus_settings_for_project,
    export_count,
    export_scheme,
    export_split_options,
)
from annotations.selectors.releases import release_agreement
from annotations.services.exports import (
    async_threshold,
    export_stream,
    storage_write_chunks,
)
from annotations.services.jobs import (
    job_claim,
    job_create,
    job_enqueue,
    job_fail,
    job_finish,
)
from annotations.services.release_changes import Tally, changes_since
from newsroom.db.snapshot import read_snapshot

RELEASE_FORMATS = {
    "dataset.jsonl": "jsonl",
    "dataset.conll": "conll",
    "dataset.labelstudio.json": "labelstudio",
    "dataset.spacy.tar.gz": "spacy",
    "dataset.hf.tar.gz": "hf",
}
GOLD_FILTERS = ExportFilters(source="gold")
RELEASE_ATTEMPTS = 3


def release_dir(project: Project, number: int) -> str:
    return f"releases/{project.pk}/{number}"


def code_version() -> dict[str, str]:
    """What produced the files: ``NEWSROOM_CODE_VERSION`` or the git commit, plus spaCy."""
    import spacy

    version = os.environ.get("NEWSROOM_CODE_VERSION", "")
    if not version:
        try:
            version = subprocess.run(
                ["git", "rev-parse", "HEAD"],  # noqa: S607
                cwd=Path(settings.BASE_DIR),
                capture_output=True,
                text=True,
                timeout=5,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            version = "unknown"
    return {"newsroom": version, "spacy": spacy.__version__}


def _json_bytes(data: Any) -> bytes:
    return (
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    ).encode()


class ReleaseRaceError(RuntimeError):
    """Other releases of the project were cut while this one was being built."""


def release_create(
    *, project: Project, created_by=None, note: str = "", job: Job | None = None
) -> Release:
    """Freeze the current gold of ``project`` into release ``N+1`` (see module doc).

    The files are built from one read snapshot, outside any write transaction
    (a big release takes a minute; SQLite's write lock must not); one short
    transaction then records the release. When another release took number
    ``N+1`` meanwhile, the build starts over on top of it.
    """
    for _attempt in range(RELEASE_ATTEMPTS):
        with read_snapshot():
            number, previous = _release_number(project)
            folder = f"{release_dir(project, number)}/{secrets.token_hex(4)}"
            built = _build(project, number, previous, folder, note)
        release = _record(project, number, folder, built, note, job, created_by)
        if release is not None:
            return release
        _discard(folder, built["entries"])
    raise ReleaseRaceError(
        f"{RELEASE_ATTEMPTS} releases of {project.slug} were cut while this one "
        "was being built; cut it again."
    )


def _build(
    project: Project, number: int, previous: Release | None, folder: str, note: str
) -> dict[str, Any]:
    """Write every file of release ``number`` under ``folder``; only reads the DB."""
    options = export_split_options(project)
    tally = Tally(options["seed"], options["ratios"])
    files = _write_datasets(project, folder, tally)
    full_changelog, changelog = changes_since(previous, tally)
    files["changelog.json"] = {
        "format": "changelog",
        **_write_json(f"{folder}/changelog.json", full_changelog),
    }
    manifest = _manifest(
        project, number=number, note=note, tally=tally, changelog=changelog, files=files
    )
    entries = {
        **files,
        "manifest.json": _write_json(f"{folder}/manifest.json", manifest),
    }
    return {
        "seed": options["seed"],
        "manifest": manifest,
        "changelog": changelog,
        "entries": entries,
    }


@transaction.atomic
def _record(
    project: Project,
    number: int,
    folder: str,
    built: dict[str, Any],
    note: str,
    job: Job | None,
    created_by,
) -> Release | None:
    """The ``Release`` and its files in one short transaction; None if ``number`` is taken."""
    Project.objects.select_for_update().filter(pk=project.pk).first()
    if _release_number(project)[0] != number:
        return None
    release = Release.objects.create(
        project=project,
        number=number,
        seed=built["seed"],
        manifest=built["manifest"],
        changelog=built["changelog"],
        note=note,
        job=job,
        created_by=created_by,
    )
    ReleaseFile.objects.bulk_create(
        ReleaseFile(
            release=release,
            name=name,
            file=f"{folder}/{name}",
            sha256=entry["sha256"],
            size=entry["size"],
        )
        for name, entry in sorted(built["entries"].items())
    )
    return release


def _discard(folder: str, entries: dict[str, Any]) -> None:
    """Remove the files of a build that lost its number (they belong to no release)."""
    for name in entries:
        default_storage.delete(f"{folder}/{name}")


def _release_number(project: Project) -> tuple[int, Release | None]:
    """The next release number and the release before it."""
    number = (
        Release.objects.filter(project=project).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    previous = (
        Release.objects.filter(project=project, number=number - 1).first()
        if number > 1
        else None
    )
    return number, previous


def _write_datasets(
    project: Project, folder: str, tally: Tally
) -> dict[str, dict[str, Any]]:
    """Every dataset file through ``export_stream``; the jsonl pass feeds ``tally``."""
    files: dict[str, dict[str, Any]] = {}
    for name, fmt in RELEASE_FORMATS.items():
        chunks = export_stream(
            project=project,
            fmt=fmt,
            filters=GOLD_FILTERS,
            watch=tally.watch if fmt == "jsonl" else None,
        )
        files[name] = {
            "format": fmt,
            **_write(f"{folder}/{name}", chunks),
        }
    return files


def _write(path: str, chunks: Iterable[bytes]) -> dict[str, Any]:
    size, sha256 = storage_write_chunks(path, chunks, overwrite=True)
    return {"size": size, "sha256": sha256}


def _write_json(path: str, data: Any) -> dict[str, Any]:
    return _write(path, [_json_bytes(data)])


def _manifest(
    project: Project,
    *,
    number: int,
    note: str,
    tally: Tally,
    changelog: dict[str, Any],
    files: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """``manifest.json``: what the release holds and how it was made."""
    guideline = guideline_current(project=project)
    scheme = export_scheme(project=project)
    return {
        "project": {"id": project.pk, "slug": project.slug, "name": project.name},
        "release": number,
        "created_at": timezone.now().isoformat(),
        "note": note,
        "source": "gold",
        "gold_rule": (
            "final adjudicated gold; the automatic consensus where an article has "
            "no final gold yet (meta.newsroom.gold says which)"
        ),
        "consensus": vars(consensus_settings_for_project(project)),
        "guideline_version": guideline.number if guideline else None,
        "language": project.language,
        "split": {"seed": tally.seed, "ratios": list(tally.ratios)},
        "counts": tally.counts(scheme),
        "agreement": release_agreement(project),
        "changelog": {k: v for k, v in changelog.items() if not isinstance(v, list)},
        "files": files,
        "code_version": code_version(),
    }


def release_needs_job(*, project: Project) -> bool:
    return export_count(project=project, filters=GOLD_FILTERS) > async_threshold()


def release_start(
    *, project: Project, created_by, note: str = "", mode: str = "auto"
) -> Release | Job:
    """Cut a release now, or queue it as a job when it is big (or ``mode=job``)."""
    if mode == "job" or (mode == "auto" and release_needs_job(project=project)):
        return release_job_create(project=project, created_by=created_by, note=note)
    return release_create(project=project, created_by=created_by, note=note)


def release_job_create(*, project: Project, created_by=None, note: str = "") -> Job:
    job = job_create(
        kind=JobKind.RELEASE,
        project=project,
        created_by=created_by,
        total=1,
        params={"note": note},
    )
    return job_enqueue(job)


def release_job_run(*, job_id: str) -> dict[str, Any]:
    if not job_claim(job_id=job_id):
        return Job.objects.get(pk=job_id).result
    job = Job.objects.select_related("project", "created_by").get(pk=job_id)
    try:
        release = release_create(
            project=job.project,
            created_by=job.created_by,
            note=job.params.get("note", ""),
            job=job,
        )
    except Exception as error:
        job_fail(job_id=job_id, error=f"{type(error).__name__}: {error}")
        raise
    result = {"release": release.pk, "number": release.number}
    Job.objects.filter(pk=job_id).update(done=1)
    job_finish(job_id=job_id, result=result)
    return result
