"""The pre-annotation panel of the project page: job progress, skipped articles, a run button."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from annotations import permissions, selectors
from annotations.choices import JobKind, JobStatus
from annotations.models import Article, Job, Prediction
from annotations.services.preannotation_quality import preannotation_quality


def panel_context(project) -> dict:
    latest_job = (
        Job.objects.filter(project=project, kind=JobKind.PREANNOTATE)
        .order_by("-created_at")
        .first()
    )
    articles = Article.objects.filter(project=project)
    return {
        "project": project,
        "job": latest_job,
        "job_active": latest_job is not None
        and latest_job.status in {JobStatus.QUEUED, JobStatus.RUNNING},
        "article_count": articles.count(),
        "predicted_count": articles.filter(predictions__isnull=False)
        .distinct()
        .count(),
        "skipped": articles.exclude(preannotation_skipped_reason="")
        .exclude(predictions__isnull=False)
        .values("id", "title", "preannotation_skipped_reason")[:20],
        "quality": preannotation_quality(project=project),
        "versions": Prediction.objects.filter(article__project=project)
        .values_list("pipeline", "pipeline_version")
        .distinct()
        .order_by("pipeline", "pipeline_version"),
    }


@require_http_methods(["GET", "POST"])
@login_required
def preannotation_panel(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the panel (polled while a job runs). POST (admins): queue a new run."""
    project = selectors.project_get_for_user(user=request.user, slug=slug)
    if not permissions.can_review(project.user_role):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        if not permissions.can_manage_project(project.user_role):
            raise PermissionDenied
        from annotations.services.preannotation import preannotation_schedule

        try:
            preannotation_schedule(project=project, created_by=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        if not request.htmx:  # plain form post without JavaScript
            if error:
                messages.error(request, error)
            return redirect("annotations:project-detail", slug=project.slug)
    context = {
        **panel_context(project),
        "error": error,
        "can_manage": permissions.can_manage_project(project.user_role),
    }
    return render(request, "annotations/_preannotation_panel.html", context)
