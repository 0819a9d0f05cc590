"""Pre-annotation: run a project's spaCy pipeline over its articles and store predictions.

Flow: an import (or an admin) calls ``preannotation_schedule``, which creates a
``Job`` and, once the transaction commits, queues one Celery task per chunk of
article ids (``preannotation_messages`` through ``services.jobs.job_enqueue``;
after a lost worker the sweeper sends only the articles still without a
prediction). Each task calls ``preannotate_batch``, which is idempotent: it
skips articles that already have a prediction for this pipeline version, writes
new ones with one bulk insert (the unique constraint on article + pipeline +
version is the backstop for concurrent deliveries), and records why an article
could not be processed (empty, too long, pipeline error) on the article. Job
progress is recomputed from the stored rows rather than incremented, so a
redelivered batch never counts twice.

Which pipeline: ``project.pipeline`` is a built-in rule pipeline (``fin-de``,
``fin-en``), a name from ``settings.NEWSROOM_SPACY_PIPELINES`` (an installed
package or a directory on disk, mapped onto the scheme by
``project.label_mapping``), or empty for the built-in one of the project's
language. Admins can extend the built-in gazetteers and lexicons with
``project.pipeline_options["extra_terms"]`` (``{"ORG": ["Acme AG"], ...}``).

spaCy stays out of web processes until it is needed: ``annotations.nlp``'s
registry, loader and suggest modules (which import spaCy) are imported inside
the functions that use them, so loading the URL conf (which imports this
module through the API) never imports spaCy.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from annotations.choices import JobKind, JobStatus
from annotations.models import Article, Job, Prediction, Project
from annotations.nlp.errors import PipelineError
from annotations.prediction_confidence import (
    prediction_confidence,
    prediction_min_score,
)
from annotations.services.jobs import (
    JobCancelled,
    job_checkpoint,
    job_create,
    job_enqueue,
)

if TYPE_CHECKING:
    from annotations.nlp.registry import PipelineSpec

logger = logging.getLogger(__name__)

CHUNK_SIZE = 200
# Predictions written per transaction.
WRITE_BATCH = 50


def _chunk_size() -> int:
    return int(getattr(settings, "NEWSROOM_PREANNOTATE_CHUNK", CHUNK_SIZE))


def pipeline_spec_for_project(project: Project) -> PipelineSpec:
    """The pipeline spec the project uses now; PipelineError explains any problem."""
    from annotations.nlp import registry

    name = project.pipeline or f"fin-{project.language}"
    options = project.pipeline_options or {}
    if name in registry.BUILTIN_PIPELINES:
        return registry.get_pipeline_spec(name, extra_terms=options.get("extra_terms"))
    if name.startswith("trained:"):
        return trained_spec(project, name)
    installed = getattr(settings, "NEWSROOM_SPACY_PIPELINES", {}) or {}
    if name not in installed:
        known = sorted([*registry.BUILTIN_PIPELINES, *installed])
        raise PipelineError(
            f"Unknown pipeline {name!r}. Available: {', '.join(known)}. Installed "
            "spaCy packages and pipeline directories are listed in the "
            "NEWSROOM_SPACY_PIPELINES setting."
        )
    if not project.label_mapping:
        raise PipelineError(
            f"Pipeline {name!r} needs a label mapping onto the scheme, "
            'e.g. {"ORG": "ORG", "PERSON": "PERSON", "GPE": null}.'
        )
    spec = registry.spacy_package_spec(
        installed[name], project.label_mapping, project.parsed_scheme.span_label_keys
    )
    return registry.PipelineSpec(
        name=name,
        version=spec.version,
        language=spec.language,
        build=spec.build,
        labels=spec.labels,
        description=spec.description,
    )


def trained_spec(project: Project, name: str) -> PipelineSpec:
    """A pipeline this project trained on its own gold: labels are scheme keys already.

    ``name`` is ``trained:<name>`` (the newest finished version) or
    ``trained:<name>@<version>`` (that version: what a switch sets).
    """
    from annotations.nlp import registry
    from annotations.services.training import trained_pipeline_for

    try:
        model = trained_pipeline_for(project, name.removeprefix("trained:"))
    except ValidationError as error:
        raise PipelineError(" ".join(error.messages)) from error
    keys = project.parsed_scheme.span_label_keys
    spec = registry.spacy_package_spec(model.path, {k: k for k in keys}, keys)
    return registry.PipelineSpec(
        name=name,
        version=f"{model.version}+{spec.version.rsplit('+', 1)[-1]}",
        language=spec.language,
        build=spec.build,
        labels=spec.labels,
        description=f"Trained on this project's gold ({model.version})",
    )


def warm_pipelines() -> None:
    """Build ``settings.NEWSROOM_WARM_PIPELINES`` now (worker start); failures are only logged."""
    from annotations.nlp import registry
    from annotations.nlp.loader import load_pipeline

    for name in getattr(settings, "NEWSROOM_WARM_PIPELINES", []):
        try:
            load_pipeline(registry.get_pipeline_spec(name))
        except PipelineError as error:
            logger.warning("Could not warm pipeline %s: %s", name, error)


def pipeline_validate(project: Project) -> PipelineSpec:
    """Like pipeline_spec_for_project, but as a ValidationError on ``pipeline`` for forms and the API."""
    try:
        return pipeline_spec_for_project(project)
    except PipelineError as error:
        raise ValidationError({"pipeline": [str(error)]}) from error


def preannotation_schedule(
    *,
    project: Project,
    article_ids: Sequence[int] | None = None,
    created_by=None,
) -> Job:
    """Create a pre-annotation job and queue its chunks after the transaction commits.

    Without ``article_ids`` every article of the project is (re-)considered;
    articles that already have a prediction for the current pipeline version
    are counted as done without work. Raises ValidationError on
    ``article_ids`` when some are not articles of the project, and on
    ``pipeline`` when the project's pipeline is unusable, so nothing is queued
    that cannot run. The project page, ``POST /api/v1/projects/{id}/preannotate/``,
    the Django admin and imports all start runs here.
    """
    project_ids = Article.objects.filter(project=project).order_by("id")
    if article_ids is None:
        ids = list(project_ids.values_list("id", flat=True))
    else:
        ids = sorted(set(article_ids))
        known = set(project_ids.filter(pk__in=ids).values_list("id", flat=True))
        unknown = [pk for pk in ids if pk not in known]
        if unknown:
            raise ValidationError(
                {"article_ids": [f"Not articles of this project: {unknown[:20]}"]}
            )
    spec = pipeline_validate(project)
    job = job_create(
        kind=JobKind.PREANNOTATE,
        project=project,
        created_by=created_by,
        total=len(ids),
        params={"pipeline": spec.name, "version": spec.version, "article_ids": ids},
    )
    if not ids:
        job.status = JobStatus.DONE
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "finished_at"])
        return job
    return job_enqueue(job)


def preannotation_messages(job: Job, *, resume: bool = False) -> list[tuple[str, list]]:
    """One ``preannotate_batch`` message per chunk of the job's articles.

    With ``resume`` (the sweeper after a lost worker, an admin's retry) only
    articles still without a prediction of the job's pipeline version are sent.
    """
    ids = job.params.get("article_ids", [])
    if resume:
        ids = _articles_without_prediction(
            ids, pipeline=job.params["pipeline"], version=job.params["version"]
        )
    size = _chunk_size()
    return [
        ("annotations.preannotate_batch", [str(job.pk), ids[i : i + size]])
        for i in range(0, len(ids), size)
    ]


def _articles_without_prediction(
    ids: list[int], *, pipeline: str, version: str
) -> list[int]:
    predicted = Prediction.objects.filter(
        article=OuterRef("pk"), pipeline=pipeline, pipeline_version=version
    )
    todo: list[int] = []
    for start in range(0, len(ids), 5000):  # stay below SQLite's parameter limit
        todo += (
            Article.objects.filter(pk__in=ids[start : start + 5000])
            .exclude(Exists(predicted))
            .order_by("id")
            .values_list("id", flat=True)
        )
    return todo


@dataclass
class BatchResult:
    created: int = 0
    skipped: int = 0
    already_done: int = 0


def preannotate_batch(*, job_id: str, article_ids: Iterable[int]) -> BatchResult:
    """Predict and store one chunk of a job's articles; safe to run any number of times."""
    job = Job.objects.select_related("project").get(pk=job_id)
    if job.status in {JobStatus.DONE, JobStatus.FAILED}:
        return BatchResult()
    now = timezone.now()
    Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now
    )
    try:
        job_checkpoint(job_id=job_id)  # heartbeat per chunk; stop here if cancelled
    except JobCancelled:
        return BatchResult()
    project = job.project
    try:
        spec = pipeline_spec_for_project(project)
    except PipelineError as error:
        job_mark_failed(job_id=job_id, error=str(error))
        return BatchResult()
    result = preannotate_articles(project=project, spec=spec, article_ids=article_ids)
    job_refresh_progress(job_id=job_id)
    return result


