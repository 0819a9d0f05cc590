"""Job bookkeeping: the state of background work lives in our database."""

from __future__ import annotations

import socket
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from annotations.choices import JobKind, JobStatus
from annotations.models import Job, Project


def job_create(
    *,
    kind: str,
    project: Project | None = None,
    created_by=None,
    total: int = 0,
    params: dict | None = None,
) -> Job:
    return Job.objects.create(
        kind=kind,
        project=project,
        created_by=created_by,
        total=total,
        params=params or {},
    )


def job_claim(*, job_id: str) -> bool:
    """Move a queued job to running; False if someone else already claimed it.

    A conditional UPDATE is the guard, so a redelivered message does the work once.
    """
    return bool(
        Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=timezone.now()
        )
    )


def job_progress(*, job_id: str, done: int = 0, failed: int = 0) -> None:
    Job.objects.filter(pk=job_id).update(
        done=F("done") + done, failed=F("failed") + failed
    )


def job_finish(*, job_id: str, result: dict[str, Any] | None = None) -> None:
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.DONE, result=result or {}, finished_at=timezone.now()
    )


def job_fail(*, job_id: str, error: str) -> None:
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )


@transaction.atomic
def health_check_run(*, job_id: str) -> dict[str, Any]:
    """What the worker sees: proves broker, worker and database are wired together."""
    if not job_claim(job_id=job_id):
        return Job.objects.get(pk=job_id).result
    result = {
        "worker_host": socket.gethostname(),
        "database_vendor": connection.vendor,
        "database_name": str(connection.settings_dict["NAME"]),
    }
    Job.objects.filter(pk=job_id).update(done=1, total=1)
    job_finish(job_id=job_id, result=result)
    return result


def health_check_queue(*, created_by=None) -> Job:
    """Queue a health-check job after the surrounding transaction commits."""
    from annotations.tasks import health_check_task

    job = job_create(kind=JobKind.HEALTH_CHECK, created_by=created_by, total=1)
    transaction.on_commit(lambda: health_check_task.delay(str(job.pk)))
    return job
