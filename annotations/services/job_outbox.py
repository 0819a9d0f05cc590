"""The outbox: hand a job's messages to the broker without ever making a request wait.

Imported by ``services.jobs`` (``job_enqueue``), the sweeper and job control;
imports models and Celery's app. A job row is the outbox entry: it exists
before any message does (the caller's transaction created it), and
``published_at`` stays empty until the broker accepted its messages. A publish
opens its own connection with a short timeout and no retries, so a broker that
is down costs a request at most ``NEWSROOM_JOB_PUBLISH_TIMEOUT_S``; after a
failure this process skips publishing for ``NEWSROOM_JOB_BROKER_BACKOFF_S``
(a circuit breaker), so a burst of requests during an outage costs nothing.
The row then says "publish failed" and the sweeper sends it once the broker is
back. Publishing twice is harmless: every task claims its job with a
conditional update and pre-annotation skips articles already predicted.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from annotations.choices import JobKind, JobStatus
from annotations.models import Job

logger = logging.getLogger(__name__)

Message = tuple[str, list]

# Task names by job kind, for the kinds whose one message is ``[job_id]``.
SINGLE_TASKS = {
    JobKind.HEALTH_CHECK: "annotations.health_check",
    JobKind.EXPORT: "annotations.export",
    JobKind.RELEASE: "annotations.release",
    JobKind.TRAIN: "annotations.train_pipeline",
    JobKind.AGREEMENT: "annotations.agreement_recompute",
    JobKind.IMPORT: "annotations.import_articles",
}

_breaker = {"closed_at": 0.0}
_breaker_lock = threading.Lock()


class BrokerUnavailable(Exception):
    """The broker refused, timed out, or failed recently (circuit open)."""


def _preannotation_messages(job: Job, *, resume: bool) -> list[Message]:
    from annotations.services.preannotation import preannotation_messages

    return preannotation_messages(job, resume=resume)


MESSAGE_BUILDERS: dict[str, Callable[..., list[Message]]] = {
    JobKind.PREANNOTATE: _preannotation_messages,
}


def job_messages(job: Job, *, resume: bool = False) -> list[Message]:
    """The broker messages that do ``job``'s (remaining, with ``resume``) work."""
    builder = MESSAGE_BUILDERS.get(job.kind)
    if builder is not None:
        return builder(job, resume=resume)
    return [(SINGLE_TASKS[job.kind], [str(job.pk)])]


def broker_send(messages: list[Message], *, force: bool = False) -> None:
    """Publish ``messages`` on one short-lived connection; BrokerUnavailable on failure."""
    from newsroom.celery import app

    with _breaker_lock:
        if not force and time.monotonic() < _breaker["closed_at"]:
            raise BrokerUnavailable(
                "the broker failed moments ago; not tried again yet"
            )
    timeout = settings.NEWSROOM_JOB_PUBLISH_TIMEOUT_S
    options = {**(app.conf.broker_transport_options or {}), "max_retries": 0}
    if settings.REDIS_URL:
        options.update(socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        with app.connection_for_write(
            connect_timeout=timeout, transport_options=options
        ) as conn:
            for name, args in messages:
                app.send_task(name, args=args, connection=conn, retry=False)
    except Exception as error:  # refused, timed out, full disk: all mean "later"
        with _breaker_lock:
            _breaker["closed_at"] = (
                time.monotonic() + settings.NEWSROOM_JOB_BROKER_BACKOFF_S
            )
        raise BrokerUnavailable(f"{type(error).__name__}: {error}") from error


def job_publish(*, job_id, resume: bool = False, force: bool = False) -> bool:
    """Send a queued job's messages; True when the broker has them (or nothing to send).

    Never raises: on failure the row keeps ``published_at`` empty with the
    reason in ``publish_error``, and the sweeper tries again.
    """
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.status != JobStatus.QUEUED:
        return True  # claimed, finished or cancelled meanwhile: nothing to send
    try:
        messages = job_messages(job, resume=resume)
        broker_send(messages, force=force)
    except BrokerUnavailable as error:
        Job.objects.filter(pk=job_id, published_at__isnull=True).update(
            publish_error=f"Broker unreachable: {error}"[:300]
        )
        logger.warning("Job %s not sent (will retry): %s", job_id, error)
        return False
    except Exception as error:  # a bug must not turn a committed request into a 500
        logger.exception("Job %s could not be sent", job_id)
        Job.objects.filter(pk=job_id, published_at__isnull=True).update(
            publish_error=f"{type(error).__name__}: {error}"[:300]
        )
        return False
    now = timezone.now()
    Job.objects.filter(pk=job_id).update(published_at=now, publish_error="")
    Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(heartbeat_at=now)
    if not messages:  # nothing left to do (resumed after the last chunk)
        job_nothing_left(job)
    return True


def job_nothing_left(job: Job) -> None:
    """A resumed job whose work is all stored: let its kind's bookkeeping finish it."""
    if job.kind == JobKind.PREANNOTATE:
        from annotations.services.preannotation import job_refresh_progress

        job_refresh_progress(job_id=str(job.pk))


def breaker_reset() -> None:
    """Forget a recent failure (tests; the sweeper forces its own attempts)."""
    with _breaker_lock:
        _breaker["closed_at"] = 0.0
