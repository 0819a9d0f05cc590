"""Trained pipelines: list them with their evaluation; start training on the gold.

Reads through ``selectors.training``, starts training with
``services.training.training_start``.
"""

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import permissions, selectors
from annotations.api.permissions import require
from annotations.models import TrainedPipeline
from annotations.selectors.training import trained_pipeline_list
from annotations.services.training import (
    COMPONENTS,
    DEFAULT_COMPONENTS,
    training_start,
)


class TrainedPipelineSerializer(serializers.ModelSerializer):
    pipeline = serializers.SerializerMethodField(
        help_text='Set a project\'s "pipeline" to this to pre-annotate with it.'
    )
    job = serializers.UUIDField(source="job_id", allow_null=True, read_only=True)

    class Meta:
        model = TrainedPipeline
        fields = [
            "id",
            "name",
            "version",
            "status",
            "pipeline",
            "evaluation",
            "config",
            "job",
            "created_at",
        ]
        read_only_fields = fields

    def get_pipeline(self, model: TrainedPipeline) -> str:
        return f"trained:{model.name}"


class TrainingInputSerializer(serializers.Serializer):
    name = serializers.SlugField(required=False, allow_blank=True, max_length=100)
    components = serializers.ListField(
        child=serializers.ChoiceField(choices=COMPONENTS),
        default=list(DEFAULT_COMPONENTS),
        allow_empty=False,
    )
    max_epochs = serializers.IntegerField(default=20, min_value=1, max_value=200)
    max_steps = serializers.IntegerField(default=0, min_value=0)


@extend_schema(tags=["training"])
class TrainedPipelineListApi(APIView):
    """GET: the project's trained pipelines. POST (admins): train a new version (202)."""

    @extend_schema(responses=TrainedPipelineSerializer(many=True))
    def get(self, request, project_id: int):
        project = selectors.project_get_for_user(user=request.user, pk=project_id)
        require(
            permissions.can_export,
            project.user_role,
            "Only admins, reviewers and ML engineers see trained pipelines.",
        )
        models = trained_pipeline_list(project=project)
        return Response(TrainedPipelineSerializer(models, many=True).data)

    @extend_schema(
        request=TrainingInputSerializer,
        responses={
            202: inline_serializer(
                "TrainingQueued",
                {"job": serializers.UUIDField(), "model": serializers.IntegerField()},
            )
        },
        examples=[
            OpenApiExample(
                "NER and document labels",
                value={"components": ["ner", "textcat_multilabel"], "max_epochs": 20},
                request_only=True,
            )
        ],
    )
    def post(self, request, project_id: int):
        project = selectors.project_get_for_user(user=request.user, pk=project_id)
        require(
            permissions.can_manage_project,
            project.user_role,
            "Only project admins can start training.",
        )
        data = TrainingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        model = training_start(
            project=project,
            created_by=request.user,
            name=data.validated_data.get("name", ""),
            components=tuple(data.validated_data["components"]),
            max_epochs=data.validated_data["max_epochs"],
            max_steps=data.validated_data["max_steps"],
        )
        return Response(
            {"job": model.job_id, "model": model.pk}, status=status.HTTP_202_ACCEPTED
        )
