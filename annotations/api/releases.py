"""Dataset releases: list, cut, read and download their files."""

from django.core.files.storage import default_storage
from django.http import FileResponse
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.api.common import job_accepted
from annotations.api.schema import file_media_type, file_responses
from annotations.api.serializers import (
    JobAcceptedSerializer,
    ReleaseCreateSerializer,
    ReleaseSerializer,
)
from annotations.models import Release
from annotations.selectors.export_access import project_get_for_release_cut
from annotations.selectors.releases import (
    release_file_get_for_user,
    release_get_for_user,
    release_list_for_user,
)
from annotations.services import releases

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
    """Releases of a project (GET: exporters' roles), POST cuts a new one.

    Admins cut releases, and ML engineers where the project allows it
    (``ml_can_cut_releases``; ``selectors.export_access.release_cut_check``).
    """

    serializer_class = ReleaseSerializer
    filter_backends = ()  # no query filters; the selector decides what is listed

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
        found = release_list_for_user(user=request.user, project_id=project_id)
        page = self.paginate_queryset(found)
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
        project = project_get_for_release_cut(user=request.user, project_id=project_id)
        body = ReleaseCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        started = releases.release_start(
            project=project,
            created_by=request.user,
            note=body.validated_data["note"],
            mode=body.validated_data["mode"],
        )
        if not isinstance(started, Release):
            return job_accepted(started)
        return Response(ReleaseSerializer(started).data, status=status.HTTP_201_CREATED)


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
        release = release_get_for_user(user=request.user, release_id=release_id)
        return Response(ReleaseSerializer(release).data)


@extend_schema(tags=["releases"])
class ReleaseFileApi(APIView):
    """One file of a release, byte for byte as it was written (ETag = its sha256)."""

    @extend_schema(responses=file_responses())
    def get(self, request, release_id: int, name: str):
        stored = release_file_get_for_user(
            user=request.user, release_id=release_id, name=name
        )
        response = FileResponse(
            default_storage.open(stored.file.name, "rb"),
            as_attachment=True,
            filename=stored.name,
            content_type=file_media_type(stored.name),
        )
        response["ETag"] = f'"{stored.sha256}"'
        response["X-Content-SHA256"] = stored.sha256
        return response
