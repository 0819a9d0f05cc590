"""Articles: list, detail and the bulk import on the list endpoint."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, status
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
        require_role(
            permissions.can_manage_project,
            project,
            "Only project admins can import articles.",
        )
        try:
            summary = importers.import_upload(
                project=project,
                body=_read_body(request),
                content_type=request.content_type,
                fmt=request.query_params.get("format") or None,
                label_mapping=request.query_params.get("label_mapping"),
                max_items=import_max_items(),
                created_by=request.user,
            )
        except importers.ImportTooLarge as error:
            raise PayloadTooLarge(str(error)) from error
        except importers.ImportBodyError as error:
            raise ValidationError({"detail": str(error)}) from error
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
