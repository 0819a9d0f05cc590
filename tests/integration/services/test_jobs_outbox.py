"""The outbox and the sweeper (services/job_outbox.py, services/job_sweeper.py).

"Broker down" is real here: the Celery app is pointed at a port where no
broker listens, so publishing gets a genuine connection refusal.
"""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from annotations import job_states
from annotations.choices import JobKind, JobStatus
from annotations.models import Job, Prediction
from annotations.services import job_outbox
from annotations.services.job_sweeper import jobs_sweep
from annotations.services.jobs import health_check_queue
from annotations.services.preannotation import (
    preannotate_batch,
    preannotation_messages,
    preannotation_schedule,
)
from tests.factories import ArticleFactory, JobFactory, ProjectFactory

pytestmark = pytest.mark.django_db
NO_BROKER = "redis://127.0.0.1:6395/0"  # nothing listens there (a closed port)


@pytest.fixture
def broker_down(settings, monkeypatch):
    import kombu.transport.redis  # noqa: F401 — its import is not what is timed

    from newsroom.celery import app

    settings.REDIS_URL = NO_BROKER
    monkeypatch.setattr(app.conf, "broker_url", NO_BROKER)
    job_outbox.breaker_reset()
    yield
    job_outbox.breaker_reset()


@pytest.fixture
def sent(monkeypatch):
    """Record what reaches the broker instead of feeding the test folder's queue."""
    messages = []
    monkeypatch.setattr(
        job_outbox, "broker_send", lambda batch, force=False: messages.extend(batch)
    )
    return messages


def _age(job, **delta):
    """Move a job's clock back as if time had passed."""
    then = timezone.now() - timedelta(**delta)
    Job.objects.filter(pk=job.pk).update(created_at=then)
    for field in ("published_at", "heartbeat_at", "started_at"):
        if getattr(job, field) is not None:
            Job.objects.filter(pk=job.pk).update(**{field: then})
    job.refresh_from_db()
    return job


def test_with_the_broker_down_a_job_is_saved_as_publish_failed_quickly(
    broker_down, django_capture_on_commit_callbacks
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        first = health_check_queue()
    with django_capture_on_commit_callbacks(execute=True):
        second = health_check_queue()  # the circuit is open: not even tried
    assert time.monotonic() - started < 2
    for job in (first, second):
        job.refresh_from_db()
        assert (job.status, job.published_at) == (JobStatus.QUEUED, None)
        assert job.publish_error.startswith("Broker unreachable")
        assert job.state == job_states.PUBLISH_FAILED


def test_the_sweeper_sends_the_outbox_once_the_broker_is_back(
    broker_down, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        job = health_check_queue()
    job.refresh_from_db()
    assert job.published_at is None
    _age(job, seconds=30)
    sent = []  # the broker is back (here: a recorder in its place)
    monkeypatch.setattr(
        job_outbox, "broker_send", lambda batch, force=False: sent.extend(batch)
    )
    assert jobs_sweep()["publish"] == 1
    job.refresh_from_db()
    assert sent == [("annotations.health_check", [str(job.pk)])]
    assert job.published_at is not None
    assert job.publish_error == ""
    assert job.state == job_states.WAITING_FOR_WORKER
    assert jobs_sweep() == {}  # nothing left to do


def test_a_lost_preannotation_resumes_with_the_articles_still_missing(sent):
    project = ProjectFactory(language="en", pipeline="fin-en")
    articles = [
        ArticleFactory(project=project, text=f"Siemens AG rose {i}%.") for i in range(5)
    ]
    job = preannotation_schedule(project=project)
    assert [m[1][1] for m in preannotation_messages(job)] == [[a.pk for a in articles]]
    preannotate_batch(job_id=str(job.pk), article_ids=[a.pk for a in articles[:3]])
    job.refresh_from_db()
    assert (job.status, job.done) == (JobStatus.RUNNING, 3)
    _age(job, minutes=10)  # the worker died: no heartbeat since
    assert job.state == job_states.STALLED

    assert jobs_sweep() == {}  # a busy worker cannot tell: it waits
    assert jobs_sweep(worker_idle=True)["requeue"] == 1
    job.refresh_from_db()
    assert job.attempts == 1
    assert job.state == job_states.WAITING_FOR_WORKER
    assert sent == [
        ("annotations.preannotate_batch", [str(job.pk), [a.pk for a in articles[3:]]])
    ]
    preannotate_batch(job_id=str(job.pk), article_ids=sent[0][1][1])
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 5, 5)
    assert Prediction.objects.filter(article__project=project).count() == 5


def test_a_job_that_keeps_dying_is_failed_with_a_reason(settings, sent):
    settings.NEWSROOM_JOB_MAX_ATTEMPTS = 2
    job = JobFactory(kind=JobKind.EXPORT, status=JobStatus.RUNNING, attempts=2)
    job.heartbeat_at = job.started_at = timezone.now()
    _age(job, minutes=10)
    assert jobs_sweep(worker_idle=True)["give up"] == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "Gave up after 2 attempts" in job.error
    assert sent == []


def test_a_live_job_is_left_alone(sent):
    job = JobFactory(kind=JobKind.EXPORT, status=JobStatus.RUNNING)
    Job.objects.filter(pk=job.pk).update(
        started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    assert jobs_sweep(worker_idle=True) == {}
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.RUNNING, 0)


def test_two_sweepers_act_on_a_job_once(sent):
    """The second pass read the same row, but its conditional update finds it changed."""
    from annotations.services.job_sweeper import _job_requeue

    job = JobFactory(kind=JobKind.EXPORT, status=JobStatus.RUNNING)
    job.heartbeat_at = job.started_at = timezone.now()
    _age(job, minutes=10)
    stale_copy = Job.objects.get(pk=job.pk)
    assert _job_requeue(job) is True
    assert _job_requeue(stale_copy) is False
    assert Job.objects.get(pk=job.pk).attempts == 1


def test_a_sweep_during_an_outage_keeps_the_job_unsent(broker_down):
    job = JobFactory(kind=JobKind.EXPORT)
    _age(job, seconds=30)
    assert jobs_sweep() == {"unsent": 1}
    job.refresh_from_db()
    assert job.state == job_states.PUBLISH_FAILED
    assert "Connection refused" in job.publish_error or "111" in job.publish_error
