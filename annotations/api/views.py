import itertools
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, status, viewsets
from rest_framework.exceptions import (
    APIException,
    ParseError,
    PermissionDenied,
    ValidationError,
)
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import permissions, selectors
from annotations.api.filters import AnnotationFilter
from annotations.api.pagination import IdCursorPagination
from annotations.api.permissions import require, require_annotate
from annotations.api.serializers import (
    AnnotationInputSerializer,
    AnnotationSerializer,
    ArticleImportItemSerializer,
    ArticleImportResultSerializer,
    ArticleSerializer,
    ExportQuerySerializer,
    ImportErrorSerializer,
    JobAcceptedSerializer,
    JobSerializer,
    ProjectSerializer,
    ReleaseCreateSerializer,
    ReleaseSerializer,
)
from annotations.choices import JobKind, JobStatus, Role
from annotations.exporters import get_exporter
from annotations.models import Annotation, Article, Release
from annotations.selectors import exports as export_selectors
from annotations.selectors.exports import ExportFilters
from annotations.services import exports, importers, releases
from annotations.services.annotations import annotation_save
from annotations.services.articles import ArticleImportError
from annotations.services.queue import assignment_claim


@extend_schema(tags=["projects"])
class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Projects the caller is a member of, with their scheme and guideline version."""

    serializer_class = ProjectSerializer

    def get_queryset(self):
        return selectors.project_list_with_guideline_numbers(user=self.request.user)


@extend_schema(tags=["articles"])
class ProjectArticleListApi(generics.ListAPIView):
    """Articles of a project that the caller may open (annotators: their own work only)."""

    serializer_class = ArticleSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Article.objects.none()
        project = selectors.project_get_for_user(
            user=self.request.user, pk=self.kwargs["project_id"]
        )
        return selectors.article_list_for_user(user=self.request.user, project=project)


@extend_schema(tags=["articles"])
class ArticleDetailApi(generics.RetrieveAPIView):
    """One article with its text."""

    serializer_class = ArticleSerializer

    def get_object(self):
        return selectors.article_get_for_user(
            user=self.request.user, article_id=self.kwargs["article_id"]
        )


@extend_schema(tags=["annotations"])
class MyAnnotationApi(APIView):
    """The caller's own annotation of an article (GET: 404 before the first save)."""

    def _article(self, article_id: int):
        article = selectors.article_get_for_member(
            user=self.request.user, article_id=article_id
        )
        require_annotate(article.project.user_role)
        return article

    @extend_schema(responses=AnnotationSerializer)
    def get(self, request, article_id: int):
        article = self._article(article_id)
        annotation = (
            Annotation.objects.filter(article=article, annotator=request.user)
            .select_related("guideline_version", "annotator")
            .prefetch_related("spans")
            .first()
        )
        if annotation is None:
            raise Http404("You have not saved an annotation of this article yet.")
        return Response(AnnotationSerializer(annotation).data)

    @extend_schema(
        request=AnnotationInputSerializer,
        responses={200: AnnotationSerializer, 201: AnnotationSerializer},
    )
    def put(self, request, article_id: int):
        article = self._article(article_id)
        data = AnnotationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if article.project.user_role == Role.ANNOTATOR:
            assignment_claim(article=article, user=request.user)
        version = data.validated_data.get("version")
        annotation = annotation_save(
            article=article,
            annotator=request.user,
            spans=data.validated_data["spans"],
            labels=data.validated_data["labels"],
            status=data.validated_data["status"],
            version=version,
            lead_time_ms=data.validated_data.get("lead_time_ms"),
            skip_reason=data.validated_data["skip_reason"],
        )
        annotation = (
            Annotation.objects.select_related("guideline_version", "annotator")
            .prefetch_related("spans")
            .get(pk=annotation.pk)
        )
        return Response(
            AnnotationSerializer(annotation).data,
            status=status.HTTP_201_CREATED if version is None else status.HTTP_200_OK,
        )


@extend_schema(tags=["jobs"])
class JobDetailApi(generics.RetrieveAPIView):
    """Progress of background work (pre-annotation, exports, releases, training)."""

    serializer_class = JobSerializer

    def get_object(self):
        return selectors.job_get_for_user(
            user=self.request.user, job_id=self.kwargs["job_id"]
        )


# --- issue 5: annotations list, bulk import, exports, releases ---------------------

IMPORT_MAX_ITEMS = 1000
IMPORT_MAX_BYTES = 50 * 1024 * 1024


def import_max_items() -> int:
    return int(getattr(settings, "NEWSROOM_IMPORT_MAX_ITEMS", IMPORT_MAX_ITEMS))


