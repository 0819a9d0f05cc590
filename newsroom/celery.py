"""The Celery application; its configuration lives in Django settings (CELERY_*)."""

import os

from celery import Celery
from celery.signals import worker_process_init

from newsroom import broker

broker.register()  # the embedded default broker, newsroom-fs://
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.local")

app = Celery("newsroom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def warm_pipelines(**kwargs) -> None:
    """Build the built-in pipelines in each worker process before its first task."""
    from annotations.services.preannotation import warm_pipelines as warm

    warm()
