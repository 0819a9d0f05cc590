from django.conf import settings
from django.db import models


class ArticleComment(models.Model):
    """A note on an article between one annotator and the reviewers.

    ``annotator`` names the conversation: an annotator's own comments and the
    reviewers' answers to them carry that annotator; a reviewer's note to
    every annotator of the article has none. Annotators read their own
    conversation and the notes to everyone, never another annotator's
    (which could reveal that one's work before adjudication).
    """

    article = models.ForeignKey(
        "annotations.Article", on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["article", "created_at"])]

    def __str__(self) -> str:
        return f"comment {self.pk} on article {self.article_id}"
