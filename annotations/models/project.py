from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from annotations.choices import QueueOrder, Role
from annotations.default_scheme import default_scheme
from annotations.models.history import ModuleHistoricalRecords
from annotations.scheme import Scheme, SchemeError, parse_scheme


def _default_scheme_json() -> dict:
    return default_scheme("en")


class Project(models.Model):
    """A body of articles labelled under one scheme by a team of members."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    language = models.CharField(
        max_length=16, help_text=_("spaCy language code of the articles, e.g. de, en.")
    )
    scheme = models.JSONField(default=_default_scheme_json)
    overlap = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("How many annotators label each article."),
    )
    allow_overlapping_spans = models.BooleanField(default=True)
    ml_can_see_annotations = models.BooleanField(
        default=False,
        help_text=_("ML engineers may read individual (pseudonymised) annotations."),
    )
    ml_can_cut_releases = models.BooleanField(
        default=False,
        help_text=_("ML engineers may cut dataset releases (admins always may)."),
    )
    pipeline = models.CharField(
        max_length=200,
        blank=True,
        help_text=_(
            "Pre-annotation pipeline, e.g. fin-de, or an installed spaCy package."
        ),
    )
    pipeline_previous = models.CharField(
        max_length=200,
        blank=True,
        help_text=_(
            "The pipeline in use before the last switch to a trained model; "
            "a rollback returns to it."
        ),
    )
    model_auto_switch = models.BooleanField(
        default=False,
        help_text=_(
            "Switch pre-annotation to a newly trained model when it beats the "
            "current pipeline on the held-out gold by the margin."
        ),
    )
    model_switch_margin = models.FloatField(
        default=0.02,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("How much higher the trained model's micro F1 must be."),
    )
    queue_order = models.CharField(
        max_length=32,
        choices=QueueOrder.choices,
        default=QueueOrder.DEFAULT,
        help_text=_("Order of new work for annotators."),
    )
    label_mapping = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Pipeline label → scheme label (null to ignore)."),
    )
    pipeline_options = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Pipeline extras, e.g. gazetteer terms admins add: {ORG: [...]}."),
    )
    split_seed = models.CharField(
        max_length=64,
        blank=True,
        help_text=_("Seed of the train/dev/test split; empty means the project slug."),
    )
    split_ratios = models.JSONField(
        default=list,
        blank=True,
        help_text=_("train, dev, test shares; empty means 0.8, 0.1, 0.1."),
    )
    consensus = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            "Automatic consensus where no gold exists: "
            "{question_threshold: 0.5, span_min_annotators: 2}."
        ),
    )
    calibration_share = models.FloatField(
        default=0.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_(
            "Share of articles shown without pre-annotations (anchoring control)."
        ),
    )
    feedback_enabled = models.BooleanField(
        default=False,
        help_text=_("Annotators see where their work differed from gold."),
    )
    lease_minutes = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_("An opened but unsaved article returns to the pool after this."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="projects"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = ModuleHistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(overlap__gte=1, overlap__lte=10),
                name="project_overlap_1_to_10",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            parse_scheme(self.scheme)
        except SchemeError as error:
            raise ValidationError({"scheme": [str(error)]}) from error

    @property
    def parsed_scheme(self) -> Scheme:
        return parse_scheme(self.scheme)


class Membership(models.Model):
    """A user's role in one project; the only source of access to its objects."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    history = ModuleHistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user"], name="membership_one_per_user"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.project}"


class GuidelineVersion(models.Model):
    """A published, immutable version of the guidelines together with the scheme."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="guideline_versions"
    )
    number = models.PositiveIntegerField()
    text = models.TextField(help_text=_("Markdown."))
    changelog = models.CharField(max_length=500, blank=True)
    scheme = models.JSONField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="guideline_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="guideline_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} v{self.number}"


class GuidelineAcknowledgement(models.Model):
    """A user has read a guideline version (shown the diff once, then acknowledged)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    guideline_version = models.ForeignKey(
        GuidelineVersion, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "guideline_version"], name="acknowledgement_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.guideline_version}"
