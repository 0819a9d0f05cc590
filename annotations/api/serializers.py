from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotations.models import Article, Project


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
