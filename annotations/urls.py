from django.urls import path

from annotations.views import (
    account,
    dashboard,
    exports,
    feedback,
    projects,
    review,
    review_queue,
    workspace,
)
from annotations.views import guidelines as guideline_views
from annotations.views import history as history_views
from annotations.views import models as model_views
from annotations.views import preannotation as preannotation_views
from annotations.views import settings as settings_views

app_name = "annotations"

urlpatterns = [
    path("", projects.home, name="home"),
    path("projects/<slug:slug>/", projects.project_detail, name="project-detail"),
    path(
        "projects/<slug:slug>/annotate/", workspace.annotate_next, name="annotate-next"
    ),
    path(
        "projects/<slug:slug>/progress/",
        workspace.project_progress,
        name="project-progress",
    ),
    path(
        "projects/<slug:slug>/articles/<id:pk>/",
        workspace.article_annotate,
        name="article-annotate",
    ),
    path(
        "projects/<slug:slug>/articles/<id:pk>/save/",
        workspace.article_save,
        name="article-save",
    ),
    path(
        "projects/<slug:slug>/articles/<id:pk>/reopen/",
        workspace.article_reopen,
        name="article-reopen",
    ),
    path("projects/<slug:slug>/review/", review_queue.review_list, name="review-list"),
    path(
        "projects/<slug:slug>/review/<id:pk>/",
        review.review_article,
        name="review-article",
    ),
    path(
        "projects/<slug:slug>/review/<id:pk>/spans/",
        review.review_span,
        name="review-span",
    ),
    path(
        "projects/<slug:slug>/review/<id:pk>/answers/",
        review.review_answer,
        name="review-answer",
    ),
    path(
        "projects/<slug:slug>/review/<id:pk>/finish/",
        review.review_finish,
        name="review-finish",
    ),
    path("projects/<slug:slug>/dashboard/", dashboard.dashboard, name="dashboard"),
    path("projects/<slug:slug>/feedback/", feedback.feedback_list, name="feedback"),
    path("new-project/", settings_views.project_new, name="project-new"),
    path(
        "projects/<slug:slug>/settings/",
        settings_views.settings_general,
        name="settings",
    ),
    path(
        "projects/<slug:slug>/settings/scheme/",
        settings_views.scheme_edit,
        name="settings-scheme",
    ),
    path(
        "projects/<slug:slug>/settings/scheme/apply/",
        settings_views.scheme_apply,
        name="settings-scheme-apply",
    ),
    path(
        "projects/<slug:slug>/settings/members/",
        settings_views.members,
        name="settings-members",
    ),
    path(
        "projects/<slug:slug>/settings/members/<str:username>/",
        settings_views.member_change,
        name="settings-member",
    ),
    path(
        "projects/<slug:slug>/settings/guidelines/",
        settings_views.guidelines_edit,
        name="settings-guidelines",
    ),
    path(
        "projects/<slug:slug>/settings/guidelines/preview/",
        settings_views.guidelines_preview,
        name="settings-guidelines-preview",
    ),
    path(
        "projects/<slug:slug>/settings/guidelines/diff/",
        settings_views.guidelines_diff,
        name="settings-guidelines-diff",
    ),
    path(
        "projects/<slug:slug>/settings/clone/",
        settings_views.project_clone,
        name="settings-clone",
    ),
    path(
        "projects/<slug:slug>/guidelines/",
        guideline_views.guidelines_read,
        name="guidelines",
    ),
    path(
        "projects/<slug:slug>/guidelines/acknowledge/",
        guideline_views.guidelines_acknowledge,
        name="guidelines-acknowledge",
    ),
    path(
        "projects/<slug:slug>/history/", history_views.project_history, name="history"
    ),
    path(
        "projects/<slug:slug>/history/export/",
        history_views.project_history_export,
        name="history-export",
    ),
    path(
        "projects/<slug:slug>/articles/<id:pk>/history/",
        history_views.article_history,
        name="article-history",
    ),
    path("account/token/", account.api_token, name="account-token"),
    path("projects/<slug:slug>/exports/", exports.exports_page, name="exports"),
    path(
        "projects/<slug:slug>/exports/download/",
        exports.export_download,
        name="export-download",
    ),
    path(
        "projects/<slug:slug>/exports/jobs/<uuid:job_id>/",
        exports.export_job,
        name="export-job",
    ),
    path(
        "projects/<slug:slug>/exports/releases/",
        exports.release_cut,
        name="release-cut",
    ),
    path(
        "projects/<slug:slug>/preannotation/",
        preannotation_views.preannotation_panel,
        name="preannotation-panel",
    ),
    path("projects/<slug:slug>/models/", model_views.model_panel, name="model-panel"),
    path(
        "projects/<slug:slug>/models/<id:model_id>/switch/",
        model_views.model_switch_view,
        name="model-switch",
    ),
    path(
        "projects/<slug:slug>/models/rollback/",
        model_views.model_rollback_view,
        name="model-rollback",
    ),
    path(
        "projects/<slug:slug>/models/settings/",
        model_views.model_settings_view,
        name="model-settings",
    ),
]
