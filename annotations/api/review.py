"""REST endpoints of issue 6: agreement, gold, assignments and calibration.

Thin views: writes through ``services.adjudication`` (gold),
``services.assignments`` and ``services.calibration``; reads through
``services.agreement`` and the selectors (``selectors.assignments``, gold of
an article); membership through the access selectors (404 for outsiders),
roles through ``annotations.permissions``.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import permissions, selectors
from annotations.api.permissions import require
from annotations.api.serializers import SpanInputSerializer, SpanSerializer
from annotations.choices import GoldStatus
from annotations.models import Assignment, GoldAnnotation
from annotations.selectors.agreement import annotator_labels, gold_for_article
from annotations.selectors.assignments import (
    assignment_get_in_project,
    assignment_list_for_project,
)
from annotations.services.adjudication import gold_save
from annotations.services.agreement import agreement_for_viewer
from annotations.services.assignments import (
    assignment_assign,
    assignment_move,
    assignment_release,
)
from annotations.services.calibration import calibration_mark
from annotations.validation import MAX_POSITIVE_INT


@extend_schema(
    tags=["agreement"],
    parameters=[
        OpenApiParameter(
            "posteriors",
            bool,
            description="Include Dawid–Skene posteriors of contested items (default true).",
        )
    ],
    responses=inline_serializer(
        "AgreementResponse",
        {
            "questions": serializers.DictField(),
            "spans": serializers.DictField(),
            "annotators": serializers.DictField(),
            "computed_at": serializers.DateTimeField(),
            "dawid_skene": serializers.DictField(),
        },
    ),
)
class ProjectAgreementApi(APIView):
    """Agreement of a project (contract shape), with Dawid–Skene and dashboard figures.

    Annotators appear as usernames to admins and reviewers and as stable
    pseudonyms to ML engineers. Items with fewer than two submitted
    annotations are left out; ``null`` where a figure is undefined.
    """

    def get(self, request, project_id: int):
        project = selectors.project_get_for_user(user=request.user, pk=project_id)
        require(
            permissions.can_see_agreement,
            project.user_role,
            "Your role in this project cannot see agreement.",
        )
        include = request.query_params.get("posteriors", "true").lower()
        data = agreement_for_viewer(
            project=project,
            role=project.user_role,
            include_posteriors=include not in {"0", "false", "no"},
        )
        return Response(data)


class GoldInputSerializer(serializers.Serializer):
    """Body of POST gold: the body of my-annotation plus an optional note."""

    spans = serializers.ListField(child=SpanInputSerializer(), default=list)
    labels = serializers.DictField(default=dict)
    status = serializers.CharField(
        default="draft", help_text="draft, or submitted (final gold)."
    )
    version = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_POSITIVE_INT
    )
    note = serializers.CharField(required=False, allow_blank=True)


class GoldSerializer(serializers.ModelSerializer):
    """Gold as my-annotation shows an annotation; ``status`` final reads ``submitted``."""

    spans = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    reviewer = serializers.SerializerMethodField()
    guideline_version = serializers.IntegerField(
        source="guideline_version.number", allow_null=True, read_only=True
    )
    source = serializers.SerializerMethodField()

    class Meta:
        model = GoldAnnotation
        fields = [
            "id",
            "article",
            "reviewer",
            "status",
            "spans",
            "labels",
            "version",
            "guideline_version",
            "note",
            "source",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(SpanSerializer(many=True))
    def get_spans(self, gold: GoldAnnotation) -> list[dict]:
        return [
            {"start": s.start, "end": s.end, "label": s.label, "text": s.text}
            for s in gold.spans.all()
        ]

    @extend_schema_field(serializers.CharField(help_text="draft or submitted"))
    def get_status(self, gold: GoldAnnotation) -> str:
        return "submitted" if gold.status == GoldStatus.FINAL else "draft"

    @extend_schema_field(serializers.CharField())
    def get_reviewer(self, gold: GoldAnnotation) -> str:
        names = self.context.get("reviewer_names")
        if names is not None:
            return names.get(gold.reviewer_id, "")
        return gold.reviewer.get_username()

    @extend_schema_field(serializers.CharField())
    def get_source(self, gold: GoldAnnotation) -> str:
        return "gold"


def _gold_response(gold: GoldAnnotation, role: str | None, http_status=200):
    """``gold`` as the API shows it: reviewer names only for those who may see them."""
    context = {}
    if not permissions.can_see_annotator_names(role):
        labels = annotator_labels(
            project=gold.article.project, role=role, user_ids=[gold.reviewer_id]
        )
        context["reviewer_names"] = {gold.reviewer_id: labels[f"@{gold.reviewer_id}"]}
    return Response(GoldSerializer(gold, context=context).data, status=http_status)


@extend_schema(tags=["gold"])
class ArticleGoldApi(APIView):
    """The adjudicated annotation of an article (reviewers write; ML engineers read)."""

    def _article(self, article_id: int):
        return selectors.article_get_for_user(
            user=self.request.user, article_id=article_id
        )

    @extend_schema(responses=GoldSerializer)
    def get(self, request, article_id: int):
        article = self._article(article_id)
        role = article.project.user_role
        require(
            permissions.can_read_all_articles,
            role,
            "Your role in this project cannot read gold.",
        )
        gold = gold_for_article(article=article)
        if gold is None:
            raise Http404("This article has no gold yet.")
        return _gold_response(gold, role)

    @extend_schema(
        request=GoldInputSerializer,
        responses={200: GoldSerializer, 201: GoldSerializer},
    )
    def post(self, request, article_id: int):
        article = self._article(article_id)
        role = article.project.user_role
        require(
            permissions.can_review, role, "Your role in this project cannot adjudicate."
        )
        data = GoldInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = data.validated_data.get("version")
        gold_save(
            article=article,
            reviewer=request.user,
            spans=data.validated_data["spans"],
            labels=data.validated_data["labels"],
            status=data.validated_data["status"],
            version=version,
            note=data.validated_data.get("note"),
        )
        return _gold_response(
            gold_for_article(article=article),
            role,
            status.HTTP_201_CREATED if version is None else status.HTTP_200_OK,
        )


class AssignmentSerializer(serializers.ModelSerializer):
    annotator = serializers.CharField(source="annotator.get_username", read_only=True)
    assigned_by = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "article",
            "annotator",
            "state",
            "assigned_by",
            "lease_expires_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_assigned_by(self, assignment: Assignment) -> str | None:
        user = assignment.assigned_by
        return user.get_username() if user is not None else None


class AssignmentFilterSerializer(serializers.Serializer):
    article = serializers.IntegerField(required=False)


class AssignmentInputSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    annotator = serializers.CharField(help_text="Username of a project member.")


class AssignmentChangeSerializer(serializers.Serializer):
    annotator = serializers.CharField(help_text="Move to this member.")
    discard_draft = serializers.BooleanField(default=False)


def _member(project, username: str):
    user = selectors.project_member_get(project=project, username=username)
    if user is None:
        raise serializers.ValidationError(
            {"annotator": [f"{username!r} is not a member of this project."]}
        )
    return user


def _admin_project(request, project_id: int):
    project = selectors.project_get_for_user(user=request.user, pk=project_id)
    require(
        permissions.can_manage_project,
        project.user_role,
        "Only project admins manage assignments.",
    )
    return project


@extend_schema(tags=["assignments"])
class ProjectAssignmentListApi(APIView):
    """Assignments of a project (admins): list active ones, assign an article by hand."""

    @extend_schema(
        parameters=[OpenApiParameter("article", int)],
        responses=AssignmentSerializer(many=True),
    )
    def get(self, request, project_id: int):
        project = _admin_project(request, project_id)
        query = AssignmentFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        assignments = assignment_list_for_project(
            project=project, article_id=query.validated_data.get("article")
        )
        return Response(AssignmentSerializer(assignments, many=True).data)

    @extend_schema(
        request=AssignmentInputSerializer, responses={201: AssignmentSerializer}
    )
    def post(self, request, project_id: int):
        project = _admin_project(request, project_id)
        data = AssignmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        article = selectors.article_in_project(
            project=project, article_id=data.validated_data["article"]
        )
        if article is None:
            raise serializers.ValidationError(
                {"article": ["No such article in this project."]}
            )
        assignment = assignment_assign(
            article=article,
            annotator=_member(project, data.validated_data["annotator"]),
            assigned_by=request.user,
        )
        return Response(
            AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED
        )


@extend_schema(tags=["assignments"])
class AssignmentDetailApi(APIView):
    """Move (PATCH ``{"annotator"}``) or release (DELETE) an assignment (admins)."""

    def _assignment(self, request, project_id: int, assignment_id: int):
        project = _admin_project(request, project_id)
        assignment = assignment_get_in_project(
            project=project, assignment_id=assignment_id
        )
        if assignment is None:
            raise Http404("No such assignment.")
        return project, assignment

    @extend_schema(
        request=AssignmentChangeSerializer, responses={200: AssignmentSerializer}
    )
    def patch(self, request, project_id: int, assignment_id: int):
        project, assignment = self._assignment(request, project_id, assignment_id)
        data = AssignmentChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        moved = assignment_move(
            assignment=assignment,
            to_annotator=_member(project, data.validated_data["annotator"]),
            moved_by=request.user,
            discard_draft=data.validated_data["discard_draft"],
        )
        return Response(AssignmentSerializer(moved).data)

    @extend_schema(
        parameters=[OpenApiParameter("discard_draft", bool)],
        responses={200: AssignmentSerializer},
    )
    def delete(self, request, project_id: int, assignment_id: int):
        _project, assignment = self._assignment(request, project_id, assignment_id)
        discard = request.query_params.get("discard_draft", "").lower() in {
            "1",
            "true",
            "yes",
        }
        released = assignment_release(
            assignment=assignment, released_by=request.user, discard_draft=discard
        )
        return Response(AssignmentSerializer(released).data)


class CalibrationInputSerializer(serializers.Serializer):
    share = serializers.FloatField(min_value=0.0, max_value=1.0)


@extend_schema(tags=["projects"])
class ProjectCalibrationApi(APIView):
    """Set the calibration share and mark calibration articles (admins)."""

    @extend_schema(
        request=CalibrationInputSerializer,
        responses=inline_serializer(
            "CalibrationResponse",
            {
                "calibration_share": serializers.FloatField(),
                "calibration_articles": serializers.IntegerField(),
            },
        ),
    )
    def post(self, request, project_id: int):
        project = _admin_project(request, project_id)
        data = CalibrationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = calibration_mark(project=project, share=data.validated_data["share"])
        return Response(
            {
                "calibration_share": project.calibration_share,
                "calibration_articles": count,
            }
        )
