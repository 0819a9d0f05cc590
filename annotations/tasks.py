"""Celery entry points: thin, id-in, one service call each."""

from __future__ import annotations

from celery import shared_task
from celery.utils.log import get_task_logger

logger = get_task_logger(__name__)


@shared_task(name="annotations.health_check")
def health_check_task(job_id: str) -> dict:
    from annotations.services.jobs import health_check_run

    logger.info("health check %s", job_id)
    return health_check_run(job_id=job_id)
