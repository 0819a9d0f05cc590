"""Retry and cancel (services/job_control.py) and the orphan-proof agreement refresh."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from annotations import job_states
from annotations.choices import JobKind, JobStatus
from annotations.errors import ConflictError
from annotations.models import Job, Prediction
from annotations.services import job_outbox
from annotations.services.agreement import agreement_current
from annotations.services.job_control import job_cancel, job_retry
from annotations.services.preannotation import preannotate_batch, preannotation_schedule
from tests.factories import (
    ArticleFactory,
    JobFactory,
    ProjectFactory,
    UserFactory,
    annotate,
    annotator,
)
from tests.integration.services.test_jobs_outbox import NO_BROKER

pytestmark = pytest.mark.django_db


def _silent_since(job, minutes):
    then = timezone.now() - timedelta(minutes=minutes)
    Job.objects.filter(pk=job.pk).update(
        created_at=then, started_at=then, heartbeat_at=then, published_at=then
    )
    job.refresh_from_db()
    return job


def test_cancel_stops_a_running_preannotation_at_its_next_chunk(settings):
    settings.NEWSROOM_PREANNOTATE_CHUNK = 2
    project = ProjectFactory(language="en", pipeline="fin-en")
    ids = [
        ArticleFactory(project=project, text="Siemens AG rose 3%.").pk for _ in range(4)
    ]
    job = preannotation_schedule(project=project)
    preannotate_batch(job_id=str(job.pk), article_ids=ids[:2])
    admin = UserFactory()
    job = job_cancel(job=job, user=admin)
    assert job.state == job_states.CANCELLING  # running: it stops at its next chunk
    preannotate_batch(job_id=str(job.pk), article_ids=ids[2:])
    job.refresh_from_db()
    assert job.state == job_states.CANCELLED
    assert job.cancelled_by == admin
    assert Prediction.objects.filter(article__project=project).count() == 2

    with pytest.raises(ConflictError, match="cannot be cancelled: it is cancelled"):
        job_cancel(job=job, user=admin)
    job = job_retry(job=job, user=admin)  # resumes with the two missing articles
    assert job.state == job_states.WAITING_TO_BE_SENT
    assert [m[1][1] for m in job_outbox.job_messages(job, resume=True)] == [ids[2:]]


def test_cancel_a_queued_job_at_once():
    job = JobFactory(kind=JobKind.EXPORT)
    job = job_cancel(job=job, user=UserFactory(username="boss"))
    assert (job.status, job.state, job.error) == (
        JobStatus.FAILED,
        job_states.CANCELLED,
        "Cancelled by boss.",
    )


def test_retry_refuses_a_live_job():
    job = JobFactory(kind=JobKind.EXPORT, status=JobStatus.RUNNING)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    with pytest.raises(ConflictError, match="cannot be retried now: it is running"):
        job_retry(job=job, user=UserFactory())


def test_retry_a_stalled_job_sends_it_again(
    django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(
        job_outbox, "broker_send", lambda b, force=False: sent.extend(b)
    )
    job = _silent_since(JobFactory(kind=JobKind.EXPORT, status=JobStatus.RUNNING), 10)
    assert job.state == job_states.STALLED
    with django_capture_on_commit_callbacks(execute=True):
        job_retry(job=job, user=UserFactory())
    job.refresh_from_db()
    assert job.state == job_states.WAITING_FOR_WORKER
    assert sent == [("annotations.export", [str(job.pk)])]


def _stale_project(project):
    anna, ben = annotator(project, "anna"), annotator(project, "ben")
    article = ArticleFactory(project=project)
    annotate(article, anna)
    annotate(article, ben)
    agreement_current(project=project)  # a snapshot
    annotate(ArticleFactory(project=project), anna)  # now it is stale


def test_an_orphaned_agreement_job_never_blocks_the_refresh(
    project, django_capture_on_commit_callbacks
):
    _stale_project(project)
    orphan = JobFactory(
        project=project, kind=JobKind.AGREEMENT, status=JobStatus.RUNNING
    )
    _silent_since(orphan, 10)
    with django_capture_on_commit_callbacks():
        agreement_current(project=project, allow_stale=True)
    orphan.refresh_from_db()
    assert orphan.status == JobStatus.FAILED
    assert "Superseded" in orphan.error
    live = Job.objects.filter(
        project=project, kind=JobKind.AGREEMENT, status=JobStatus.QUEUED
    )
    assert live.count() == 1
    with django_capture_on_commit_callbacks():  # a live job does block a second one
        agreement_current(project=project, allow_stale=True)
    assert live.count() == 1


def test_the_dashboard_answers_at_once_with_the_broker_down(
    project, members, client, settings, monkeypatch
):
    """Live server semantics (autocommit): the request itself publishes and fails."""
    from newsroom.celery import app

    _stale_project(project)
    settings.REDIS_URL = NO_BROKER
    monkeypatch.setattr(app.conf, "broker_url", NO_BROKER)
    job_outbox.breaker_reset()
    client.force_login(members["reviewer"])
    url = f"/projects/{project.slug}/dashboard/"
    client.get(url)  # warm-up (templates, imports); its job is never sent
    Job.objects.filter(project=project, kind=JobKind.AGREEMENT).delete()
    started = time.monotonic()
    with pytest.MonkeyPatch.context() as patch:
        # Inside the test transaction on_commit would never run: run it now.
        patch.setattr(
            "django.db.transaction.on_commit",
            lambda func, using=None, robust=False: func(),
        )
        response = client.get(url)
    assert time.monotonic() - started < 2
    job_outbox.breaker_reset()
    html = response.content.decode()
    assert response.status_code == 200
    assert "waiting for a background worker" in html
    job = Job.objects.get(project=project, kind=JobKind.AGREEMENT)
    assert job.state == job_states.PUBLISH_FAILED
