"""A release is built with no write lock held and recorded in one short transaction.

Real threads on their own connections (transaction=True): while the release's
files are being written, another writer locks and updates the project row and
must get through at once (on SQLite a transaction around the build would hold
the one write lock; on PostgreSQL the project row lock).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from annotations.models import Project, Release
from annotations.services import releases
from tests.factories import TEXT, ArticleFactory, annotate, annotator, span

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def gold(project):
    anna, ben = annotator(project, "anna"), annotator(project, "ben")
    for number in range(2):
        article = ArticleFactory(project=project, text=TEXT, external_id=f"t-{number}")
        for user in (anna, ben):
            annotate(article, user, [span(TEXT, "Siemens", "ORG")])
    return project


def in_other_thread(function, timeout: float = 10.0):
    """Run ``function`` on another connection; (finished in time, its result or error)."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = function()
        except Exception as error:  # the outcome is the assertion
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout)
    return not thread.is_alive(), outcome


def during_first_build(monkeypatch, function):
    """Call ``function`` once, while the first dataset file is being written."""
    original = releases._write_datasets
    seen: dict = {}

    def hooked(project, folder, tally):
        if not seen:
            seen["outcome"] = None  # the other thread's own build passes through
            seen["outcome"] = in_other_thread(function)
        return original(project, folder, tally)

    monkeypatch.setattr(releases, "_write_datasets", hooked)
    return seen


def test_a_writer_gets_through_while_a_release_is_built(gold, monkeypatch):
    def rename():
        with transaction.atomic():
            Project.objects.select_for_update().get(pk=gold.pk)
            return Project.objects.filter(pk=gold.pk).update(name="Renamed meanwhile")

    seen = during_first_build(monkeypatch, rename)
    release = releases.release_create(project=gold)
    finished, outcome = seen["outcome"]
    assert finished, "the writer waited for the release's build"
    assert outcome == {"value": 1}
    assert release.number == 1
    assert Project.objects.get(pk=gold.pk).name == "Renamed meanwhile"


def test_a_release_that_loses_its_number_is_built_again_on_top(gold, monkeypatch):
    seen = during_first_build(
        monkeypatch, lambda: releases.release_create(project=gold).number
    )
    release = releases.release_create(project=gold)
    assert seen["outcome"] == (True, {"value": 1})
    assert release.number == 2
    assert release.changelog["previous_release"] == 1
    assert sorted(Release.objects.values_list("number", flat=True)) == [1, 2]
    first, second = (
        {f.name: f.file.name for f in r.files.all()}
        for r in Release.objects.order_by("number")
    )
    assert all(first[name] != second[name] for name in first)
    for stored in (*first.values(), *second.values()):
        assert releases.default_storage.exists(stored)
