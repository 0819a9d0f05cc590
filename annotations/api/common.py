"""Small pieces shared by the API modules: errors, content negotiation, 202 answers."""

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import status
from rest_framework.exceptions import (
    APIException,
)
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from annotations.api.permissions import require

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


def require_role(predicate, project, message: str) -> None:
    require(predicate, project.user_role, message)


def job_accepted(job) -> Response:
    return Response(
        {
            "job": str(job.pk),
            "status_url": reverse("api:job-detail", kwargs={"job_id": job.pk}),
        },
        status=status.HTTP_202_ACCEPTED,
    )


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


@csrf_exempt  # it changes nothing; a POST must get this 404, not the CSRF page
def api_not_found(request: HttpRequest) -> JsonResponse:
    """A path under /api/v1/ that names no endpoint: ``{"detail"}`` 404, as the API's."""
    return JsonResponse({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
