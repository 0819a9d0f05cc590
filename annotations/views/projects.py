from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from annotations import permissions, selectors


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My projects."""
    projects = selectors.project_list_for_user(user=request.user).annotate(
        article_count=Count("articles", distinct=True)
    )
    return render(request, "annotations/home.html", {"projects": projects})


@require_GET
@login_required
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, slug=slug)
    role = project.user_role
    articles = selectors.article_list_for_user(user=request.user, project=project)
    context = {
        "project": project,
        "role": role,
        "can_manage": permissions.can_manage_project(role),
        "can_review": permissions.can_review(role),
        "article_count": articles.count(),
        "articles": articles.only("id", "title", "imported_at")[:50]
        if permissions.can_read_all_articles(role)
        else [],
        "guideline": selectors.guideline_current(project=project),
        "scheme": project.parsed_scheme,
    }
    if permissions.can_review(role):
        from annotations.views.dashboard import dashboard_context

        context.update(dashboard_context(project=project, role=role))
    return render(request, "annotations/project_detail.html", context)
