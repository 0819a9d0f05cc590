from django.conf import settings
from django.db import models

from annotations.models.history import (
    ModuleHistoricalRecords,
    release_history_user,
)


def release_file_path(instance: "ReleaseFile", filename: str) -> str:
    release = instance.release
    return f"releases/{release.project_id}/{release.number}/{filename}"


class Release(models.Model):
    """An immutable, numbered dataset release: every format's files and a manifest."""

    project = models.ForeignKey(
        "annotations.Project", on_delete=models.PROTECT, related_name="releases"
    )
    number = models.PositiveIntegerField()
    seed = models.CharField(max_length=64)
    manifest = models.JSONField(default=dict)
    changelog = models.JSONField(default=dict)
    note = models.TextField(blank=True)
    job = models.ForeignKey(
        "annotations.Job", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = ModuleHistoricalRecords(get_user=release_history_user)

    class Meta:
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="release_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} release {self.number}"


class ReleaseFile(models.Model):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=200)
    file = models.FileField(upload_to=release_file_path, max_length=500)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["release", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "name"], name="release_file_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name
