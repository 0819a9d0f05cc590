"""The Celery application; its configuration lives in Django settings (CELERY_*).

Also registers the embedded broker (``newsroom-fs://``, newsroom/broker.py) and
a worker step that stamps the worker heartbeat /healthz reads.
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


@worker_process_init.connect
def warm_pipelines(**kwargs) -> None:
    """Build the built-in pipelines in each worker process before its first task."""
    from annotations.services.preannotation import warm_pipelines as warm

    warm()
