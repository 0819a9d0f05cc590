from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from annotations.api import preannotation, views

app_name = "api"

router = SimpleRouter()
router.register("projects", views.ProjectViewSet, basename="project")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path(
        "projects/<int:project_id>/articles/",
        views.ProjectArticleListApi.as_view(),
        name="project-article-list",
    ),
    path(
        "articles/<int:article_id>/",
        views.ArticleDetailApi.as_view(),
        name="article-detail",
    ),
    path(
        "articles/<int:article_id>/my-annotation/",
        views.MyAnnotationApi.as_view(),
        name="my-annotation",
    ),
    path("jobs/<uuid:job_id>/", views.JobDetailApi.as_view(), name="job-detail"),
    path(
        "projects/<int:project_id>/preannotate/",
        preannotation.PreannotateApi.as_view(),
        name="preannotate",
    ),
    path(
        "projects/<int:project_id>/preannotation-quality/",
        preannotation.PreannotationQualityApi.as_view(),
        name="preannotation-quality",
    ),
    path(
        "articles/<int:article_id>/predictions/",
        preannotation.PredictionListApi.as_view(),
        name="article-predictions",
    ),
    *router.urls,
]
