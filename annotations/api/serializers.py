from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotations import validation as limits
from annotations.choices import AnnotationStatus, SpanOrigin
from annotations.exporters import REGISTRY as EXPORT_FORMATS
from annotations.models import Annotation, Article, Job, Project


class ProjectSerializer(serializers.ModelSerializer):
    guideline_version = serializers.SerializerMethodField(
        help_text="Number of the guideline version in force."
    )
    role = serializers.SerializerMethodField(
        help_text="The caller's role in the project."
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "language",
            "overlap",
            "allow_overlapping_spans",
            "ml_can_see_annotations",
            "ml_can_cut_releases",
            "pipeline",
            "guideline_version",
            "scheme",
            "role",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_guideline_version(self, project: Project) -> int | None:
        return getattr(project, "guideline_number", None)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_role(self, project: Project) -> str | None:
        return getattr(project, "user_role", None)


class ArticleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Article
        fields = [
            "id",
            "project",
            "title",
            "text",
            "language",
            "external_id",
            "meta",
            "content_hash",
            "priority",
            "imported_at",
        ]
        read_only_fields = fields


class SpanSerializer(serializers.Serializer):
    start = serializers.IntegerField(min_value=0)
    end = serializers.IntegerField(min_value=1)
    label = serializers.CharField()
    text = serializers.CharField(trim_whitespace=False)
    origin = serializers.CharField(required=False)
    attributes = serializers.DictField(required=False)


class SpanInputSerializer(serializers.Serializer):
    """One span of a save: types and column limits here; fit to text and scheme in
    ``offsets.parse_spans`` (the service)."""

    start = serializers.IntegerField(min_value=0, max_value=limits.MAX_POSITIVE_INT)
    end = serializers.IntegerField(min_value=1, max_value=limits.MAX_POSITIVE_INT)
    label = serializers.CharField(max_length=limits.MAX_SPAN_LABEL)
    text = serializers.CharField(
        required=False, trim_whitespace=False, allow_blank=True
    )
    origin = serializers.ChoiceField(choices=SpanOrigin.choices, required=False)
    attributes = serializers.DictField(required=False)


class AnnotationSerializer(serializers.ModelSerializer):
    """An annotation as the contract shows it; ``annotator`` is a name or a pseudonym."""

    spans = serializers.SerializerMethodField()
    annotator = serializers.SerializerMethodField()
    guideline_version = serializers.IntegerField(
        source="guideline_version.number", allow_null=True, read_only=True
    )

    class Meta:
        model = Annotation
        fields = [
            "id",
            "article",
            "annotator",
            "status",
            "spans",
            "labels",
            "version",
            "guideline_version",
            "lead_time_ms",
            "skip_reason",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(SpanSerializer(many=True))
    def get_spans(self, annotation: Annotation) -> list[dict]:
        return [
            {
                "start": span.start,
                "end": span.end,
                "label": span.label,
                "text": span.text,
                "origin": span.origin,
                "attributes": span.attributes,
            }
            for span in annotation.spans.all()
        ]

    @extend_schema_field(serializers.CharField())
    def get_annotator(self, annotation: Annotation) -> str:
        names = self.context.get("annotator_names")
        if names is not None:
            return names.get(annotation.annotator_id, "")
        return annotation.annotator.get_username()


class AnnotationInputSerializer(serializers.Serializer):
    """Body of PUT my-annotation: no version creates, the current version replaces."""

    spans = serializers.ListField(child=SpanInputSerializer(), default=list)
    labels = serializers.DictField(default=dict)
    status = serializers.ChoiceField(
        choices=AnnotationStatus.choices, default=AnnotationStatus.DRAFT
    )
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=limits.MAX_POSITIVE_INT,
    )
    lead_time_ms = serializers.IntegerField(
        required=False, min_value=0, max_value=limits.MAX_POSITIVE_BIGINT
    )
    skip_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=limits.MAX_SKIP_REASON,
    )


class JobSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(
        source="project_id", allow_null=True, read_only=True
    )
    state = serializers.CharField(
        read_only=True,
        help_text="Finer than status: waiting to be sent, publish failed, waiting "
        "for a worker, lost, running, stalled, cancelling, done, cancelled, failed "
        "(docs/jobs.md).",
    )
    state_help = serializers.CharField(read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "status",
            "done",
            "failed",
            "total",
            "error",
            "result",
            "project",
            "created_at",
            "started_at",
            "finished_at",
            "state",
            "state_help",
            "attempts",
            "published_at",
            "publish_error",
            "heartbeat_at",
            "cancel_requested_at",
        ]
        read_only_fields = fields


# --- bulk import, exports, releases (issue 5) ---------------------------------------


