"""Projects the caller belongs to (read side; admin writes live in project_admin)."""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets

from annotations import selectors
from annotations.api.serializers import (
    ProjectSerializer,
)


@extend_schema(tags=["projects"])
class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Projects the caller is a member of, with their scheme and guideline version."""

    serializer_class = ProjectSerializer
    # <id:pk>: "abc" or a number past 64 bits matches no route (JSON 404), never a 500
    lookup_value_converter = "id"

    def get_queryset(self):
        return selectors.project_list_with_guideline_numbers(user=self.request.user)
