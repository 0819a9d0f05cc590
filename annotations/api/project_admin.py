"""Admin endpoints: create and change projects, members, guideline versions.

* ``POST /api/v1/projects/``: site staff only (403 otherwise); the creator
  becomes the project's admin. Body: the Project shape (``slug``, ``name``,
  ``language``, optional ``scheme`` (default: the financial-news template in the
  project's language, which must then be ``de`` or ``en``), ``guidelines``
  (Markdown), ``overlap``,
  ``allow_overlapping_spans``, ``description``, ``pipeline``).
* ``PATCH /api/v1/projects/{id}/``: project admins. Settings fields plus
  ``scheme`` with optional ``scheme_actions`` and ``changelog``. A scheme
  change that would lose annotations without an action answers **409** with
  ``{"detail", "changes": [...], "blocking": [ids]}``, each change carrying
  its counts and ``allowed_actions`` (see ``annotations/scheme_diff.py``).
* ``GET,POST /api/v1/projects/{id}/members/`` and
  ``PATCH,DELETE /api/v1/projects/{id}/members/{username}/``: project admins;
  shape ``{"user": username, "role": role}``.
* ``GET,POST /api/v1/projects/{id}/guidelines/``: GET for every member,
  POST (admins) publishes ``{text, changelog, scheme?, scheme_actions?}``.

Non-members get 404 everywhere, members without the admin role 403.

Every write is one call into ``services.project_admin`` (create, patch,
members) or ``services.guidelines`` (publish), the services the settings
pages call too; reads go through ``selectors.projects``,
``selectors.members`` and ``selectors.guidelines``.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from annotations import selectors
from annotations.api.projects import ProjectViewSet
from annotations.api.serializers import ProjectSerializer
from annotations.choices import Role
from annotations.models import GuidelineVersion
from annotations.scheme_diff import SchemeChangeBlocked
from annotations.selectors.guidelines import guideline_version_list
from annotations.selectors.members import member_get, member_list
from annotations.selectors.projects import project_get_for_admin
from annotations.services import project_admin
from annotations.services.guidelines import guideline_version_publish
from newsroom.ids import IdConverter, parse_db_int


def _blocked_response(error: SchemeChangeBlocked) -> Response:
    return Response(
        {"detail": error.message, **error.preview.to_dict()},
        status=status.HTTP_409_CONFLICT,
    )


def _paginated(view, request, queryset, serializer_class) -> Response:
    """A page of ``queryset``; the view's ``pagination_class`` also tells the schema."""
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def _project_id(pk: str) -> int:
    """The router's ``pk`` as a storable id; anything else names no project (404)."""
    try:
        return parse_db_int(pk, minimum=1)
    except (TypeError, ValueError):
        raise Http404("No such project.") from None


def _project_out(request, pk: int) -> dict:
    """The project as its admin sees it after a write (fresh guideline number)."""
    project = project_get_for_admin(user=request.user, pk=pk)
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
    ml_can_cut_releases = serializers.BooleanField(required=False)
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
    # Ids as the ``id`` path converter takes them: ``/projects/abc/`` is no route (404).
    lookup_value_regex = IdConverter.regex

    @extend_schema(
        request=ProjectCreateSerializer, responses={201: ProjectAdminSerializer}
    )
    def create(self, request):
        if not project_admin.can_create_projects(request.user):
            raise PermissionDenied("Only site staff create projects.")
        data = ProjectCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = project_admin.project_create_from_template(
            created_by=request.user, **data.validated_data
        )
        return Response(
            _project_out(request, project.pk), status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=ProjectPatchSerializer, responses={200: ProjectAdminSerializer}
    )
    def partial_update(self, request, pk=None):
        project = project_get_for_admin(user=request.user, pk=_project_id(pk))
        data = ProjectPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        try:
            project_admin.project_patch(
                project=project,
                author=request.user,
                scheme=values.pop("scheme", None),
                scheme_actions=values.pop("scheme_actions", None),
                changelog=values.pop("changelog", ""),
                data=values,
            )
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


@extend_schema(tags=["members"])
class ProjectMemberListApi(APIView):
    """Members of a project and their roles (admins only)."""

    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS

    @extend_schema(responses=MemberSerializer(many=True))
    def get(self, request, project_id: int):
        project = project_get_for_admin(user=request.user, pk=project_id)
        members = member_list(project=project)
        return _paginated(self, request, members, MemberSerializer)

    @extend_schema(request=MemberInputSerializer, responses={201: MemberSerializer})
    def post(self, request, project_id: int):
        project = project_get_for_admin(user=request.user, pk=project_id)
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
        project = project_get_for_admin(user=request.user, pk=project_id)
        membership = member_get(project=project, username=username)
        data = MemberRoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = project_admin.member_role_change(
            project=project, user=membership.user, role=data.validated_data["role"]
        )
        return Response(MemberSerializer(membership).data)

    @extend_schema(responses={204: None})
    def delete(self, request, project_id: int, username: str):
        project = project_get_for_admin(user=request.user, pk=project_id)
        membership = member_get(project=project, username=username)
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

    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS

    @extend_schema(responses=GuidelineVersionSerializer(many=True))
    def get(self, request, project_id: int):
        project = selectors.project_get_for_user(user=request.user, pk=project_id)
        versions = guideline_version_list(project=project)
        return _paginated(self, request, versions, GuidelineVersionSerializer)

    @extend_schema(
        request=GuidelinePublishSerializer, responses={201: GuidelineVersionSerializer}
    )
    def post(self, request, project_id: int):
        project = project_get_for_admin(user=request.user, pk=project_id)
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
