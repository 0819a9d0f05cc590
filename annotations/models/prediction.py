from django.db import models


class Prediction(models.Model):
    """Machine suggestions for one article from one pipeline version.

    Spans live in one JSON list (``[{start, end, label, text, score, ...}]``) so
    that a batch of predictions is one bulk insert; they are never edited, only
    replaced by a run of a newer pipeline version (older ones are kept).
    """

    article = models.ForeignKey(
        "annotations.Article", on_delete=models.CASCADE, related_name="predictions"
    )
    pipeline = models.CharField(max_length=200)
    pipeline_version = models.CharField(max_length=100)
    spans = models.JSONField(default=list)
    labels = models.JSONField(default=dict, help_text="question → choice → score")
    evidence = models.JSONField(default=list)
    confidence = models.FloatField(
        null=True,
        blank=True,
        help_text="Mean score of the suggestions, rescaled against chance "
        "(annotations.prediction_confidence); the active-learning order serves the lowest first.",
    )
    min_score = models.FloatField(
        null=True,
        blank=True,
        help_text="Lowest span or answer score (None: no scores); the confidence filter.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article_id", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "pipeline", "pipeline_version"],
                name="prediction_one_per_pipeline_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pipeline}@{self.pipeline_version} on {self.article_id}"
