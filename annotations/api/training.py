"""Trained pipelines: list them with their evaluation and comparison; train; switch; roll back.

Reads through ``selectors.training``; writes through ``services.training.training_start``
and ``services.model_switch`` (switch, rollback, model-loop settings).
"""

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import permissions, selectors
from annotations.api.permissions import require
from annotations.choices import QueueOrder
from annotations.model_loop import active_pipeline_name
from annotations.models import TrainedPipeline
from annotations.selectors.training import trained_pipeline_get, trained_pipeline_list
from annotations.services.model_switch import (
    model_loop_settings_set,
    model_rollback,
    model_switch,
)
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
    comparison = serializers.SerializerMethodField(
        help_text="Per label P/R/F1 of this model and of the pipeline that was current "
        "when it was trained, on the same held-out gold (null until evaluated)."
    )
    active = serializers.SerializerMethodField(
        help_text="Pre-annotation uses this model now."
    )

    class Meta:
        model = TrainedPipeline
        fields = [
            "id",
            "name",
            "version",
            "status",
            "pipeline",
            "active",
            "evaluation",
            "comparison",
            "config",
            "job",
            "created_at",
        ]
        read_only_fields = fields

    def get_pipeline(self, model: TrainedPipeline) -> str:
        return f"trained:{model.name}@{model.version}"

    def get_comparison(self, model: TrainedPipeline) -> dict | None:
        return (model.evaluation or {}).get("comparison")

    def get_active(self, model: TrainedPipeline) -> bool:
        project = self.context.get("project")
        if project is None:
            return False
        active = active_pipeline_name(project.pipeline, project.language)
        return active == self.get_pipeline(model)


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
        return Response(
            TrainedPipelineSerializer(
                models, many=True, context={"project": project}
            ).data
        )

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


class SwitchInputSerializer(serializers.Serializer):
    preannotate = serializers.BooleanField(
        default=True, help_text="Queue pre-annotation with the new pipeline."
    )


class SwitchOutputSerializer(serializers.Serializer):
    pipeline = serializers.CharField()
    pipeline_previous = serializers.CharField(allow_blank=True)
    job = serializers.UUIDField(allow_null=True)


def _switched(project, job) -> Response:
    return Response(
        SwitchOutputSerializer(
            {
                "pipeline": active_pipeline_name(project.pipeline, project.language),
                "pipeline_previous": project.pipeline_previous,
                "job": job.pk if job is not None else None,
            }
        ).data
    )


def _admin_project(request, project_id: int):
    project = selectors.project_get_for_user(user=request.user, pk=project_id)
    require(
        permissions.can_manage_project,
        project.user_role,
        "Only project admins can change the pre-annotation pipeline.",
    )
    return project


@extend_schema(tags=["training"])
class TrainedPipelineSwitchApi(APIView):
    """POST (admins): pre-annotate with this model from now on (its version pinned)."""

    @extend_schema(request=SwitchInputSerializer, responses=SwitchOutputSerializer)
    def post(self, request, project_id: int, model_id: int):
        project = _admin_project(request, project_id)
        model = trained_pipeline_get(project=project, model_id=model_id)
        data = SwitchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = model_switch(
            project=project,
            model=model,
            user=request.user,
            preannotate=data.validated_data["preannotate"],
        )
        return _switched(project, job)


@extend_schema(tags=["training"])
class PipelineRollbackApi(APIView):
    """POST (admins): return to the pipeline the last switch replaced."""

    @extend_schema(request=SwitchInputSerializer, responses=SwitchOutputSerializer)
    def post(self, request, project_id: int):
        project = _admin_project(request, project_id)
        data = SwitchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = model_rollback(
            project=project,
            user=request.user,
            preannotate=data.validated_data["preannotate"],
        )
        return _switched(project, job)


class ModelLoopSettingsSerializer(serializers.Serializer):
    model_auto_switch = serializers.BooleanField()
    model_switch_margin = serializers.FloatField(min_value=0.0, max_value=1.0)
    queue_order = serializers.ChoiceField(choices=QueueOrder.choices)


@extend_schema(tags=["training"])
class ModelLoopSettingsApi(APIView):
    """GET (admins, reviewers, ML engineers) / PATCH (admins): automatic switch and
    its margin, annotators' queue order."""

    @extend_schema(responses=ModelLoopSettingsSerializer)
    def get(self, request, project_id: int):
        project = selectors.project_get_for_user(user=request.user, pk=project_id)
        require(
            permissions.can_export,
            project.user_role,
            "Only admins, reviewers and ML engineers see the model loop settings.",
        )
        return Response(ModelLoopSettingsSerializer(project).data)

    @extend_schema(
        request=ModelLoopSettingsSerializer(partial=True),
        responses=ModelLoopSettingsSerializer,
    )
    def patch(self, request, project_id: int):
        project = _admin_project(request, project_id)
        current = ModelLoopSettingsSerializer(project).data
        data = ModelLoopSettingsSerializer(
            data={**current, **dict(request.data.items())}
        )
        data.is_valid(raise_exception=True)
        project = model_loop_settings_set(
            project=project,
            auto_switch=data.validated_data["model_auto_switch"],
            margin=data.validated_data["model_switch_margin"],
            queue_order=data.validated_data["queue_order"],
            user=request.user,
        )
        return Response(ModelLoopSettingsSerializer(project).data)
