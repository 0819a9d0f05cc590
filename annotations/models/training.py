from django.conf import settings
from django.db import models

from annotations.choices import JobStatus


class TrainedPipeline(models.Model):
    """A spaCy pipeline trained on a project's gold, stored on disk, with its evaluation."""

    project = models.ForeignKey(
        "annotations.Project",
        on_delete=models.CASCADE,
        related_name="trained_pipelines",
    )
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=100)
    path = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    evaluation = models.JSONField(default=dict, blank=True)
    config = models.JSONField(default=dict, blank=True)
    job = models.ForeignKey(
        "annotations.Job", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name", "version"], name="trained_pipeline_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}@{self.version}"
