"""Admin endpoints: create and change projects, members, guideline versions.

* ``POST /api/v1/projects/``: site staff only (403 otherwise); the creator
  becomes the project's admin. Body: the Project shape (``slug``, ``name``,
  ``language``, optional ``scheme`` (default: the financial-news template in the
  project's language), ``guidelines`` (Markdown), ``overlap``,
  ``allow_overlapping_spans``, ``description``, ``pipeline``).
* ``PATCH /api/v1/projects/{id}/``: project admins. Settings fields plus
  ``scheme`` with optional ``scheme_actions`` and ``changelog``. A scheme
  change that would lose annotations without an action answers **409** with
  ``{"detail", "changes": [...], "blocking": [ids]}``, each change carrying
  its counts and ``allowed_actions`` (see ``services/scheme_changes.py``).
* ``GET,POST /api/v1/projects/{id}/members/`` and
  ``PATCH,DELETE /api/v1/projects/{id}/members/{username}/``: project admins;
  shape ``{"user": username, "role": role}``.
* ``GET,POST /api/v1/projects/{id}/guidelines/``: GET for every member,
  POST (admins) publishes ``{text, changelog, scheme?, scheme_actions?}``.

Non-members get 404 everywhere, members without the admin role 403.
"""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from annotations import permissions, selectors
from annotations.api.permissions import require
from annotations.api.projects import ProjectViewSet
from annotations.api.serializers import ProjectSerializer
from annotations.choices import Role
from annotations.models import GuidelineVersion, Membership, Project
from annotations.selectors.guidelines import guideline_version_list
from annotations.services import project_admin
from annotations.services.guidelines import (
    guideline_text_validate,
    guideline_version_publish,
)
from annotations.services.projects import project_create
from annotations.services.scheme_changes import (
    SchemeChangeBlocked,
    scheme_change_apply,
)


def _blocked_response(error: SchemeChangeBlocked) -> Response:
    return Response(
        {"detail": error.message, **error.preview.to_dict()},
        status=status.HTTP_409_CONFLICT,
    )


def _admin_project(request, project_id: int) -> Project:
    project = selectors.project_get_for_user(user=request.user, pk=project_id)
    require(
        permissions.can_manage_project,
        project.user_role,
        "Only project admins can do this.",
    )
    return project


def _paginated(view, request, queryset, serializer_class) -> Response:
    paginator = api_settings.DEFAULT_PAGINATION_CLASS()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def _project_out(request, pk: int) -> dict:
    project = selectors.project_list_with_guideline_numbers(user=request.user).get(
        pk=pk
    )
    return ProjectAdminSerializer(project).data


class ProjectAdminSerializer(ProjectSerializer):
    """The Project shape plus the settings only admins change."""

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "label_mapping", "pipeline_options"]
        read_only_fields = fields


class ProjectCreateSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=64)
    name = serializers.CharField(max_length=200)
    language = serializers.CharField(max_length=16)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    overlap = serializers.IntegerField(
        required=False, min_value=1, max_value=10, default=2
    )
    allow_overlapping_spans = serializers.BooleanField(required=False, default=True)
    pipeline = serializers.CharField(required=False, allow_blank=True, default="")
    scheme = serializers.JSONField(required=False)
    guidelines = serializers.CharField(required=False, trim_whitespace=False)


class ProjectPatchSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    overlap = serializers.IntegerField(required=False, min_value=1, max_value=10)
    allow_overlapping_spans = serializers.BooleanField(required=False)
    ml_can_see_annotations = serializers.BooleanField(required=False)
    pipeline = serializers.CharField(required=False, allow_blank=True, max_length=200)
    label_mapping = serializers.JSONField(required=False)
    scheme = serializers.JSONField(required=False)
    scheme_actions = serializers.DictField(
        child=serializers.CharField(), required=False
    )
    changelog = serializers.CharField(required=False, allow_blank=True, max_length=500)


