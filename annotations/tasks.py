"""Celery entry points: thin, id-in, one service call each.

Every job reaches these through ``services.jobs.job_enqueue`` (the outbox);
each task stamps its job's heartbeat while it works (``job_alive``) so the
sweeper can tell a slow job from an orphan. Jobs are idempotent by construction: pre-annotation replaces per (article,
pipeline version), an export writes to a path derived from the job id, and a
release number is unique per project. Services import these lazily (no cycle).
"""

from __future__ import annotations

from celery import shared_task
from celery.utils.log import get_task_logger
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError

logger = get_task_logger(__name__)

# Worth a retry: the database or the broker was briefly unreachable. Anything
# else is a bug or bad data and must not be retried blindly.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerOperationalError)


@shared_task(name="annotations.health_check")
def health_check_task(job_id: str) -> dict:
    from annotations.services.jobs import health_check_run

    logger.info("health check %s", job_id)
    return health_check_run(job_id=job_id)


@shared_task(name="annotations.sweep_jobs", ignore_result=True)
def sweep_jobs_task() -> dict:
    """One sweeper pass (the worker runs it on its own timer; this is for beat/cron)."""
    from annotations.services.job_sweeper import jobs_sweep

    return dict(jobs_sweep())


def _preannotate_batch_failure(self, exc, task_id, args, kwargs, einfo) -> None:
    """After the last retry: the job shows the error instead of waiting forever."""
    from annotations.services.preannotation import job_mark_failed

    job_id = args[0] if args else kwargs.get("job_id")
    if job_id:
        job_mark_failed(job_id=job_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(
    name="annotations.preannotate_batch",
    bind=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=6,
    acks_late=True,
    soft_time_limit=15 * 60,
    time_limit=20 * 60,
    on_failure=_preannotate_batch_failure,
)
def preannotate_batch_task(self, job_id: str, article_ids: list[int]) -> dict:
    """One chunk of a pre-annotation job; idempotent, so redelivery is harmless."""
    from annotations.services.jobs import job_alive
    from annotations.services.preannotation import preannotate_batch

    with job_alive(job_id):
        result = preannotate_batch(job_id=job_id, article_ids=article_ids)
    logger.info(
        "preannotate %s: %d created, %d skipped, %d already done",
        job_id,
        result.created,
        result.skipped,
        result.already_done,
    )
    return {"created": result.created, "skipped": result.skipped}


@shared_task(
    name="annotations.agreement_recompute",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_jitter=True,
    max_retries=3,
    soft_time_limit=20 * 60,
    time_limit=25 * 60,
)
def agreement_recompute_task(job_id: str) -> None:
    """Refresh a project's agreement snapshot in the background (the dashboard shows the old one meanwhile)."""
    from annotations.services.agreement import agreement_recompute_run
    from annotations.services.jobs import job_alive

    with job_alive(job_id):
        agreement_recompute_run(job_id=job_id)


@shared_task(
    name="annotations.train_pipeline",
    acks_late=False,  # a redelivered training would start over; run it once
    soft_time_limit=2 * 60 * 60,
    time_limit=2 * 60 * 60 + 300,
)
def training_task(job_id: str) -> None:
    """Train a spaCy pipeline on a project's gold (spaCy runs as child processes)."""
    from annotations.services.jobs import job_alive
    from annotations.services.training import training_run

    with job_alive(job_id):
        training_run(job_id=job_id)


def _job_failure(self, exc, task_id, args, kwargs, einfo) -> None:
    """After the last attempt the job shows the error instead of staying queued."""
    from annotations.services.jobs import job_fail

    job_id = args[0] if args else kwargs.get("job_id")
    if job_id:
        job_fail(job_id=job_id, error=f"{type(exc).__name__}: {exc}")


# One hour at most; redelivered after a worker dies (the job is claimed once).
FILE_JOB = {
    "bind": True,
    "acks_late": True,
    "soft_time_limit": 55 * 60,
    "time_limit": 60 * 60,
    "on_failure": _job_failure,
}


def _run_file_job(what: str, job_id: str, run) -> dict:
    from annotations.services.jobs import job_alive

    logger.info("%s %s", what, job_id)
    with job_alive(job_id):
        return run(job_id=job_id)


@shared_task(name="annotations.export", **FILE_JOB)
def export_task(self, job_id: str) -> dict:
    from annotations.services.exports import export_job_run

    return _run_file_job("export", job_id, export_job_run)


@shared_task(name="annotations.release", **FILE_JOB)
def release_task(self, job_id: str) -> dict:
    from annotations.services.releases import release_job_run

    return _run_file_job("release", job_id, release_job_run)


@shared_task(name="annotations.import_articles", **FILE_JOB)
def import_task(self, job_id: str) -> dict:
    """An import started on the import page; all or nothing, claimed once."""
    from annotations.services.article_import import import_job_run

    return _run_file_job("import", job_id, import_job_run)
