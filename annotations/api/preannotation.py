"""Pre-annotation endpoints: queue a run, read an article's predictions, quality figures.

Runs start with ``services.preannotation.preannotation_schedule`` (the same
service the project page and the Django admin call); reads go through
``selectors.preannotation``. Importing this module does not import spaCy.
"""

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import permissions, selectors
from annotations.api.permissions import require
from annotations.models import Prediction
from annotations.selectors.preannotation import (
    preannotation_quality,
    prediction_list_for_user,
)
from annotations.services.preannotation import preannotation_schedule


class PredictionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Prediction
        fields = [
            "pipeline",
            "pipeline_version",
            "spans",
            "labels",
            "evidence",
            "created_at",
        ]
        read_only_fields = fields


class PreannotateInputSerializer(serializers.Serializer):
    article_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        allow_empty=False,
        help_text="Only these articles; default: every article of the project.",
    )


@extend_schema(tags=["pre-annotation"])
class PreannotateApi(APIView):
    """Queue a (re-)run of the project's pipeline; poll the returned job for progress."""

    @extend_schema(
        request=PreannotateInputSerializer,
        responses={
            202: inline_serializer(
                "PreannotateQueued",
                {
                    "job": serializers.UUIDField(),
                    "status": serializers.CharField(),
                    "total": serializers.IntegerField(),
                    "pipeline": serializers.CharField(),
                    "pipeline_version": serializers.CharField(),
                },
            )
        },
        examples=[OpenApiExample("Whole project", value={}, request_only=True)],
    )
    def post(self, request, project_id: int):
        project = selectors.project_get_for_user(user=request.user, pk=project_id)
        require(
            permissions.can_manage_project,
            project.user_role,
            "Only project admins can run pre-annotation.",
        )
        data = PreannotateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = preannotation_schedule(
            project=project,
            article_ids=data.validated_data.get("article_ids"),
            created_by=request.user,
        )
        return Response(
            {
                "job": job.pk,
                "status": job.status,
                "total": job.total,
                "pipeline": job.params.get("pipeline"),
                "pipeline_version": job.params.get("version"),
            },
            status=status.HTTP_202_ACCEPTED,
        )


@extend_schema(tags=["pre-annotation"])
class PredictionListApi(APIView):
    """Pre-annotations of one article, newest pipeline version first.

    Annotators see them only for articles they work on, and never on
    calibration articles (those are shown without suggestions on purpose).
    """

    @extend_schema(responses=PredictionSerializer(many=True))
    def get(self, request, article_id: int):
        predictions = prediction_list_for_user(user=request.user, article_id=article_id)
        return Response(PredictionSerializer(predictions, many=True).data)


@extend_schema(tags=["pre-annotation"])
class PreannotationQualityApi(APIView):
    """Per-label precision/recall/F1 of a pipeline version against gold, and acceptance."""

    @extend_schema(responses={200: inline_serializer("PreannotationQuality", {
        "pipeline": serializers.CharField(allow_null=True),
        "version": serializers.CharField(allow_null=True),
        "labels": serializers.DictField(),
        "acceptance": serializers.DictField(allow_null=True),
    })})  # fmt: skip
    def get(self, request, project_id: int):
        project = selectors.project_get_for_user(user=request.user, pk=project_id)
        require(
            permissions.can_review,
            project.user_role,
            "Only admins and reviewers see pre-annotation quality.",
        )
        return Response(
            preannotation_quality(
                project=project,
                pipeline=request.query_params.get("pipeline"),
                version=request.query_params.get("version"),
            )
        )
