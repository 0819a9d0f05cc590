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

    def get_queryset(self):
        return selectors.project_list_with_guideline_numbers(user=self.request.user)
