from django.conf import settings
from django.db import models

from annotations.choices import AssignmentState


class Assignment(models.Model):
    """An article handed to an annotator, with a lease so absent people do not block work."""

    article = models.ForeignKey(
        "annotations.Article", on_delete=models.CASCADE, related_name="assignments"
    )
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    state = models.CharField(
        max_length=16, choices=AssignmentState.choices, default=AssignmentState.ASSIGNED
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Set when an admin assigned it by hand; empty for the queue.",
    )
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["article_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "annotator"], name="assignment_one_per_annotator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.annotator} ({self.state})"
