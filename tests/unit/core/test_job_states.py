"""The job rules (annotations/job_states.py): what a row means, what the sweeper does."""

from datetime import UTC, datetime, timedelta

import pytest

from annotations import job_states as js
from annotations.job_states import JobFacts, job_state, sweep_action

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
STALE = timedelta(minutes=2)
AGO = {"fresh": NOW - timedelta(seconds=10), "old": NOW - timedelta(minutes=5)}


def facts(**kwargs) -> JobFacts:
    return JobFacts(**{"status": js.QUEUED, "created_at": AGO["old"], **kwargs})


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (facts(), js.WAITING_TO_BE_SENT),
        (facts(publish_error="Broker unreachable"), js.PUBLISH_FAILED),
        (
            facts(published_at=AGO["old"], heartbeat_at=AGO["fresh"]),
            js.WAITING_FOR_WORKER,
        ),
        (facts(published_at=AGO["old"], heartbeat_at=AGO["old"]), js.LOST),
        (facts(status=js.RUNNING, heartbeat_at=AGO["fresh"]), js.RUNNING),
        (facts(status=js.RUNNING, heartbeat_at=AGO["old"]), js.STALLED),
        (facts(status=js.RUNNING, started_at=AGO["old"]), js.STALLED),
        (
            facts(
                status=js.RUNNING, heartbeat_at=AGO["fresh"], cancel_requested_at=NOW
            ),
            js.CANCELLING,
        ),
        (facts(status=js.DONE), js.DONE),
        (facts(status=js.FAILED), js.FAILED),
        (facts(status=js.FAILED, cancel_requested_at=NOW), js.CANCELLED),
    ],
)
def test_state(row, expected):
    assert job_state(row, now=NOW, stale_after=STALE) == expected
    assert expected in js.STATE_HELP


def sweep(row, max_attempts=3, worker_idle=True):
    return sweep_action(
        row,
        now=NOW,
        stale_after=STALE,
        outbox_grace=timedelta(seconds=5),
        max_attempts=max_attempts,
        worker_idle=worker_idle,
    )


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # The outbox: unsent jobs are sent, but not while their request sends them.
        (facts(), js.PUBLISH),
        (facts(publish_error="refused"), js.PUBLISH),
        (facts(created_at=NOW - timedelta(seconds=1)), None),
        # An outage never counts as an attempt: unsent jobs are never given up.
        (facts(publish_error="refused", attempts=9), js.PUBLISH),
        (facts(published_at=AGO["old"], heartbeat_at=AGO["fresh"]), None),
        (facts(published_at=AGO["old"], heartbeat_at=AGO["old"]), js.REQUEUE),
        (facts(status=js.RUNNING, heartbeat_at=AGO["fresh"]), None),
        (facts(status=js.RUNNING, heartbeat_at=AGO["old"]), js.REQUEUE),
        (facts(status=js.RUNNING, heartbeat_at=AGO["old"], attempts=3), js.GIVE_UP),
        (facts(status=js.RUNNING, heartbeat_at=AGO["old"], attempts=2), js.REQUEUE),
        # Cancelled: queued ones at once, running ones when silent (else at a chunk).
        (facts(cancel_requested_at=NOW), js.CANCEL),
        (
            facts(
                status=js.RUNNING, heartbeat_at=AGO["fresh"], cancel_requested_at=NOW
            ),
            None,
        ),
        (
            facts(status=js.RUNNING, heartbeat_at=AGO["old"], cancel_requested_at=NOW),
            js.CANCEL,
        ),
        (facts(status=js.DONE, heartbeat_at=AGO["old"]), None),
        (facts(status=js.FAILED), None),
    ],
)
def test_sweep_action(row, expected):
    assert sweep(row) == expected


@pytest.mark.parametrize(
    "row",
    [
        facts(published_at=AGO["old"], heartbeat_at=AGO["old"]),
        facts(status=js.RUNNING, heartbeat_at=AGO["old"], attempts=3),
    ],
)
def test_a_busy_worker_never_requeues_or_gives_up(row):
    """Busy, it cannot tell a backlog from a lost message: it leaves silent jobs alone."""
    assert sweep(row) in (js.REQUEUE, js.GIVE_UP)
    assert sweep(row, worker_idle=False) is None


def test_a_busy_worker_still_sends_the_outbox_and_cancels():
    assert sweep(facts(), worker_idle=False) == js.PUBLISH
    assert sweep(facts(cancel_requested_at=NOW), worker_idle=False) == js.CANCEL


def test_retry_and_cancel_follow_the_state():
    assert [s for s in js.STATE_HELP if js.can_retry(s)] == [
        js.PUBLISH_FAILED,
        js.LOST,
        js.STALLED,
        js.CANCELLED,
        js.FAILED,
    ]
    assert not js.can_cancel(js.DONE)
    assert not js.can_cancel(js.CANCELLING)
    assert js.can_cancel(js.STALLED)
    assert js.can_cancel(js.WAITING_FOR_WORKER)


def test_only_live_jobs_block_a_second_run():
    """An orphan (lost, stalled) never blocks e.g. the agreement refresh."""
    assert js.blocks_new_run(js.RUNNING)
    assert js.blocks_new_run(js.PUBLISH_FAILED)
    assert not js.blocks_new_run(js.STALLED)
    assert not js.blocks_new_run(js.LOST)


def test_give_up_reason_says_what_happened_and_what_to_do():
    reason = js.give_up_reason(facts(status=js.RUNNING), max_attempts=5)
    assert "5 attempts" in reason
    assert "while running" in reason
    assert "Retry" in reason
