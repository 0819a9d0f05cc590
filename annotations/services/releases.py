"""Dataset releases: freeze the current gold into immutable, numbered files.

Imported by the API and tasks; uses the export selectors, ``services.exports``
(every dataset file comes out of ``export_stream``, the one export pipeline, so a
release holds the same bytes as a streamed gold export), the ``exporters`` leaf
package and Django's storage API.

A release ``N`` of a project writes, through ``default_storage`` under
``releases/<project id>/<N>/``:

- ``dataset.jsonl``, ``dataset.conll``, ``dataset.labelstudio.json``,
  ``dataset.spacy.tar.gz``, ``dataset.hf.tar.gz``: the gold export (adjudicated
  gold, and the automatic consensus where no gold exists yet) in every format;
- ``changelog.json``: the full lists of articles added, removed and changed since
  release ``N-1`` (``Release.changelog`` holds the counts and at most 100 ids each);
- ``manifest.json``: counts per span label and per question choice, agreement
  figures, guideline version, split seed and ratios, the consensus settings, the
  sha256 and size of every other file, and the code version.

Releases are never rewritten: the ``Release`` row and its ``ReleaseFile`` rows are
created in one transaction once every file is written, numbers are unique per
project, and no code path updates or deletes them. A failed attempt leaves no row;
its stray files at the same paths are replaced by the next attempt (they belong to
no release).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from annotations.choices import JobKind
from annotations.exporters import ExportRow, ExportScheme, assign_split
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

RELEASE_FORMATS = {
    "dataset.jsonl": "jsonl",
    "dataset.conll": "conll",
    "dataset.labelstudio.json": "labelstudio",
    "dataset.spacy.tar.gz": "spacy",
    "dataset.hf.tar.gz": "hf",
}
GOLD_FILTERS = ExportFilters(source="gold")
CHANGELOG_ID_LIMIT = 100


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


def _fingerprint(obj: dict[str, Any]) -> str:
    content = json.dumps(
        {"spans": obj["spans"], "labels": obj["labels"]},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(content.encode()).hexdigest()[:16]


class _Tally:
    """Counts gathered while the jsonl file streams by (one pass, flat memory)."""

    def __init__(self, seed: str, ratios) -> None:
        self.seed, self.ratios = seed, ratios
        self.articles = 0
        self.kinds: Counter[str] = Counter()
        self.splits: Counter[str] = Counter()
        self.spans: Counter[str] = Counter()
        self.questions: dict[str, Counter[str]] = defaultdict(Counter)
        self.fingerprints: dict[int, str] = {}

    def watch(self, rows: Iterable[ExportRow]) -> Iterator[ExportRow]:
        for row in rows:
            self.articles += 1
            self.kinds[(row.meta.get("newsroom") or {}).get("gold", "adjudicated")] += 1
            self.splits[
                assign_split(str(row.article_id), seed=self.seed, ratios=self.ratios)
            ] += 1
            for span in row.spans:
                self.spans[span.label] += 1
            for key, value in row.labels.items():
                for choice in value if isinstance(value, list) else [value]:
                    self.questions[key][choice] += 1
            self.fingerprints[row.article_id] = _fingerprint(
                {
                    "spans": sorted(
                        [s.start, s.end, s.label, s.text] for s in row.spans
                    ),
                    "labels": row.labels,
                }
            )
            yield row

    def counts(self, scheme: ExportScheme) -> dict[str, Any]:
        """The manifest's ``counts``: articles, gold kinds, splits, labels, answers."""
        return {
            "articles": self.articles,
            "adjudicated": self.kinds.get("adjudicated", 0),
            "consensus": self.kinds.get("consensus", 0),
            "splits": {s: self.splits.get(s, 0) for s in ("train", "dev", "test")},
            "span_labels": {
                label: self.spans.get(label, 0) for label in scheme.span_labels
            },
            "questions": {
                q.key: {c: self.questions[q.key].get(c, 0) for c in q.choices}
                for q in scheme.questions
            },
        }


def _previous_fingerprints(release: Release) -> tuple[dict[int, str], Counter[str]]:
    """Fingerprints and span-label counts of a stored release, read from its jsonl."""
    stored = release.files.filter(name="dataset.jsonl").first()
    fingerprints: dict[int, str] = {}
    labels: Counter[str] = Counter()
    if stored is None:
        return fingerprints, labels
    with default_storage.open(stored.file.name, "rb") as handle:
        for line in handle:
            obj = json.loads(line)
            spans = sorted(
                [s["start"], s["end"], s["label"], s["text"]] for s in obj["spans"]
            )
            fingerprints[obj["id"]] = _fingerprint(
                {"spans": spans, "labels": obj["labels"]}
            )
            labels.update(s["label"] for s in obj["spans"])
    return fingerprints, labels


def _changelog(
    previous: Release | None, tally: _Tally
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(full changelog for changelog.json, summary for ``Release.changelog``)."""
    if previous is None:
        full = {
            "previous_release": None,
            "articles_added": sorted(tally.fingerprints),
            "articles_removed": [],
            "articles_changed": [],
            "span_labels": {
                label: {"before": 0, "after": n}
                for label, n in sorted(tally.spans.items())
            },
        }
    else:
        before, before_labels = _previous_fingerprints(previous)
        after = tally.fingerprints
        full = {
            "previous_release": previous.number,
            "articles_added": sorted(set(after) - set(before)),
            "articles_removed": sorted(set(before) - set(after)),
            "articles_changed": sorted(
                pk for pk in set(after) & set(before) if after[pk] != before[pk]
            ),
            "span_labels": {
                label: {"before": before_labels[label], "after": tally.spans[label]}
                for label in sorted(set(before_labels) | set(tally.spans))
                if before_labels[label] != tally.spans[label]
            },
        }
    summary = {"previous_release": full["previous_release"]}
    for key in ("articles_added", "articles_removed", "articles_changed"):
        summary[key.replace("articles_", "n_articles_")] = len(full[key])
        summary[key] = full[key][:CHANGELOG_ID_LIMIT]
    summary["span_labels"] = full["span_labels"]
    return full, summary


def _json_bytes(data: Any) -> bytes:
    return (
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    ).encode()


@transaction.atomic
def release_create(
    *, project: Project, created_by=None, note: str = "", job: Job | None = None
) -> Release:
    """Freeze the current gold of ``project`` into release ``N+1`` (see module doc)."""
    number, previous = _release_number(project)
    folder = release_dir(project, number)
    options = export_split_options(project)
    tally = _Tally(options["seed"], options["ratios"])
    files = _write_datasets(project, folder, tally)
    full_changelog, changelog = _changelog(previous, tally)
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
    release = Release.objects.create(
        project=project,
        number=number,
        seed=options["seed"],
        manifest=manifest,
        changelog=changelog,
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
        for name, entry in sorted(entries.items())
    )
    return release


def _release_number(project: Project) -> tuple[int, Release | None]:
    """The next release number (the project row locked) and the release before it."""
    Project.objects.select_for_update().filter(pk=project.pk).first()
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
    project: Project, folder: str, tally: _Tally
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
    tally: _Tally,
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
