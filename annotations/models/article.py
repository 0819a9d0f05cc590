import hashlib

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Article(models.Model):
    """One news article. Its text is frozen once anyone has annotated it."""

    project = models.ForeignKey(
        "annotations.Project", on_delete=models.CASCADE, related_name="articles"
    )
    title = models.CharField(max_length=500, blank=True)
    text = models.TextField()
    language = models.CharField(max_length=16)
    external_id = models.CharField(  # noqa: DJ001 - NULL = no id; unique only when set
        max_length=200, null=True, blank=True
    )
    meta = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=64, editable=False)
    priority = models.IntegerField(
        default=0, help_text=_("Higher comes first in annotators' queues.")
    )
    is_calibration = models.BooleanField(
        default=False,
        help_text=_("Shown without pre-annotations, to measure anchoring."),
    )
    preannotation_skipped_reason = models.CharField(max_length=200, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    import_job = models.ForeignKey(
        "annotations.Job",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imported_articles",
        help_text=_("The import page's job that brought the article in (its batch)."),
    )
    in_queue = models.BooleanField(
        default=True,
        help_text=_("False: annotators are no longer handed this article."),
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "external_id"],
                condition=models.Q(external_id__isnull=False),
                name="article_external_id_unique_per_project",
            )
        ]
        indexes = [
            models.Index(fields=["project", "-priority", "id"]),
            models.Index(
                fields=["project", "title", "id"], name="article_project_title"
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"Article {self.pk}"

    def save(self, *args, **kwargs):
        if self.text_locked_change():
            raise ValidationError(
                {"text": [_("The text cannot change once the article is annotated.")]}
            )
        self.content_hash = text_sha256(self.text)
        super().save(*args, **kwargs)
        self._loaded_text = self.text

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_text = instance.__dict__.get("text")
        return instance

    def clean(self) -> None:
        if self.text_locked_change():
            raise ValidationError(
                {"text": [_("The text cannot change once the article is annotated.")]}
            )

    def text_locked_change(self) -> bool:
        """True when this save would change the text of an annotated article."""
        loaded = getattr(self, "_loaded_text", None)
        if self.pk is None or loaded is None or loaded == self.text:
            return False
        return (
            self.annotations.exists()
            or self.__class__.objects.filter(pk=self.pk, gold__isnull=False).exists()
        )
