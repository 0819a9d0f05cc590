"""A round trip through a real Celery worker process (embedded broker locally, Redis in CI)."""

import os
import time

import pytest
from django.conf import settings
from django.db import connection

from annotations.choices import JobStatus
from annotations.models import Job
from annotations.services.jobs import health_check_queue
from tests.conftest import services_required

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for_job(job, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in {JobStatus.DONE, JobStatus.FAILED}:
            return job
        time.sleep(0.1)
    pytest.fail(f"Job {job.pk} still {job.status} after {timeout}s")


def test_health_check_round_trip(celery_worker_process):
    job = health_check_queue()
    job = wait_for_job(job)
    assert job.status == JobStatus.DONE
    # The worker wrote to the very database this test reads.
    assert job.result["database_vendor"] == connection.vendor
    assert job.result["database_name"] == str(connection.settings_dict["NAME"])
    assert Job.objects.get(pk=job.pk).done == 1


def test_the_configured_services_are_the_ones_in_use():
    """DATABASE_URL/REDIS_URL are honoured; in CI both are mandatory (no silent fallback)."""
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if services_required():
        assert database_url.startswith("postgres"), "CI must run on PostgreSQL"
        assert redis_url.startswith("redis://"), "CI must run on Redis"
    expected_vendor = "postgresql" if database_url.startswith("postgres") else "sqlite"
    assert connection.vendor == expected_vendor
    expected_broker = redis_url or "newsroom-fs://"
    assert expected_broker == settings.CELERY_BROKER_URL


def test_import_is_preannotated_by_the_worker(celery_worker_process):
    """Import → commit → queued chunks → real worker → predictions stored, job done."""
    from annotations.models import Prediction
    from annotations.services.articles import articles_import
    from tests.factories import ProjectFactory

    project = ProjectFactory(language="en", pipeline="fin-en")
    items = [
        {"external_id": f"w{i}", "text": f"Shares of Siemens AG jumped {i}% to $45.10."}
        for i in range(1, 6)
    ]
    result = articles_import(project=project, items=items)
    job = wait_for_job(result.preannotation_job)
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 5, 5)
    predictions = Prediction.objects.filter(article__project=project)
    assert predictions.count() == 5
    labels = {s["label"] for p in predictions for s in p.spans}
    assert {"MONEY", "PERCENT"} <= labels