def import_max_bytes() -> int:
    return int(getattr(settings, "NEWSROOM_IMPORT_MAX_BYTES", IMPORT_MAX_BYTES))


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class IgnoreFormatNegotiation(DefaultContentNegotiation):
    """``?format=`` names an export/import format here, not a DRF renderer."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _require_role(predicate, project, message: str) -> None:
    require(predicate, project.user_role, message)


def _job_accepted(job) -> Response:
    return Response(
        {
            "job": str(job.pk),
            "status_url": reverse("api:job-detail", kwargs={"job_id": job.pk}),
        },
        status=status.HTTP_202_ACCEPTED,
    )


ANNOTATION_EXAMPLE = {
    "id": 41,
    "article": 17,
    "annotator": "annotator-3f9c1a2b7d",
    "status": "submitted",
    "spans": [
        {
            "start": 0,
            "end": 7,
            "label": "ORG",
            "text": "Siemens",
            "origin": "manual",
            "attributes": {},
        }
    ],
    "labels": {"sentiment": "negative", "bias": "non_biased"},
    "version": 3,
    "guideline_version": 1,
    "lead_time_ms": 48210,
    "skip_reason": "",
    "updated_at": "2025-03-01T09:30:00Z",
}


@extend_schema(
    tags=["annotations"],
    examples=[
        OpenApiExample(
            "A page of annotations",
            value={"next": None, "previous": None, "results": [ANNOTATION_EXAMPLE]},
            response_only=True,
        )
    ],
)
class ProjectAnnotationListApi(generics.ListAPIView):
    """Annotations the caller may read, cursor-paginated by id.

    Reviewers and admins see all (with usernames); annotators only their own; ML
    engineers all, pseudonymised, if the project allows it (else 403). Filters:
    ``status``, ``annotator``, ``article``, ``updated_after``.
    """

    serializer_class = AnnotationSerializer
    pagination_class = IdCursorPagination
    filterset_class = AnnotationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Annotation.objects.none()
        self.project = selectors.project_get_for_user(
            user=self.request.user, pk=self.kwargs["project_id"]
        )
        try:
            queryset, self.names_visible = export_selectors.annotation_list_for_user(
                user=self.request.user, project=self.project
            )
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        return queryset

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "names_visible", True):
            context["annotator_names"] = _Pseudonyms(self.project.pk)
        return context


class _Pseudonyms:
    """``.get(user_id)`` → the user's pseudonym in one project (serializer context)."""

    def __init__(self, project_id: int) -> None:
        self.project_id = project_id

    def get(self, user_id, default=""):
        return export_selectors.annotator_pseudonym(
            project_id=self.project_id, user_id=user_id
        )


def _read_body(request) -> bytes:
    """The raw body, refused with 413 above ``NEWSROOM_IMPORT_MAX_BYTES``.

    Read from the stream directly, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE (meant for
    forms) does not turn a large but allowed import into a generic 400.
    """
    limit = import_max_bytes()
    raw_length = request.META.get("CONTENT_LENGTH") or ""
    try:
        length = int(raw_length) if raw_length else None
    except ValueError:
        raise ParseError("Invalid Content-Length header.") from None
    message = (
        f"The body is larger than the import limit of {limit:,} bytes "
        f"({limit // (1024 * 1024)} MiB); split the file into several requests or "
        "use manage.py import_articles."
    )
    if length is not None and length > limit:
        raise PayloadTooLarge(message)
    data = request._request.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(message)
    return data


def _import_items_limit(count: int) -> None:
    limit = import_max_items()
    if count > limit:
        raise PayloadTooLarge(
            f"{count:,} items in one request; the limit is {limit:,} per request. "
            "Split the list (imports are idempotent on external_id, so resending "
            "is safe)."
        )


IMPORT_EXAMPLE = [
    {
        "title": "Siemens raises guidance",
        "text": "Siemens raised its guidance on Thursday.",
        "language": "en",
        "external_id": "reuters-0042",
        "meta": {"source": "reuters", "published": "2025-03-01"},
    }
]


