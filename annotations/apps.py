from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Annotations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # <id:pk> in our URLs: an int bounded to 64 bits (newsroom/ids.py).
        from django.urls import register_converter

        from newsroom.ids import IdConverter

        register_converter(IdConverter, "id")
