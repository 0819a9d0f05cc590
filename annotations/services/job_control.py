"""Admins retry or cancel a job (the jobs page, the project page, the API).

Imported by views and the API; imports models, the job rules and
``services.jobs``. The caller fetched the job through
``selectors.jobs.job_get_for_admin`` (membership and role checked there).
Each use-case locks the row, checks the transition against the job's state
and writes in one transaction; a transition that does not apply is a
``ConflictError`` (HTTP 409) that says what to do instead.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from annotations.choices import JobKind, JobStatus
from annotations.errors import ConflictError
from annotations.job_states import QUEUED, STATE_HELP, can_cancel, can_retry
from annotations.models import Job, TrainedPipeline
from annotations.services.jobs import job_enqueue, job_state_of


def job_cancel(*, job: Job, user) -> Job:
    """Cancel a job: a queued one at once, a running one at its next chunk."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        state = job_state_of(job)
        if not can_cancel(state):
            raise ConflictError(
                f"This job cannot be cancelled: it is {state} ({STATE_HELP[state]})"
            )
        now = timezone.now()
        job.cancel_requested_at, job.cancelled_by = now, user
        fields = ["cancel_requested_at", "cancelled_by"]
        if job.status == QUEUED:
            job.status, job.finished_at = JobStatus.FAILED, now
            job.error = f"Cancelled by {user.get_username()}."
            fields += ["status", "finished_at", "error"]
        job.save(update_fields=fields)
    return job


def job_retry(*, job: Job, user) -> Job:
    """Send a failed, cancelled or stuck job again; it resumes where it stopped.

    Pre-annotation sends only the articles still without a prediction; an
    export rewrites its own file; other kinds run again from the start.
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        state = job_state_of(job)
        if not can_retry(state):
            raise ConflictError(
                f"This job cannot be retried now: it is {state} "
                f"({STATE_HELP[state]}) Cancel it first if it must stop."
            )
        job.status, job.error, job.result = JobStatus.QUEUED, "", {}
        job.started_at = job.finished_at = job.heartbeat_at = None
        job.published_at, job.publish_error, job.attempts = None, "", 0
        job.cancel_requested_at, job.cancelled_by = None, None
        job.save()
        if job.kind == JobKind.TRAIN:
            TrainedPipeline.objects.filter(job=job).update(status=JobStatus.QUEUED)
        job_enqueue(job, resume=True)
    return job
