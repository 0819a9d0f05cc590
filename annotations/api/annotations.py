"""Annotations: the caller's own (my-annotation) and the scoped list.

``PUT my-annotation`` calls the one use case ``services.annotations.annotation_submit``
(claim, adjudication freeze, optimistic lock, save), as the annotation page does.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import (
    PermissionDenied,
)
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import selectors
from annotations.api.filters import AnnotationFilter
from annotations.api.pagination import IdCursorPagination
from annotations.api.permissions import require_annotate
from annotations.api.serializers import (
    AnnotationInputSerializer,
    AnnotationSerializer,
)
from annotations.selectors.annotations import (
    annotation_list_empty,
    annotation_list_for_user,
)
from annotations.selectors.annotators import annotator_pseudonym
from annotations.selectors.workspace import annotation_get_own_with_spans
from annotations.services.annotations import AnnotationInput, annotation_submit


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
        annotation = annotation_get_own_with_spans(user=request.user, article=article)
        if annotation is None:
            raise Http404("You have not saved an annotation of this article yet.")
        return Response(AnnotationSerializer(annotation).data)

    @extend_schema(
        request=AnnotationInputSerializer,
        responses={200: AnnotationSerializer, 201: AnnotationSerializer},
    )
    def put(self, request, article_id: int):
        article = self._article(article_id)
        body = AnnotationInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = AnnotationInput(**body.validated_data)
        annotation_submit(user=request.user, article=article, data=data)
        saved = annotation_get_own_with_spans(user=request.user, article=article)
        created = data.version is None
        return Response(
            AnnotationSerializer(saved).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
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
            return annotation_list_empty()
        self.project = selectors.project_get_for_user(
            user=self.request.user, pk=self.kwargs["project_id"]
        )
        try:
            queryset, self.names_visible = annotation_list_for_user(
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
        return annotator_pseudonym(project_id=self.project_id, user_id=user_id)
