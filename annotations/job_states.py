"""What a job row means to a person, and what the sweeper does with it: pure rules.

A leaf: imports no models, services, selectors or ``django.db``; works on the
plain ``JobFacts`` that ``services.jobs`` reads from a row. ``status`` keeps
the contract's four values (queued, running, done, failed); the finer
``state`` shown to admins says why a queued or running job is not moving
(docs/jobs.md has the state machine).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"

# Finer states (``Job.state`` in the API, the badge in the UI).
WAITING_TO_BE_SENT = "waiting to be sent"
PUBLISH_FAILED = "publish failed"
WAITING_FOR_WORKER = "waiting for a worker"
LOST = "lost"
STALLED = "stalled"
CANCELLING = "cancelling"
CANCELLED = "cancelled"

STATE_HELP = {
    WAITING_TO_BE_SENT: _("Saved; it is being handed to the workers."),
    PUBLISH_FAILED: _(
        "The message broker could not be reached; the job is sent again "
        "automatically once it is back."
    ),
    WAITING_FOR_WORKER: _("Queued; it starts when a worker is free."),
    LOST: _(
        "No worker has taken the job for a while: the workers are busy, or its "
        "message was lost (then it is sent again as soon as a worker is idle)."
    ),
    RUNNING: _("A worker is working on it."),
    STALLED: _(
        "No sign of life from a worker for a while: the workers are busy, or the "
        "one running it was killed (then the job is put back in the queue as soon "
        "as a worker is idle, and resumes where it stopped)."
    ),
    CANCELLING: _("Cancel requested; the job stops at its next chunk."),
    DONE: _("Finished."),
    CANCELLED: _("Cancelled by an admin."),
    FAILED: _("Failed; the reason is shown."),
}

# Sweeper actions.
PUBLISH, REQUEUE, GIVE_UP, CANCEL = "publish", "requeue", "give up", "cancel"


@dataclass(frozen=True)
class JobFacts:
    """The columns of a job row that the rules below look at."""

    status: str
    created_at: datetime
    published_at: datetime | None = None
    publish_error: str = ""
    heartbeat_at: datetime | None = None
    started_at: datetime | None = None
    attempts: int = 0
    cancel_requested_at: datetime | None = None

    def last_sign_of_life(self) -> datetime:
        return (
            self.heartbeat_at
            or self.started_at
            or self.published_at
            or (self.created_at)
        )


def _silent(facts: JobFacts, *, now: datetime, stale_after: timedelta) -> bool:
    return now - facts.last_sign_of_life() > stale_after


def job_state(facts: JobFacts, *, now: datetime, stale_after: timedelta) -> str:
    """The finer state of a job for people (one of ``STATE_HELP``'s keys)."""
    if facts.status == DONE:
        return DONE
    if facts.status == FAILED:
        return CANCELLED if facts.cancel_requested_at else FAILED
    if facts.status == QUEUED:
        if facts.published_at is None:
            return PUBLISH_FAILED if facts.publish_error else WAITING_TO_BE_SENT
        return (
            LOST
            if _silent(facts, now=now, stale_after=stale_after)
            else (WAITING_FOR_WORKER)
        )
    if facts.cancel_requested_at:
        return CANCELLING
    return STALLED if _silent(facts, now=now, stale_after=stale_after) else RUNNING


def sweep_action(
    facts: JobFacts,
    *,
    now: datetime,
    stale_after: timedelta,
    outbox_grace: timedelta,
    max_attempts: int,
    worker_idle: bool,
) -> str | None:
    """What the sweeper does with a job: publish, requeue, give up, cancel or nothing.

    A silent job is only re-queued by a sweeper whose worker is idle (and
    consumes every queue): an idle worker would have taken any message still
    in the queue, so the job's message is lost or its worker dead. A busy
    worker cannot tell a backlog from a loss, and leaves the job alone.
    """
    if facts.status not in (QUEUED, RUNNING):
        return None
    if facts.cancel_requested_at and (
        facts.status == QUEUED or _silent(facts, now=now, stale_after=stale_after)
    ):
        return CANCEL
    if facts.status == QUEUED and facts.published_at is None:
        return PUBLISH if now - facts.created_at > outbox_grace else None
    if not worker_idle or not _silent(facts, now=now, stale_after=stale_after):
        return None
    return GIVE_UP if facts.attempts >= max_attempts else REQUEUE


def give_up_reason(facts: JobFacts, *, max_attempts: int) -> str:
    """The error an admin reads on a job the sweeper gave up on."""
    where = "before a worker took it" if facts.status == QUEUED else "while running"
    return (
        f"Gave up after {max_attempts} attempts: the job stopped giving signs of "
        f"life {where} each time (worker killed or restarted, or the message "
        "lost). Retry it once the workers are healthy (/healthz)."
    )


def can_cancel(state: str) -> bool:
    return state not in (DONE, FAILED, CANCELLED, CANCELLING)


def can_retry(state: str) -> bool:
    """Failed, cancelled, or stuck: an admin may send the job again now."""
    return state in (FAILED, CANCELLED, PUBLISH_FAILED, LOST, STALLED)


def blocks_new_run(state: str) -> bool:
    """Whether an active job should stop a second one of its kind being queued.

    A silent (lost or stalled) job does not: an orphan must never block, say,
    the agreement refresh for good.
    """
    return state in (WAITING_TO_BE_SENT, PUBLISH_FAILED, WAITING_FOR_WORKER, RUNNING)