class ProjectArticleListCreateApi(ProjectArticleListApi):
    """List articles; POST bulk-imports a JSON list (admins)."""

    content_negotiation_class = IgnoreFormatNegotiation

    @extend_schema(
        tags=["articles"],
        parameters=[
            OpenApiParameter(
                "format",
                str,
                enum=list(importers.FORMATS),
                description="Body format; detected from the body when left out.",
            ),
            OpenApiParameter(
                "label_mapping",
                str,
                description='JSON object, e.g. {"B-ORG": "ORG", "MISC": null}.',
            ),
        ],
        request=ArticleImportItemSerializer(many=True),
        responses={
            201: ArticleImportResultSerializer,
            200: ArticleImportResultSerializer,
            400: ImportErrorSerializer,
            403: ImportErrorSerializer,
            413: ImportErrorSerializer,
        },
        examples=[
            OpenApiExample("Plain articles", value=IMPORT_EXAMPLE, request_only=True),
            OpenApiExample(
                "Label Studio tasks",
                value=[
                    {
                        "id": 1,
                        "data": {"text": "Siemens raised its guidance."},
                        "annotations": [
                            {
                                "completed_by": "anna@example.org",
                                "result": [
                                    {
                                        "from_name": "label",
                                        "to_name": "text",
                                        "type": "labels",
                                        "value": {
                                            "start": 0,
                                            "end": 7,
                                            "text": "Siemens",
                                            "labels": ["ORG"],
                                        },
                                    }
                                ],
                            }
                        ],
                    }
                ],
                request_only=True,
            ),
            OpenApiExample(
                "Imported",
                value={
                    "format": "articles",
                    "created": 1,
                    "existing": 0,
                    "annotations_created": 0,
                    "annotations_existing": 0,
                    "predictions_created": 0,
                    "ignored_results": 0,
                    "annotators": [],
                    "ids": [17],
                    "preannotation_job": None,
                },
                response_only=True,
                status_codes=["201"],
            ),
            OpenApiExample(
                "Per-item errors (nothing written)",
                value={
                    "detail": "1 invalid item(s); nothing was imported.",
                    "errors": [
                        {
                            "index": 3,
                            "errors": {
                                "text": [
                                    "This field is required and must be a non-empty "
                                    "string."
                                ]
                            },
                        }
                    ],
                },
                response_only=True,
                status_codes=["400"],
            ),
            OpenApiExample(
                "Too many items",
                value={
                    "detail": "1,500 items in one request; the limit is 1,000 per "
                    "request. Split the list (imports are idempotent on "
                    "external_id, so resending is safe)."
                },
                response_only=True,
                status_codes=["413"],
            ),
        ],
        description=(
            "Bulk import, all-or-nothing, idempotent on external_id. Body: a JSON "
            "list of articles or Label Studio tasks, an object {items, format, "
            "label_mapping}, or (with ?format=) JSONL, doccano JSONL or CSV text. At "
            "most NEWSROOM_IMPORT_MAX_ITEMS (1,000) items and "
            "NEWSROOM_IMPORT_MAX_BYTES (50 MiB) per request: 413 above."
        ),
    )
    def post(self, request, project_id: int):
        project = selectors.project_get_for_user(user=request.user, pk=project_id)
        _require_role(
            permissions.can_manage_project,
            project,
            "Only project admins can import articles.",
        )
        raw = _read_body(request)
        fmt = request.query_params.get("format") or None
        mapping: Any = None
        if request.query_params.get("label_mapping"):
            try:
                mapping = json.loads(request.query_params["label_mapping"])
            except json.JSONDecodeError as error:
                raise ValidationError(
                    {"label_mapping": [f"Not JSON: {error.msg}."]}
                ) from error
        data: Any = raw
        content_type = request.content_type.split(";")[0].strip().lower()
        if content_type in ("application/json", "") and fmt in (
            None,
            "articles",
            "labelstudio",
        ):
            try:
                body = json.loads(raw.decode("utf-8-sig"))
            except UnicodeDecodeError:
                raise ValidationError(
                    {"detail": "The body is not UTF-8 text."}
                ) from None
            except json.JSONDecodeError as error:
                raise ValidationError(
                    {
                        "detail": f"Malformed JSON at line {error.lineno}, column "
                        f"{error.colno}: {error.msg}."
                    }
                ) from error
            if isinstance(body, dict) and "items" in body:
                fmt = body.get("format") or fmt
                mapping = body.get("label_mapping", mapping)
                body = body["items"]
            if isinstance(body, dict) and "data" in body:
                body = [body]
            if not isinstance(body, list):
                raise ValidationError(
                    {
                        "detail": "Expected a JSON list of articles (or an object "
                        "with an items list)."
                    }
                )
            _import_items_limit(len(body))
            data = body
        try:
            parsed = importers.parse_import(
                data, project=project, fmt=fmt, label_mapping=mapping
            )
            _import_items_limit(len(parsed.articles))
            summary = importers.import_apply(
                project=project, parsed=parsed, created_by=request.user
            )
        except ArticleImportError as error:
            return Response(
                {"detail": str(error), "errors": error.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            summary.as_dict(),
            status=status.HTTP_201_CREATED
            if summary.articles_created
            else status.HTTP_200_OK,
        )


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
        _require_role(
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
            return _job_accepted(job)
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
        _require_role(
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


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


RELEASE_EXAMPLE = {
    "id": 3,
    "project": 1,
    "number": 2,
    "seed": "demo-en",
    "note": "after round 2",
    "created_at": "2025-03-01T09:30:00Z",
    "created_by": "admin",
    "changelog": {
        "previous_release": 1,
        "n_articles_added": 40,
        "n_articles_removed": 0,
        "n_articles_changed": 3,
        "articles_added": [101, 102],
        "articles_removed": [],
        "articles_changed": [17, 18, 19],
        "span_labels": {"ORG": {"before": 120, "after": 171}},
    },
    "manifest": {"release": 2, "counts": {"articles": 140}},
    "files": [
        {
            "name": "dataset.jsonl",
            "size": 81234,
            "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "url": "/api/v1/releases/3/files/dataset.jsonl",
        }
    ],
}


@extend_schema(tags=["releases"])
class ProjectReleaseListCreateApi(generics.GenericAPIView):
    """Releases of a project (GET: exporters' roles), POST cuts a new one (admins)."""

    serializer_class = ReleaseSerializer
    queryset = Release.objects.none()

    def _project(self):
        return selectors.project_get_for_user(
            user=self.request.user, pk=self.kwargs["project_id"]
        )

    @extend_schema(
        responses=ReleaseSerializer(many=True),
        examples=[
            OpenApiExample(
                "Releases",
                value={
                    "count": 1,
                    "next": None,
                    "previous": None,
                    "results": [RELEASE_EXAMPLE],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, project_id: int):
        project = self._project()
        _require_role(
            permissions.can_export, project, "Your role cannot read releases."
        )
        releases = (
            Release.objects.filter(project=project)
            .select_related("created_by")
            .prefetch_related("files")
            .order_by("-number")
        )
        page = self.paginate_queryset(releases)
        return self.get_paginated_response(ReleaseSerializer(page, many=True).data)

    @extend_schema(
        request=ReleaseCreateSerializer,
        responses={201: ReleaseSerializer, 202: JobAcceptedSerializer},
        examples=[
            OpenApiExample(
                "Cut a release", value={"note": "after round 2"}, request_only=True
            ),
            OpenApiExample(
                "Created",
                value=RELEASE_EXAMPLE,
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def post(self, request, project_id: int):
        project = self._project()
        _require_role(
            permissions.can_manage_project,
            project,
            "Only project admins can cut releases.",
        )
        body = ReleaseCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        note, mode = body.validated_data["note"], body.validated_data["mode"]
        if mode == "job" or (
            mode == "auto" and releases.release_needs_job(project=project)
        ):
            job = releases.release_job_create(
                project=project, created_by=request.user, note=note
            )
            return _job_accepted(job)
        release = releases.release_create(
            project=project, created_by=request.user, note=note
        )
        return Response(ReleaseSerializer(release).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["releases"])
class ReleaseDetailApi(APIView):
    """One release: manifest, changelog and its files."""

    @extend_schema(
        responses=ReleaseSerializer,
        examples=[
            OpenApiExample("A release", value=RELEASE_EXAMPLE, response_only=True)
        ],
    )
    def get(self, request, release_id: int):
        release = export_selectors.release_get_for_user(
            user=request.user, release_id=release_id
        )
        _require_role(
            permissions.can_export, release.project, "Your role cannot read releases."
        )
        return Response(ReleaseSerializer(release).data)


@extend_schema(tags=["releases"])
class ReleaseFileApi(APIView):
    """One file of a release, byte for byte as it was written (ETag = its sha256)."""

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: OpenApiTypes.OBJECT,
        }
    )
    def get(self, request, release_id: int, name: str):
        release = export_selectors.release_get_for_user(
            user=request.user, release_id=release_id
        )
        _require_role(
            permissions.can_export, release.project, "Your role cannot read releases."
        )
        stored = release.files.filter(name=name).first()
        if stored is None:
            raise Http404("No such file in this release.")
        response = FileResponse(
            default_storage.open(stored.file.name, "rb"),
            as_attachment=True,
            filename=stored.name,
        )
        response["ETag"] = f'"{stored.sha256}"'
        response["X-Content-SHA256"] = stored.sha256
        return response
