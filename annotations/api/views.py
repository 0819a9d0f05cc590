from drf_spectacular.utils import extend_schema
from rest_framework import generics, viewsets

from annotations import selectors
from annotations.api.serializers import ArticleSerializer, ProjectSerializer


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
