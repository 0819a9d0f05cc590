"""Celery entry points for exports and releases: ids in, one service call each.

Imported by ``annotations.tasks`` (so Celery's autodiscovery registers them) and,
lazily, by the services that queue them. Jobs are idempotent by construction: the
job row is claimed with a conditional UPDATE, an export writes to a path derived
from the job id, and a release number is unique per project.
"""

from __future__ import annotations

from celery import shared_task
from celery.utils.log import get_task_logger

__all__ = ["export_task", "release_task"]

logger = get_task_logger(__name__)


def _job_failure(self, exc, task_id, args, kwargs, einfo) -> None:
    """After the last attempt the job shows the error instead of staying queued."""
    from annotations.services.jobs import job_fail

    job_id = args[0] if args else kwargs.get("job_id")
    if job_id:
        job_fail(job_id=job_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(
    name="annotations.export",
    bind=True,
    acks_late=True,
    soft_time_limit=55 * 60,
    time_limit=60 * 60,
    on_failure=_job_failure,
)
def export_task(self, job_id: str) -> dict:
    from annotations.services.exports import export_job_run

    logger.info("export %s", job_id)
    return export_job_run(job_id=job_id)


@shared_task(
    name="annotations.release",
    bind=True,
    acks_late=True,
    soft_time_limit=55 * 60,
    time_limit=60 * 60,
    on_failure=_job_failure,
)
def release_task(self, job_id: str) -> dict:
    from annotations.services.releases import release_job_run

    logger.info("release %s", job_id)
    return release_job_run(job_id=job_id)
