import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from annotations import job_states
from annotations.choices import JobKind, JobStatus


class Job(models.Model):
    """Long-running work done by a Celery worker; its state lives here, not only in Celery."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(
        "annotations.Project",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    kind = models.CharField(max_length=32, choices=JobKind.choices)
    status = models.CharField(
        max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Outbox: null until the job's messages reached the broker (docs/jobs.md).
    published_at = models.DateTimeField(null=True, blank=True)
    publish_error = models.CharField(max_length=300, blank=True)
    # Last sign of life: publication while queued, the running task's stamps after.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # How often the sweeper had to send the job again (lost message, killed worker).
    attempts = models.PositiveSmallIntegerField(default=0)
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["status", "heartbeat_at"], name="job_status_heartbeat"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.id} ({self.status})"

    @property
    def facts(self) -> job_states.JobFacts:
        return job_states.JobFacts(
            status=self.status,
            created_at=self.created_at,
            published_at=self.published_at,
            publish_error=self.publish_error,
            heartbeat_at=self.heartbeat_at,
            started_at=self.started_at,
            attempts=self.attempts,
            cancel_requested_at=self.cancel_requested_at,
        )

    @property
    def state(self) -> str:
        """Why a queued or running job is (not) moving; see ``job_states``."""
        stale = timedelta(seconds=settings.NEWSROOM_JOB_STALE_AFTER_S)
        return job_states.job_state(self.facts, now=timezone.now(), stale_after=stale)

    @property
    def state_help(self) -> str:
        return str(job_states.STATE_HELP[self.state])

    @property
    def can_retry(self) -> bool:
        return job_states.can_retry(self.state)

    @property
    def can_cancel(self) -> bool:
        return job_states.can_cancel(self.state)
