"""Job bookkeeping: the state of background work lives in our database.

``job_enqueue`` is the one way work reaches the workers (after commit, through
``services.job_outbox``); running tasks prove they are alive with
``job_alive``/``job_checkpoint``, which the sweeper (``services.job_sweeper``)
reads. docs/jobs.md has the state machine.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from annotations.choices import JobKind, JobStatus
from annotations.job_states import JobFacts
from annotations.models import Job, Project

logger = logging.getLogger(__name__)


class JobCancelled(Exception):
    """Raised at a checkpoint of a job an admin cancelled; the task stops there."""


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
    now = timezone.now()
    return bool(
        Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=now, heartbeat_at=now
        )
    )


def job_progress(*, job_id: str, done: int = 0, failed: int = 0) -> None:
    """Count progress; also a checkpoint (heartbeat, JobCancelled when cancelled)."""
    Job.objects.filter(pk=job_id).update(
        done=F("done") + done, failed=F("failed") + failed
    )
    job_checkpoint(job_id=job_id)


def job_finish(*, job_id: str, result: dict[str, Any] | None = None) -> None:
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.DONE, result=result or {}, finished_at=timezone.now()
    )


def job_fail(*, job_id: str, error: str) -> None:
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def job_enqueue(job: Job, *, resume: bool = False) -> Job:
    """Hand ``job`` to the workers once the surrounding transaction commits.

    Every job starts here (no ``.delay`` elsewhere). The publish waits at most
    ``NEWSROOM_JOB_PUBLISH_TIMEOUT_S`` and never raises: when the broker is
    down the row keeps ``published_at`` empty and says why, and the sweeper
    sends it later (the outbox).
    """
    from annotations.services.job_outbox import job_publish

    job_id = job.pk
    transaction.on_commit(lambda: job_publish(job_id=job_id, resume=resume))
    return job


def job_facts(job: Job) -> JobFacts:
    return job.facts


def stale_after() -> timedelta:
    return timedelta(seconds=settings.NEWSROOM_JOB_STALE_AFTER_S)


def job_state_of(job: Job) -> str:
    """The finer state shown to admins (``job_states.STATE_HELP``)."""
    return job.state


def job_heartbeat(*, job_id: str) -> None:
    """Stamp a sign of life on an active job (the sweeper reads it)."""
    Job.objects.filter(
        pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).update(heartbeat_at=timezone.now())


def job_checkpoint(*, job_id: str) -> None:
    """Between chunks: stamp the heartbeat; raise JobCancelled if an admin cancelled."""
    job_heartbeat(job_id=job_id)
    cancelled = Job.objects.filter(pk=job_id, cancel_requested_at__isnull=False)
    if cancelled.exists():
        job_mark_cancelled(job_id=job_id)
        raise JobCancelled(f"Job {job_id} was cancelled")


def job_mark_cancelled(*, job_id: str) -> None:
    Job.objects.filter(
        pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).update(
        status=JobStatus.FAILED,
        error="Cancelled by an admin.",
        finished_at=timezone.now(),
    )


def _beat_every() -> float:
    return max(0.5, min(30.0, settings.NEWSROOM_JOB_STALE_AFTER_S / 4))


@contextmanager
def job_alive(job_id: str) -> Iterator[None]:
    """Stamp the job's heartbeat from a side thread while a task works on it.

    The thread dies with the worker process (SIGKILL, OOM), so the stamps stop
    exactly when the work stops; a long single step (an export, a release) is
    never mistaken for a dead one.
    """
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(_beat_every()):
            try:
                job_heartbeat(job_id=job_id)
            except Exception:  # a busy database: the next stamp will do
                logger.warning("Could not stamp job %s", job_id, exc_info=True)
            finally:
                connection.close()  # this thread's own connection

    job_heartbeat(job_id=job_id)
    thread = threading.Thread(target=beat, name=f"job-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


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
    job = job_create(kind=JobKind.HEALTH_CHECK, created_by=created_by, total=1)
    return job_enqueue(job)
