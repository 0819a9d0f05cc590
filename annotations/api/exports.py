"""Streamed exports and the download of an export job's file."""

from django.core.files.storage import default_storage
from django.http import FileResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from annotations.api.common import IgnoreFormatNegotiation, job_accepted
from annotations.api.schema import (
    EXPORT_MEDIA_TYPES,
    file_media_type,
    file_responses,
)
from annotations.api.serializers import (
    ExportQuerySerializer,
    JobAcceptedSerializer,
)
from annotations.selectors.export_access import project_get_for_export
from annotations.selectors.exports import ExportFilters, export_job_file_get_for_user
from annotations.services import exports

EXPORT_PARAMETERS = [
    OpenApiParameter(
        "format",
        str,
        enum=list(ExportQuerySerializer().fields["format"].choices),
        description="An exporter's format: jsonl (default); spacy and hf come as "
        ".tar.gz archives.",
    ),
    OpenApiParameter(
        "source",
        str,
        enum=["gold", "annotations", "predictions"],
        description="gold (adjudicated, else automatic consensus), every "
        "annotation (pseudonymised unless you may see names) or every stored "
        "prediction (pipeline, version, scores, evidence; see docs/exports.md for "
        "what each format holds).",
    ),
    OpenApiParameter(
        "status", str, description=ExportQuerySerializer().fields["status"].help_text
    ),
    OpenApiParameter("guideline_version", int, description="At most this version."),
    OpenApiParameter(
        "labels", str, description="Span labels to keep, comma-separated."
    ),
    OpenApiParameter("updated_since", OpenApiTypes.DATETIME),
    OpenApiParameter("mode", str, enum=["auto", "stream", "job"]),
]


@extend_schema(tags=["exports"])
class ProjectExportApi(APIView):
    """Streamed dataset export; big ones (or ``mode=job``) become a job (202)."""

    content_negotiation_class = IgnoreFormatNegotiation

    @extend_schema(
        parameters=EXPORT_PARAMETERS,
        responses={
            **{(200, media): OpenApiTypes.BINARY for media in EXPORT_MEDIA_TYPES},
            # labelstudio: one JSON list of Label Studio tasks
            (200, "application/json"): {"type": "array", "items": {"type": "object"}},
            202: JobAcceptedSerializer,
        },
        examples=[
            OpenApiExample(
                "One jsonl line (gold)",
                value={
                    "id": 17,
                    "external_id": "reuters-0042",
                    "language": "en",
                    "title": "Siemens raises guidance",
                    "text": "Siemens raised its guidance.",
                    "spans": [
                        {"start": 0, "end": 7, "label": "ORG", "text": "Siemens"}
                    ],
                    "labels": {"sentiment": "positive", "bias": "non_biased"},
                    "meta": {"newsroom": {"gold": "adjudicated", "status": "final"}},
                    "split": "train",
                    "guideline_version": 2,
                },
                response_only=True,
                status_codes=["200"],
                media_type="application/x-ndjson",
            ),
            OpenApiExample(
                "Queued as a job",
                value={
                    "job": "5b0c8a5e-8c35-4a3c-9a57-5f8d1c2b9e10",
                    "status_url": "/api/v1/jobs/5b0c8a5e-8c35-4a3c-9a57-5f8d1c2b9e10/",
                },
                response_only=True,
                status_codes=["202"],
            ),
        ],
    )
    def get(self, request, project_id: int):
        project = project_get_for_export(user=request.user, project_id=project_id)
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        filters = ExportFilters(
            source=params["source"],
            statuses=tuple(params.get("status") or ()),
            guideline_version=params.get("guideline_version"),
            labels=tuple(params.get("labels") or ()),
            updated_since=params.get("updated_since"),
        )
        try:
            started = exports.export_start(
                project=project,
                fmt=params["format"],
                filters=filters,
                mode=params["mode"],
                created_by=request.user,
            )
        except exports.ExportFailed as error:
            raise ValidationError({"detail": str(error)}) from error
        if not isinstance(started, exports.ExportDownload):
            return job_accepted(started)
        response = StreamingHttpResponse(
            started.chunks, content_type=started.media_type
        )
        response["Content-Disposition"] = f'attachment; filename="{started.filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


@extend_schema(tags=["exports"])
class JobDownloadApi(APIView):
    """The file of a finished export job (members who may export)."""

    @extend_schema(responses=file_responses())
    def get(self, request, job_id):
        job = export_job_file_get_for_user(user=request.user, job_id=job_id)
        path = job.result["path"]
        name = job.result.get("name") or path.rsplit("/", 1)[-1]
        return FileResponse(
            default_storage.open(path, "rb"),
            as_attachment=True,
            filename=name,
            content_type=file_media_type(name),
        )