class ArticleImportItemSerializer(serializers.Serializer):
    """One item of a bulk import (documentation of the request body)."""

    title = serializers.CharField(required=False, allow_blank=True, max_length=500)
    text = serializers.CharField(trim_whitespace=False)
    language = serializers.CharField(required=False, max_length=16)
    external_id = serializers.CharField(required=False, max_length=200)
    meta = serializers.DictField(required=False)


class ArticleImportRequestSerializer(serializers.Serializer):
    """Object form of the body: items plus a format and a label mapping."""

    items = serializers.ListField(child=serializers.DictField())
    format = serializers.ChoiceField(
        choices=["articles", "labelstudio", "doccano", "jsonl", "csv"],
        required=False,
    )
    label_mapping = serializers.DictField(
        child=serializers.CharField(allow_null=True), required=False
    )


class ImportDraftSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    line = serializers.IntegerField(required=False, help_text="JSON Lines and CSV.")
    annotator = serializers.CharField()
    missing = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField()


class ImportConflictItemSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    line = serializers.IntegerField(required=False, help_text="JSON Lines and CSV.")
    reason = serializers.CharField()
    annotator = serializers.CharField(required=False)
    article = serializers.IntegerField(required=False)
    external_id = serializers.CharField(required=False)


class ImportConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    conflicts = ImportConflictItemSerializer(many=True)


class ArticleImportResultSerializer(serializers.Serializer):
    format = serializers.CharField()
    created = serializers.IntegerField(help_text="New articles.")
    existing = serializers.IntegerField(
        help_text="Items whose external_id (or text) was already in the project."
    )
    annotations_created = serializers.IntegerField()
    annotations_existing = serializers.IntegerField()
    predictions_created = serializers.IntegerField()
    ignored_results = serializers.IntegerField()
    annotators = serializers.ListField(child=serializers.CharField())
    ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the new articles."
    )
    preannotation_job = serializers.UUIDField(allow_null=True, required=False)
    predictions_skipped = serializers.IntegerField(
        help_text="Predictions the file held as ids only (see warnings)."
    )
    drafts = ImportDraftSerializer(
        many=True, help_text="Annotations stored as drafts, and why."
    )
    warnings = serializers.ListField(
        child=serializers.CharField(),
        help_text="What the file held that was not imported, and how to get it.",
    )


class ImportErrorItemSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    errors = serializers.DictField(child=serializers.ListField())


class ImportErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = ImportErrorItemSerializer(many=True, required=False)


class CommaListField(serializers.CharField):
    """``a,b`` or repeated parameters, as a list of non-empty strings."""

    def to_internal_value(self, data):
        if isinstance(data, list):
            data = ",".join(data)
        value = super().to_internal_value(data)
        return [part.strip() for part in value.split(",") if part.strip()]


class ExportQuerySerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=sorted(EXPORT_FORMATS), default="jsonl")
    source = serializers.ChoiceField(
        choices=["gold", "annotations", "predictions"], default="gold"
    )
    status = CommaListField(
        required=False,
        help_text=(
            "gold: final, draft, consensus (default final,consensus); annotations: "
            "draft, submitted, skipped (default submitted); predictions: none. "
            "Comma-separated."
        ),
    )
    guideline_version = serializers.IntegerField(
        required=False, min_value=1, help_text="Only rows made under version <= N."
    )
    labels = CommaListField(
        required=False, help_text="Keep only spans with these labels (comma-separated)."
    )
    updated_since = serializers.DateTimeField(
        required=False, help_text="Only rows changed at or after this ISO 8601 moment."
    )
    mode = serializers.ChoiceField(
        choices=["auto", "stream", "job"],
        default="auto",
        help_text=(
            "auto: stream up to NEWSROOM_EXPORT_ASYNC_THRESHOLD articles, else queue a "
            "job (202); stream: always stream; job: always queue."
        ),
    )


class JobAcceptedSerializer(serializers.Serializer):
    job = serializers.UUIDField()
    status_url = serializers.CharField()


class ReleaseFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    url = serializers.CharField()


class ReleaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField(source="project_id")
    number = serializers.IntegerField()
    seed = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(
        source="created_by.username", allow_null=True, default=None
    )
    changelog = serializers.DictField()
    manifest = serializers.DictField()
    files = serializers.SerializerMethodField()

    @extend_schema_field(ReleaseFileSerializer(many=True))
    def get_files(self, release) -> list[dict]:
        from django.urls import reverse

        return [
            {
                "name": f.name,
                "size": f.size,
                "sha256": f.sha256,
                "url": reverse(
                    "api:release-file",
                    kwargs={"release_id": release.pk, "name": f.name},
                ),
            }
            for f in release.files.all()
        ]


class ReleaseCreateSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    mode = serializers.ChoiceField(
        choices=["auto", "now", "job"],
        default="auto",
        help_text="auto: a job above NEWSROOM_EXPORT_ASYNC_THRESHOLD articles.",
    )