@extend_schema(tags=["projects"])
class ProjectAdminViewSet(ProjectViewSet):
    """Projects: list and read for members; create (site staff) and change (admins)."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(
        request=ProjectCreateSerializer, responses={201: ProjectAdminSerializer}
    )
    def create(self, request):
        if not project_admin.can_create_projects(request.user):
            raise PermissionDenied("Only site staff create projects.")
        data = ProjectCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "guidelines" in values:
            guideline_text_validate(values["guidelines"])
        if Project.objects.filter(slug=values["slug"]).exists():
            return Response(
                {"slug": ["A project with this slug exists already."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        project = project_create(created_by=request.user, **values)
        return Response(
            _project_out(request, project.pk), status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=ProjectPatchSerializer, responses={200: ProjectAdminSerializer}
    )
    def partial_update(self, request, pk=None):
        project = _admin_project(request, int(pk))
        data = ProjectPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        scheme = values.pop("scheme", None)
        actions = values.pop("scheme_actions", None)
        changelog = values.pop("changelog", "")
        try:
            with transaction.atomic():
                if scheme is not None:
                    scheme_change_apply(
                        project=project,
                        new_scheme=scheme,
                        actions=actions,
                        author=request.user,
                        changelog=changelog,
                    )
                if values:
                    project_admin.project_update(project=project, data=values)
        except SchemeChangeBlocked as error:
            return _blocked_response(error)
        return Response(_project_out(request, project.pk))


# --- members ---------------------------------------------------------------------


class MemberSerializer(serializers.Serializer):
    user = serializers.CharField(source="user.username")
    role = serializers.ChoiceField(choices=Role.choices)
    created_at = serializers.DateTimeField(read_only=True)


class MemberInputSerializer(serializers.Serializer):
    user = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Role.choices)


class MemberRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


def _member(project: Project, username: str) -> Membership:
    membership = (
        Membership.objects.select_related("user")
        .filter(project=project, user__username=username)
        .first()
    )
    if membership is None:
        raise Http404("No such member.")
    return membership


@extend_schema(tags=["members"])
class ProjectMemberListApi(APIView):
    """Members of a project and their roles (admins only)."""

    @extend_schema(responses=MemberSerializer(many=True))
    def get(self, request, project_id: int):
        project = _admin_project(request, project_id)
        members = (
            Membership.objects.filter(project=project)
            .select_related("user")
            .order_by("user__username")
        )
        return _paginated(self, request, members, MemberSerializer)

    @extend_schema(request=MemberInputSerializer, responses={201: MemberSerializer})
    def post(self, request, project_id: int):
        project = _admin_project(request, project_id)
        data = MemberInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = project_admin.member_add(
            project=project,
            username=data.validated_data["user"],
            role=data.validated_data["role"],
        )
        return Response(
            MemberSerializer(membership).data, status=status.HTTP_201_CREATED
        )


@extend_schema(tags=["members"])
class ProjectMemberDetailApi(APIView):
    """Change a member's role or remove them (admins only; never the last admin)."""

    @extend_schema(request=MemberRoleSerializer, responses=MemberSerializer)
    def patch(self, request, project_id: int, username: str):
        project = _admin_project(request, project_id)
        membership = _member(project, username)
        data = MemberRoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = project_admin.member_role_change(
            project=project, user=membership.user, role=data.validated_data["role"]
        )
        return Response(MemberSerializer(membership).data)

    @extend_schema(responses={204: None})
    def delete(self, request, project_id: int, username: str):
        project = _admin_project(request, project_id)
        membership = _member(project, username)
        project_admin.member_remove(project=project, user=membership.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- guidelines ------------------------------------------------------------------


class GuidelineVersionSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = GuidelineVersion
        fields = ["number", "text", "changelog", "scheme", "created_at", "author"]
        read_only_fields = fields

    def get_author(self, version: GuidelineVersion) -> str | None:
        return version.author.get_username() if version.author else None


class GuidelinePublishSerializer(serializers.Serializer):
    text = serializers.CharField(trim_whitespace=False)
    changelog = serializers.CharField(max_length=500)
    scheme = serializers.JSONField(required=False)
    scheme_actions = serializers.DictField(
        child=serializers.CharField(), required=False
    )


@extend_schema(tags=["guidelines"])
class ProjectGuidelineListApi(APIView):
    """Guideline versions, newest first (members); POST publishes the next one (admins)."""

    @extend_schema(responses=GuidelineVersionSerializer(many=True))
    def get(self, request, project_id: int):
        project = selectors.project_get_for_user(user=request.user, pk=project_id)
        versions = guideline_version_list(project=project)
        return _paginated(self, request, versions, GuidelineVersionSerializer)

    @extend_schema(
        request=GuidelinePublishSerializer, responses={201: GuidelineVersionSerializer}
    )
    def post(self, request, project_id: int):
        project = _admin_project(request, project_id)
        data = GuidelinePublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            version = guideline_version_publish(
                project=project,
                author=request.user,
                text=data.validated_data["text"],
                changelog=data.validated_data["changelog"],
                scheme=data.validated_data.get("scheme"),
                scheme_actions=data.validated_data.get("scheme_actions"),
            )
        except SchemeChangeBlocked as error:
            return _blocked_response(error)
        if version is None:
            return Response(
                {"text": ["Nothing changed since the current version."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            GuidelineVersionSerializer(version).data, status=status.HTTP_201_CREATED
        )
