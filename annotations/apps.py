from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Annotations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # kombu's filesystem transport (the embedded default broker) needs its
        # folders to exist in every process that sends or consumes.
        if settings.CELERY_BROKER_URL.startswith("filesystem://"):
            for folder in settings.CELERY_BROKER_TRANSPORT_OPTIONS.values():
                if isinstance(folder, str):
                    Path(folder).mkdir(parents=True, exist_ok=True)
            Path(settings.CELERY_DATA_DIR / "results").mkdir(
                parents=True, exist_ok=True
            )
