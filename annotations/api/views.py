from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import selectors
from annotations.api.permissions import require_annotate
from annotations.api.serializers import (
    AnnotationInputSerializer,
    AnnotationSerializer,
    ArticleSerializer,
    JobSerializer,
    ProjectSerializer,
)
from annotations.choices import Role
from annotations.models import Annotation
from annotations.services.annotations import annotation_save
from annotations.services.queue import assignment_claim


@extend_schema(tags=["projects"])
class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Projects the caller is a member of, with their scheme and guideline version."""

    serializer_class = ProjectSerializer

    def get_queryset(self):
        return selectors.project_list_with_guideline_numbers(user=self.request.user)


@extend_schema(tags=["articles"])
class ProjectArticleListApi(generics.ListAPIView):
    """Articles of a project that the caller may open (annotators: their own work only)."""

    serializer_class = ArticleSerializer

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
        annotation = (
            Annotation.objects.filter(article=article, annotator=request.user)
            .select_related("guideline_version", "annotator")
            .prefetch_related("spans")
            .first()
        )
        if annotation is None:
            raise Http404("You have not saved an annotation of this article yet.")
        return Response(AnnotationSerializer(annotation).data)

    @extend_schema(
        request=AnnotationInputSerializer,
        responses={200: AnnotationSerializer, 201: AnnotationSerializer},
    )
    def put(self, request, article_id: int):
        article = self._article(article_id)
        data = AnnotationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if article.project.user_role == Role.ANNOTATOR:
            assignment_claim(article=article, user=request.user)
        version = data.validated_data.get("version")
        annotation = annotation_save(
            article=article,
            annotator=request.user,
            spans=data.validated_data["spans"],
            labels=data.validated_data["labels"],
            status=data.validated_data["status"],
            version=version,
            lead_time_ms=data.validated_data.get("lead_time_ms"),
            skip_reason=data.validated_data["skip_reason"],
        )
        annotation = (
            Annotation.objects.select_related("guideline_version", "annotator")
            .prefetch_related("spans")
            .get(pk=annotation.pk)
        )
        return Response(
            AnnotationSerializer(annotation).data,
            status=status.HTTP_201_CREATED if version is None else status.HTTP_200_OK,
        )


@extend_schema(tags=["jobs"])
class JobDetailApi(generics.RetrieveAPIView):
    """Progress of background work (pre-annotation, exports, releases, training)."""

    serializer_class = JobSerializer

    def get_object(self):
        return selectors.job_get_for_user(
            user=self.request.user, job_id=self.kwargs["job_id"]
        )
