"""Dataset releases: freeze the current gold into immutable, numbered files.

Imported by the API, commands and tasks; uses the export selector and services, the
``agreement`` and ``exporters`` leaf packages and Django's storage API.

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

from annotations import agreement
from annotations.choices import AnnotationStatus, JobKind
from annotations.exporters import ExportRow, assign_split, get_exporter, iter_export
from annotations.models import Annotation, AnnotationSpan, Job, Project, Release
from annotations.models.releases import ReleaseFile
from annotations.selectors import guideline_current
from annotations.selectors.exports import ExportFilters, export_rows, export_scheme
from annotations.services.exports import (
    ConsensusSettings,
    async_threshold,
    project_consensus,
    split_options,
    storage_write_chunks,
)
from annotations.services.jobs import job_claim, job_create, job_fail, job_finish

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


def release_agreement(project: Project) -> dict[str, Any]:
    """Agreement of the submitted annotations (contract shape, without annotators)."""
    scheme = project.parsed_scheme
    ratings: dict[str, list] = defaultdict(list)
    span_items: list[tuple[int, int, list]] = []
    submitted = Annotation.objects.filter(
        article__project=project, status=AnnotationStatus.SUBMITTED
    ).order_by("article_id", "id")
    spans_by_annotation: dict[int, list] = defaultdict(list)
    for owner, start, end, label in (
        AnnotationSpan.objects.filter(annotation__in=submitted)
        .order_by()
        .values_list("annotation_id", "start", "end", "label")
    ):
        spans_by_annotation[owner].append((start, end, label))
    for pk, article_id, annotator_id, labels in submitted.values_list(
        "id", "article_id", "annotator_id", "labels"
    ):
        for key, value in (labels or {}).items():
            ratings[key].append((article_id, annotator_id, value))
        span_items.append((article_id, annotator_id, spans_by_annotation.get(pk, [])))
    questions = {}
    for question in scheme.questions:
        result = agreement.question_agreement(
            ratings.get(question.key, []),
            level=question.level,
            categories=list(question.choice_keys),
        )
        questions[question.key] = result.as_dict()
    spans = {
        label: result.as_dict()
        for label, result in agreement.span_agreement(
            span_items, labels=list(scheme.span_label_keys)
        ).items()
    }
    return {
        "questions": questions,
        "spans": spans,
        "computed_at": timezone.now().isoformat(),
    }


def _json_bytes(data: Any) -> bytes:
    return (
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    ).encode()


@transaction.atomic
def release_create(
    *, project: Project, created_by=None, note: str = "", job: Job | None = None
) -> Release:
    """Freeze the current gold of ``project`` into release ``N+1`` (see module doc)."""
    Project.objects.select_for_update().filter(pk=project.pk).first()
    number = (
        Release.objects.filter(project=project).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    previous = (
        Release.objects.filter(project=project, number=number - 1).first()
        if number > 1
        else None
    )
    options = split_options(project)
    scheme = export_scheme(project=project)
    consensus = project_consensus(project)
    folder = release_dir(project, number)
    tally = _Tally(options["seed"], options["ratios"])
    files: dict[str, dict[str, Any]] = {}
    for name, fmt in RELEASE_FORMATS.items():
        rows = export_rows(project=project, filters=GOLD_FILTERS, consensus=consensus)
        if fmt == "jsonl":
            rows = tally.watch(rows)
        size, sha256 = storage_write_chunks(
            f"{folder}/{name}",
            iter_export(get_exporter(fmt), rows, scheme=scheme, **options),
            overwrite=True,
        )
        files[name] = {"format": fmt, "size": size, "sha256": sha256}
    full_changelog, changelog = _changelog(previous, tally)
    data = _json_bytes(full_changelog)
    size, sha256 = storage_write_chunks(
        f"{folder}/changelog.json", iter([data]), overwrite=True
    )
    files["changelog.json"] = {"format": "changelog", "size": size, "sha256": sha256}
    guideline = guideline_current(project=project)
    manifest = {
        "project": {"id": project.pk, "slug": project.slug, "name": project.name},
        "release": number,
        "created_at": timezone.now().isoformat(),
        "note": note,
        "source": "gold",
        "gold_rule": (
            "final adjudicated gold; the automatic consensus where an article has "
            "no final gold yet (meta.newsroom.gold says which)"
        ),
        "consensus": vars(ConsensusSettings.for_project(project)),
        "guideline_version": guideline.number if guideline else None,
        "language": project.language,
        "split": {"seed": options["seed"], "ratios": list(options["ratios"])},
        "counts": {
            "articles": tally.articles,
            "adjudicated": tally.kinds.get("adjudicated", 0),
            "consensus": tally.kinds.get("consensus", 0),
            "splits": {s: tally.splits.get(s, 0) for s in ("train", "dev", "test")},
            "span_labels": {
                label: tally.spans.get(label, 0) for label in scheme.span_labels
            },
            "questions": {
                q.key: {c: tally.questions[q.key].get(c, 0) for c in q.choices}
                for q in scheme.questions
            },
        },
        "agreement": release_agreement(project),
        "changelog": {k: v for k, v in changelog.items() if not isinstance(v, list)},
        "files": files,
        "code_version": code_version(),
    }
    data = _json_bytes(manifest)
    size, sha256 = storage_write_chunks(
        f"{folder}/manifest.json", iter([data]), overwrite=True
    )
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
    entries = {**files, "manifest.json": {"size": size, "sha256": sha256}}
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


def release_needs_job(*, project: Project) -> bool:
    from annotations.selectors.exports import export_count

    return export_count(project=project, filters=GOLD_FILTERS) > async_threshold()


def release_job_create(*, project: Project, created_by=None, note: str = "") -> Job:
    from annotations.tasks import release_task

    job = job_create(
        kind=JobKind.RELEASE,
        project=project,
        created_by=created_by,
        total=1,
        params={"note": note},
    )
    transaction.on_commit(lambda: release_task.delay(str(job.pk)))
    return job


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
