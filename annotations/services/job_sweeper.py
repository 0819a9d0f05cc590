"""The sweeper: no job stays queued or running without anyone working on it.

Imported by the worker's sweeper thread (``newsroom.celery``) and the
``sweep_jobs`` command; imports models, the job rules (``job_states``) and the
outbox. One pass looks at every queued or running job once and, by
``job_states.sweep_action``:

- sends jobs whose messages never reached the broker (the outbox);
- re-queues jobs silent for ``NEWSROOM_JOB_STALE_AFTER_S`` (worker killed,
  message lost) when its worker is idle (so the job is not merely waiting in
  a busy queue), resuming them (pre-annotation sends only articles still
  without a prediction), and counts the attempt;
- marks failed, with a reason for admins, those re-queued
  ``NEWSROOM_JOB_MAX_ATTEMPTS`` times already;
- finishes the cancellation of silent jobs an admin cancelled.

Every change is a conditional UPDATE on the row as it was read, so several
workers sweeping at once (several machines) act on a job at most once.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from annotations.choices import JobStatus
from annotations.job_states import (
    CANCEL,
    GIVE_UP,
    PUBLISH,
    REQUEUE,
    give_up_reason,
    sweep_action,
)
from annotations.models import Job
from annotations.services.job_outbox import job_publish
from annotations.services.jobs import job_facts, job_mark_cancelled, stale_after

logger = logging.getLogger(__name__)


def _unchanged(job: Job):
    """The row as this pass read it; an UPDATE through it acts at most once."""
    return Job.objects.filter(
        pk=job.pk,
        status=job.status,
        attempts=job.attempts,
        heartbeat_at=job.heartbeat_at,
        published_at=job.published_at,
    )


def jobs_sweep(*, now=None, worker_idle: bool = False) -> Counter:
    """One pass over the active jobs; returns how many got each action.

    ``worker_idle``: the calling worker consumes every queue and has had
    nothing to do for a few seconds, so a silent job's message is not waiting
    in a queue (``job_states.sweep_action``). Callers that cannot know that
    (a command, a beat task) only send the outbox and finish cancellations.
    """
    now = now or timezone.now()
    counts: Counter = Counter()
    broker_down = False
    active = Job.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
    for job in active.order_by("created_at"):
        action = sweep_action(
            job_facts(job),
            now=now,
            stale_after=stale_after(),
            outbox_grace=timedelta(seconds=settings.NEWSROOM_JOB_OUTBOX_GRACE_S),
            max_attempts=settings.NEWSROOM_JOB_MAX_ATTEMPTS,
            worker_idle=worker_idle,
        )
        if action is None or (broker_down and action in (PUBLISH, REQUEUE)):
            continue
        if action == CANCEL:
            job_mark_cancelled(job_id=str(job.pk))
        elif action == GIVE_UP:
            reason = give_up_reason(
                job_facts(job), max_attempts=settings.NEWSROOM_JOB_MAX_ATTEMPTS
            )
            if not _unchanged(job).update(
                status=JobStatus.FAILED, error=reason, finished_at=now
            ):
                continue
            logger.error("Job %s (%s) failed: %s", job.pk, job.kind, reason)
        elif action == REQUEUE and not _job_requeue(job):
            continue
        if action in (PUBLISH, REQUEUE):
            broker_down = not job_publish(job_id=job.pk, resume=True, force=True)
            if broker_down:  # the row says "publish failed"; next pass tries again
                counts["unsent"] += 1
                continue
        counts[action] += 1
    if set(counts) - {"unsent"}:
        logger.warning("Job sweep: %s", dict(counts))
    return counts


def _job_requeue(job: Job) -> bool:
    """Put a silent job back to queued (unsent), counting the attempt."""
    updated = _unchanged(job).update(
        status=JobStatus.QUEUED,
        attempts=job.attempts + 1,
        published_at=None,
        publish_error="",
        heartbeat_at=None,
    )
    if updated:
        logger.warning(
            "Job %s (%s) silent since %s: re-queued (attempt %d)",
            job.pk,
            job.kind,
            job.heartbeat_at or job.started_at or job.published_at,
            job.attempts + 1,
        )
    return bool(updated)
