"""The Celery application; its configuration lives in Django settings (CELERY_*).

Also registers the embedded broker (``newsroom-fs://``, newsroom/broker.py), a
worker step that stamps the worker heartbeat /healthz reads, and one that runs
the job sweeper (docs/jobs.md).
"""

import os

from celery import Celery, bootsteps
from celery.signals import worker_process_init

from newsroom import broker

broker.register()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.local")

app = Celery("newsroom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class Heartbeat(bootsteps.StartStopStep):
    """Stamp ``newsroom.heartbeat`` every few seconds while the worker runs."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.timer_ref = None

    def start(self, worker):
        from newsroom import heartbeat

        heartbeat.beat(worker.hostname)
        self.timer_ref = worker.timer.call_repeatedly(
            heartbeat.BEAT_SECONDS, _beat_quietly, (worker.hostname,), priority=10
        )

    def stop(self, worker):
        if self.timer_ref is not None:
            self.timer_ref.cancel()
            self.timer_ref = None


def _beat_quietly(hostname: str) -> None:
    """A missed stamp shows in /healthz; it must never disturb the worker."""
    from newsroom import heartbeat

    try:
        heartbeat.beat(hostname)
    except Exception:  # a full disk or a Redis blip: logged, the worker goes on
        import logging

        logging.getLogger("newsroom.heartbeat").warning(
            "Could not stamp the worker heartbeat", exc_info=True
        )


app.steps["worker"].add(Heartbeat)


class JobSweeper(bootsteps.StartStopStep):
    """Run the job sweeper (annotations/services/job_sweeper.py) in a side thread.

    A thread, not the worker's timer: the timer stops while the worker waits
    for a broker that is down, and the sweeper must then keep the job rows
    honest and send the outbox the moment the broker is back. Every worker
    sweeps; the sweeps act on each job at most once (conditional updates).
    """

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.stop_event = None
        self.thread = None

    def start(self, worker):
        import threading

        from django.conf import settings

        if settings.NEWSROOM_JOB_SWEEP_EVERY_S <= 0:  # a worker of some queues only
            return
        self.stop_event = threading.Event()
        self.thread = threading.Thread(
            target=_sweep_forever,
            args=(self.stop_event, settings.NEWSROOM_JOB_SWEEP_EVERY_S),
            name="job-sweeper",
            daemon=True,
        )
        self.thread.start()

    def stop(self, worker):
        if self.stop_event is not None:
            self.stop_event.set()
            self.thread.join(timeout=10)
            self.stop_event = self.thread = None


# How long the worker must have had nothing to do before its sweeper may treat a
# silent queued or running job as lost (a queued message reaches an idle
# worker within milliseconds).
IDLE_SECONDS = 3.0


def _sweep_forever(stop, every: float) -> None:
    import logging
    import time

    from celery.worker import state
    from django.db import connection

    from annotations.services.job_sweeper import jobs_sweep

    log = logging.getLogger("newsroom.sweeper")
    last_busy = time.monotonic()
    next_sweep = time.monotonic() + min(every, 5.0)  # a restart sweeps soon
    while not stop.wait(0.5):
        now = time.monotonic()
        if state.active_requests or state.reserved_requests:
            last_busy = now
        if now < next_sweep:
            continue
        next_sweep = now + every
        try:
            jobs_sweep(worker_idle=now - last_busy >= IDLE_SECONDS)
        except Exception:  # a locked database, a bug: log it, sweep again later
            log.warning("Job sweep failed", exc_info=True)
        finally:
            connection.close()


app.steps["worker"].add(JobSweeper)


@worker_process_init.connect
def warm_pipelines(**kwargs) -> None:
    """Build the built-in pipelines in each worker process before its first task."""
    from annotations.services.preannotation import warm_pipelines as warm

    warm()
