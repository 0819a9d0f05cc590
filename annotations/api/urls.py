from django.urls import path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from annotations.api import annotations as annotations_api
from annotations.api import articles as articles_api
from annotations.api import comments as comments_api
from annotations.api import common, preannotation, project_admin
from annotations.api import exports as exports_api
from annotations.api import jobs as jobs_api
from annotations.api import releases as releases_api
from annotations.api import review as review_api
from annotations.api import training as training_api
from annotations.api.schema import SchemaApi

app_name = "api"

router = SimpleRouter(use_regex_path=False)
router.register("projects", project_admin.ProjectAdminViewSet, basename="project")

urlpatterns = [
    path("schema/", SchemaApi.as_view(), name="schema"),
    path(  # its start script is a URL of its own: no inline script under the CSP
        "docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"
    ),
    path(
        "projects/<id:project_id>/articles/",
        articles_api.ProjectArticleListCreateApi.as_view(),
        name="project-article-list",
    ),
    path(
        "projects/<id:project_id>/annotations/",
        annotations_api.ProjectAnnotationListApi.as_view(),
        name="project-annotation-list",
    ),
    path(
        "projects/<id:project_id>/export/",
        exports_api.ProjectExportApi.as_view(),
        name="project-export",
    ),
    path(
        "projects/<id:project_id>/releases/",
        releases_api.ProjectReleaseListCreateApi.as_view(),
        name="project-release-list",
    ),
    path(
        "releases/<id:release_id>/",
        releases_api.ReleaseDetailApi.as_view(),
        name="release-detail",
    ),
    path(
        "releases/<id:release_id>/files/<str:name>",
        releases_api.ReleaseFileApi.as_view(),
        name="release-file",
    ),
    path(
        "jobs/<uuid:job_id>/download/",
        exports_api.JobDownloadApi.as_view(),
        name="job-download",
    ),
    path(
        "articles/<id:article_id>/",
        articles_api.ArticleDetailApi.as_view(),
        name="article-detail",
    ),
    path(
        "articles/<id:article_id>/comments/",
        comments_api.ArticleCommentsApi.as_view(),
        name="article-comments",
    ),
    path(
        "articles/<id:article_id>/my-annotation/",
        annotations_api.MyAnnotationApi.as_view(),
        name="my-annotation",
    ),
    path("jobs/<uuid:job_id>/", jobs_api.JobDetailApi.as_view(), name="job-detail"),
    path("jobs/<uuid:job_id>/retry/", jobs_api.JobRetryApi.as_view(), name="job-retry"),
    path(
        "jobs/<uuid:job_id>/cancel/",
        jobs_api.JobCancelApi.as_view(),
        name="job-cancel",
    ),
    path(
        "projects/<id:project_id>/models/",
        training_api.TrainedPipelineListApi.as_view(),
        name="project-models",
    ),
    path(
        "projects/<id:project_id>/models/settings/",
        training_api.ModelLoopSettingsApi.as_view(),
        name="project-model-settings",
    ),
    path(
        "projects/<id:project_id>/models/rollback/",
        training_api.PipelineRollbackApi.as_view(),
        name="project-model-rollback",
    ),
    path(
        "projects/<id:project_id>/models/<id:model_id>/switch/",
        training_api.TrainedPipelineSwitchApi.as_view(),
        name="project-model-switch",
    ),
    path(
        "projects/<id:project_id>/preannotate/",
        preannotation.PreannotateApi.as_view(),
        name="preannotate",
    ),
    path(
        "projects/<id:project_id>/preannotation-quality/",
        preannotation.PreannotationQualityApi.as_view(),
        name="preannotation-quality",
    ),
    path(
        "articles/<id:article_id>/predictions/",
        preannotation.PredictionListApi.as_view(),
        name="article-predictions",
    ),
    path(
        "projects/<id:project_id>/members/",
        project_admin.ProjectMemberListApi.as_view(),
        name="project-member-list",
    ),
    path(
        "projects/<id:project_id>/members/<str:username>/",
        project_admin.ProjectMemberDetailApi.as_view(),
        name="project-member-detail",
    ),
    path(
        "projects/<id:project_id>/guidelines/",
        project_admin.ProjectGuidelineListApi.as_view(),
        name="project-guideline-list",
    ),
    # issue 6: agreement, gold, assignments, calibration
    path(
        "projects/<id:project_id>/agreement/",
        review_api.ProjectAgreementApi.as_view(),
        name="project-agreement",
    ),
    path(
        "articles/<id:article_id>/gold/",
        review_api.ArticleGoldApi.as_view(),
        name="article-gold",
    ),
    path(
        "projects/<id:project_id>/assignments/",
        review_api.ProjectAssignmentListApi.as_view(),
        name="project-assignment-list",
    ),
    path(
        "projects/<id:project_id>/assignments/<id:assignment_id>/",
        review_api.AssignmentDetailApi.as_view(),
        name="project-assignment-detail",
    ),
    path(
        "projects/<id:project_id>/calibration/",
        review_api.ProjectCalibrationApi.as_view(),
        name="project-calibration",
    ),
    *router.urls,
    # Anything else under /api/v1/ (a malformed id, a typo): the API's JSON 404,
    # not the site's HTML page (last, so it shadows no route).
    re_path(r"^", common.api_not_found, name="not-found"),
]
