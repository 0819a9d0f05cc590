from django.db import models


class AgreementSnapshot(models.Model):
    """Agreement figures computed for a project, cached until its annotations change.

    ``watermark`` identifies the annotation state the figures were computed from
    (count and latest update of submitted annotations), so a reader knows
    whether they are current without recomputing them.
    """

    project = models.ForeignKey(
        "annotations.Project",
        on_delete=models.CASCADE,
        related_name="agreement_snapshots",
    )
    watermark = models.CharField(max_length=100)
    data = models.JSONField()
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "-computed_at"]
        get_latest_by = "computed_at"

    def __str__(self) -> str:
        return f"Agreement of {self.project_id} at {self.computed_at:%Y-%m-%d %H:%M}"
