"""Streamed exports and the download of an export job's file."""

import itertools

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.exceptions import (
    PermissionDenied,
    ValidationError,
)
from rest_framework.views import APIView

from annotations import permissions, selectors
from annotations.api.common import (
    Conflict,
    IgnoreFormatNegotiation,
    job_accepted,
    require_role,
)
from annotations.api.serializers import (
    ExportQuerySerializer,
    JobAcceptedSerializer,
)
from annotations.choices import JobKind, JobStatus
from annotations.exporters import get_exporter
from annotations.selectors.exports import ExportFilters
from annotations.services import exports

EXPORT_PARAMETERS = [
    OpenApiParameter(
        "format",
        str,
        enum=["jsonl", "spacy", "conll", "hf", "labelstudio"],
        description="jsonl (default), spacy and hf (.tar.gz), conll, labelstudio.",
    ),
    OpenApiParameter(
        "source",
        str,
        enum=["gold", "annotations"],
        description="gold (adjudicated, else automatic consensus) or every "
        "annotation (pseudonymised unless you may see names).",
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
            (200, "application/x-ndjson"): OpenApiTypes.BINARY,
            202: JobAcceptedSerializer,
            400: OpenApiTypes.OBJECT,
            403: OpenApiTypes.OBJECT,
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
        project = selectors.project_get_for_user(user=request.user, pk=project_id)
        role = project.user_role
        require_role(
            permissions.can_export, project, "Your role in this project cannot export."
        )
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
        if filters.source == "annotations" and not (
            permissions.can_read_individual_annotations(
                role, ml_allowed=project.ml_can_see_annotations
            )
        ):
            raise PermissionDenied(
                "Your role cannot export individual annotations of this project; "
                "export source=gold."
            )
        names_visible = permissions.can_see_annotator_names(role)
        fmt = params["format"]
        exports.export_check(project=project, fmt=fmt, filters=filters)
        if params["mode"] == "job" or (
            params["mode"] == "auto"
            and exports.export_needs_job(project=project, filters=filters)
        ):
            job = exports.export_job_create(
                project=project,
                fmt=fmt,
                filters=filters,
                names_visible=names_visible,
                created_by=request.user,
            )
            return job_accepted(job)
        chunks = exports.export_iter(
            project=project, fmt=fmt, filters=filters, names_visible=names_visible
        )
        try:
            first = next(chunks, b"")
        except ValueError as error:
            raise ValidationError({"detail": f"Cannot export: {error}"}) from error
        name = exports.export_filename(project=project, fmt=fmt, filters=filters)
        response = StreamingHttpResponse(
            itertools.chain([first], chunks),
            content_type=get_exporter(fmt).media_type,
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


@extend_schema(tags=["exports"])
class JobDownloadApi(APIView):
    """The file of a finished export job (members who may export)."""

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            409: OpenApiTypes.OBJECT,
        }
    )
    def get(self, request, job_id):
        job = selectors.job_get_for_user(user=request.user, job_id=job_id)
        if job.kind != JobKind.EXPORT or job.project_id is None:
            raise Http404("This job has no file.")
        project = selectors.project_get_for_user(user=request.user, pk=job.project_id)
        require_role(
            permissions.can_export, project, "Your role in this project cannot export."
        )
        if job.status != JobStatus.DONE:
            raise Conflict(
                f"The export is {job.status}; download it once the job is done."
            )
        path = job.result["path"]
        return FileResponse(
            default_storage.open(path, "rb"),
            as_attachment=True,
            filename=job.result.get("name") or path.rsplit("/", 1)[-1],
        )