def preannotate_articles(
    *, project: Project, spec: PipelineSpec, article_ids: Iterable[int]
) -> BatchResult:
    """Store predictions of ``spec`` for the given articles that lack one (bulk writes)."""
    from annotations.nlp import suggest

    ids = list(article_ids)
    done = Prediction.objects.filter(
        article=OuterRef("pk"), pipeline=spec.name, pipeline_version=spec.version
    )
    todo = list(
        Article.objects.filter(project=project, pk__in=ids)
        .exclude(Exists(done))
        .order_by("id")
        .only("id", "text", "preannotation_skipped_reason")
    )
    result = BatchResult(already_done=len(ids) - len(todo))
    if not todo:
        return result
    predictions = suggest.predict(
        spec,
        [article.text for article in todo],
        span_labels=project.parsed_scheme.span_label_keys,
        max_chars=int(getattr(settings, "NEWSROOM_PREANNOTATE_MAX_CHARS", 100_000)),
    )
    rows, changed = [], []
    for article, prediction in zip(todo, predictions, strict=True):
        reason = (prediction.skipped_reason or "")[:200]
        if article.preannotation_skipped_reason != reason:
            article.preannotation_skipped_reason = reason
            changed.append(article)
        if prediction.skipped:
            result.skipped += 1
            continue
        data = prediction.to_dict()
        rows.append(
            Prediction(
                article_id=article.pk,
                pipeline=spec.name,
                pipeline_version=spec.version,
                spans=data["spans"],
                labels=data["labels"],
                evidence=data["evidence"],
                confidence=prediction_confidence(data["spans"], data["labels"]),
                min_score=prediction_min_score(data["spans"], data["labels"]),
            )
        )
    # Short transactions (SQLite's one write lock): each piece is idempotent, and
    # a batch cut short is done again by the next run of it.
    for start in range(0, len(rows), WRITE_BATCH):
        with transaction.atomic():
            result.created += len(
                Prediction.objects.bulk_create(
                    rows[start : start + WRITE_BATCH], ignore_conflicts=True
                )
            )
    if changed:
        with transaction.atomic():
            Article.objects.bulk_update(
                changed, ["preannotation_skipped_reason"], batch_size=WRITE_BATCH
            )
    return result


def job_refresh_progress(*, job_id: str) -> Job:
    """Recount a pre-annotation job from the stored rows; finish it when all are handled."""
    job = Job.objects.get(pk=job_id)
    ids = job.params.get("article_ids", [])
    predicted = Prediction.objects.filter(
        article=OuterRef("pk"),
        pipeline=job.params["pipeline"],
        pipeline_version=job.params["version"],
    )
    done = failed = 0
    for start in range(0, len(ids), 5000):  # stay below SQLite's parameter limit
        targets = Article.objects.filter(pk__in=ids[start : start + 5000])
        done += targets.filter(Exists(predicted)).count()
        failed += (
            targets.exclude(Exists(predicted))
            .exclude(Q(preannotation_skipped_reason=""))
            .count()
        )
    update = {"done": done, "failed": failed}
    if done + failed >= job.total:
        update.update(
            status=JobStatus.DONE,
            finished_at=timezone.now(),
            result={"predicted": done, "skipped": failed},
        )
    Job.objects.filter(pk=job.pk).exclude(status=JobStatus.FAILED).update(**update)
    job.refresh_from_db()
    return job


def job_mark_failed(*, job_id: str, error: str) -> None:
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )
