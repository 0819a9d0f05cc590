from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotations.choices import AnnotationStatus
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

    spans = serializers.ListField(child=serializers.DictField(), default=list)
    labels = serializers.DictField(default=dict)
    status = serializers.ChoiceField(
        choices=AnnotationStatus.choices, default=AnnotationStatus.DRAFT
    )
    version = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    lead_time_ms = serializers.IntegerField(required=False, min_value=0)
    skip_reason = serializers.CharField(required=False, allow_blank=True, default="")


class JobSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(
        source="project_id", allow_null=True, read_only=True
    )

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
        ]
        read_only_fields = fields
