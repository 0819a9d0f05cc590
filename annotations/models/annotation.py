from django.conf import settings
from django.db import models

from annotations.choices import AnnotationStatus, GoldStatus, SpanOrigin
from annotations.models.history import SpanHistoricalRecords


class Annotation(models.Model):
    """One annotator's work on one article: spans plus answers to the document questions.

    ``version`` is the optimistic lock: every save increments it and a save that
    names a stale version is refused (HTTP 409), so two tabs never overwrite
    each other silently.
    """

    article = models.ForeignKey(
        "annotations.Article", on_delete=models.CASCADE, related_name="annotations"
    )
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations"
    )
    status = models.CharField(
        max_length=16, choices=AnnotationStatus.choices, default=AnnotationStatus.DRAFT
    )
    labels = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    lead_time_ms = models.PositiveBigIntegerField(default=0)
    skip_reason = models.CharField(max_length=500, blank=True)
    guideline_version = models.ForeignKey(
        "annotations.GuidelineVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="annotations",
    )
    text_sha256 = models.CharField(
        max_length=64, help_text="Hash of the article text the offsets refer to."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    history = SpanHistoricalRecords()

    class Meta:
        ordering = ["article_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "annotator"], name="annotation_one_per_annotator"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AnnotationStatus.values),
                name="annotation_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.annotator} on {self.article_id} ({self.status})"


class SpanBase(models.Model):
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    label = models.CharField(max_length=64)
    text = models.TextField()
    attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["start", "end", "label"]

    def __str__(self) -> str:
        return f"{self.label} {self.start}-{self.end} {self.text!r}"


class AnnotationSpan(SpanBase):
    annotation = models.ForeignKey(
        Annotation, on_delete=models.CASCADE, related_name="spans"
    )
    origin = models.CharField(
        max_length=24, choices=SpanOrigin.choices, default=SpanOrigin.MANUAL
    )

    class Meta(SpanBase.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")),
                name="annotation_span_start_before_end",
            ),
            models.UniqueConstraint(
                fields=["annotation", "start", "end", "label"],
                name="annotation_span_unique",
            ),
        ]


class GoldAnnotation(models.Model):
    """The adjudicated annotation of an article, written by a reviewer."""

    article = models.OneToOneField(
        "annotations.Article", on_delete=models.CASCADE, related_name="gold"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="gold_annotations",
    )
    status = models.CharField(
        max_length=16, choices=GoldStatus.choices, default=GoldStatus.DRAFT
    )
    labels = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    note = models.TextField(blank=True)
    guideline_version = models.ForeignKey(
        "annotations.GuidelineVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="gold_annotations",
    )
    source_annotations = models.ManyToManyField(
        Annotation, blank=True, related_name="gold_uses"
    )
    text_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = SpanHistoricalRecords()

    def __str__(self) -> str:
        return f"Gold for {self.article_id}"


class GoldSpan(SpanBase):
    gold = models.ForeignKey(
        GoldAnnotation, on_delete=models.CASCADE, related_name="spans"
    )

    class Meta(SpanBase.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")),
                name="gold_span_start_before_end",
            ),
            models.UniqueConstraint(
                fields=["gold", "start", "end", "label"], name="gold_span_unique"
            ),
        ]
