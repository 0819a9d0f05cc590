"""Articles: list, detail and the bulk import on the list endpoint."""

import io
from dataclasses import dataclass, field

from django.http.multipartparser import MultiPartParser, MultiPartParserError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import (
    ParseError,
    ValidationError,
)
from rest_framework.response import Response

from annotations import permissions, selectors
from annotations.api.common import (
    IgnoreFormatNegotiation,
    PayloadTooLarge,
    import_max_bytes,
    import_max_items,
    require_role,
)
from annotations.api.serializers import (
    ArticleImportItemSerializer,
    ArticleImportResultSerializer,
    ArticleSerializer,
    ImportConflictSerializer,
    ImportErrorSerializer,
)
from annotations.services import importers
from annotations.services.articles import ArticleImportError


@extend_schema(tags=["articles"])
class ProjectArticleListApi(generics.ListAPIView):
    """Articles of a project that the caller may open (annotators: their own work only)."""

    serializer_class = ArticleSerializer
    filter_backends = ()  # no query filters; the selector decides what is listed

    def get_queryset(self):
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


@dataclass
class Upload:
    """The import file of a request: its bytes, media type and (uploads) name."""

    body: bytes
    content_type: str
    filename: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


def _read_upload(request) -> Upload:
    """The body, or for ``multipart/form-data`` (``curl -F file=@x.jsonl``) the file
    part ``file`` (or the only file part) with the form's other fields.

    The limit of ``_read_body`` applies to the whole multipart body; the file is
    then read as a file (its format from ``?format=`` or its name and content).
    """
    raw = _read_body(request)
    if not request.content_type.startswith("multipart/form-data"):
        return Upload(body=raw, content_type=request.content_type)
    meta = {**request.META, "CONTENT_LENGTH": str(len(raw))}
    try:
        form, files = MultiPartParser(
            meta, io.BytesIO(raw), request._request.upload_handlers
        ).parse()
    except MultiPartParserError as error:
        raise ParseError(f"Malformed multipart body: {error}") from error
    upload = files.get("file") or (
        next(iter(files.values())) if len(files) == 1 else None
    )
    if upload is None:
        raise ValidationError(
            {
                "file": [
                    "A multipart import needs the file in a part named file, "
                    "e.g. curl -F file=@data.jsonl."
                ]
            }
        )
    return Upload(
        body=upload.read(),
        content_type="application/octet-stream",  # a file: detect, never a JSON body
        filename=upload.name,
        fields={key: form.get(key) for key in form},
    )


def _param(request, upload: Upload, name: str) -> str | None:
    """A query parameter, else a field of the multipart form."""
    return request.query_params.get(name) or upload.fields.get(name) or None


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
    # The import reads its body itself, up to NEWSROOM_IMPORT_MAX_BYTES
    # (newsroom.middleware.BodyLimitMiddleware lets it through).
    reads_large_bodies = True

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
            OpenApiParameter(
                "annotator",
                str,
                description="Who made the annotations of items that name nobody "
                "(doccano lines without user; Label Studio annotations without "
                "completed_by). Default for doccano: the uploaded file's name.",
            ),
        ],
        request={
            "application/json": ArticleImportItemSerializer(many=True),
            "multipart/form-data": inline_serializer(
                "ArticleImportUpload",
                {
                    "file": serializers.FileField(),
                    "format": serializers.ChoiceField(
                        choices=list(importers.FORMATS), required=False
                    ),
                    "label_mapping": serializers.CharField(required=False),
                    "annotator": serializers.CharField(required=False),
                },
            ),
            "application/x-ndjson": OpenApiTypes.BINARY,
            "text/csv": OpenApiTypes.BINARY,
        },
        responses={
            201: ArticleImportResultSerializer,
            200: ArticleImportResultSerializer,
            # 400: per-item errors {"detail", "errors": [...]} or field errors;
            # the shared ValidationError shape (api/schema.py) covers both
            409: ImportConflictSerializer,
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
                    "predictions_skipped": 0,
                    "drafts": [],
                    "warnings": [],
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
            "label_mapping}, JSONL, doccano JSONL or CSV text (with ?format= or "
            "their content type), or a multipart upload with the file in the part "
            "file. 409 lists items that differ from what is stored under the same "
            "key (an external_id with another text, another annotation by the same "
            "imported annotator). At most NEWSROOM_IMPORT_MAX_ITEMS (1,000) items "
            "and NEWSROOM_IMPORT_MAX_BYTES (50 MiB) per request: 413 above."
        ),
    )
    def post(self, request, project_id: int):
        project = selectors.project_get_for_user(user=request.user, pk=project_id)
        require_role(
            permissions.can_manage_project,
            project,
            "Only project admins can import articles.",
        )
        upload = _read_upload(request)
        try:
            summary = importers.import_upload(
                project=project,
                body=upload.body,
                content_type=upload.content_type,
                fmt=_param(request, upload, "format"),
                label_mapping=_param(request, upload, "label_mapping"),
                annotator=_param(request, upload, "annotator"),
                filename=upload.filename,
                max_items=import_max_items(),
                created_by=request.user,
            )
        except importers.ImportTooLarge as error:
            raise PayloadTooLarge(str(error)) from error
        except importers.ImportBodyError as error:
            raise ValidationError({"detail": str(error)}) from error
        except importers.ImportConflictError as error:
            return Response(
                {"detail": str(error), "conflicts": error.conflicts},
                status=status.HTTP_409_CONFLICT,
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
