"""``GET, POST /api/v1/articles/{id}/comments/``: comments between annotators and reviewers.

Members who may open the article (annotators: handed to them or annotated by
them; 404 otherwise) read what ``selectors.comments`` lets them read; writing
is ``services.comments.comment_add`` (400 with field messages, 403 for ML
engineers).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import selectors
from annotations.selectors.comments import comment_list_for_user
from annotations.services.comments import MAX_BODY, comment_add


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.CharField(
        help_text="Username, or the author's role for annotators."
    )
    annotator = serializers.CharField(
        allow_null=True,
        help_text="The annotator of the conversation; null: to everyone.",
    )
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    mine = serializers.BooleanField()


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_BODY, allow_blank=True)
    annotator = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Reviewers: the annotator addressed (default: every annotator).",
    )


@extend_schema(tags=["annotations"])
class ArticleCommentsApi(APIView):
    """Comments on an article the caller may open, oldest first."""

    def _article(self, article_id: int):
        return selectors.article_get_for_user(
            user=self.request.user, article_id=article_id
        )

    @extend_schema(responses=CommentSerializer(many=True))
    def get(self, request, article_id: int):
        article = self._article(article_id)
        rows = comment_list_for_user(user=request.user, article=article)
        return Response(CommentSerializer(rows, many=True).data)

    @extend_schema(request=CommentInputSerializer, responses={201: CommentSerializer})
    def post(self, request, article_id: int):
        article = self._article(article_id)
        body = CommentInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = comment_add(
            article=article, author=request.user, **body.validated_data
        )
        rows = comment_list_for_user(user=request.user, article=article)
        row = next(r for r in rows if r.id == comment.pk)
        return Response(CommentSerializer(row).data, status=status.HTTP_201_CREATED)
