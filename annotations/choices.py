"""Enumerations shared by models, services and the API."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    REVIEWER = "reviewer", _("Reviewer")
    ANNOTATOR = "annotator", _("Annotator")
    ML_ENGINEER = "ml_engineer", _("ML engineer")


class AnnotationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    SKIPPED = "skipped", _("Skipped")


class SpanOrigin(models.TextChoices):
    MANUAL = "manual", _("Manual")
    SUGGESTION_ACCEPTED = "suggestion_accepted", _("Accepted suggestion")
    SUGGESTION_EDITED = "suggestion_edited", _("Edited suggestion")


class AssignmentState(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    RELEASED = "released", _("Released")


class GoldStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Final")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class JobKind(models.TextChoices):
    HEALTH_CHECK = "health_check", _("Worker health check")
    PREANNOTATE = "preannotate", _("Pre-annotation")
    EXPORT = "export", _("Export")
    TRAIN = "train", _("Training")
    RELEASE = "release", _("Release")
    AGREEMENT = "agreement", _("Agreement figures")
    IMPORT = "import", _("Import")


class QueueOrder(models.TextChoices):
    """How an annotator's next new article is chosen (``services.queue``)."""

    DEFAULT = "default", _("Admin priority, then import order")
    LEAST_CONFIDENT = (
        "least_confident",
        _("Admin priority, then least confident prediction first (active learning)"),
    )


class QuestionLevel(models.TextChoices):
    NOMINAL = "nominal", _("Nominal")
    ORDINAL = "ordinal", _("Ordinal")
