""" "My projects" and the project page (with the dashboard for admins and reviewers).

Reads through ``selectors.projects`` (the project list with article counts,
the project overview) and, for the dashboard, ``views.dashboard``.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from annotations import permissions, selectors
from annotations.selectors.projects import (
    project_list_with_article_counts,
    project_overview,
)
from annotations.views.dashboard import dashboard_context


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My projects."""
    projects = project_list_with_article_counts(user=request.user)
    return render(request, "annotations/home.html", {"projects": projects})


@require_GET
@login_required
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The project: scheme, articles, guidelines version; the dashboard for reviewers."""
    project = selectors.project_get_for_user(user=request.user, slug=slug)
    role = project.user_role
    overview = project_overview(user=request.user, project=project)
    context = {
        "project": project,
        "role": role,
        "can_manage": permissions.can_manage_project(role),
        "can_review": permissions.can_review(role),
        "article_count": overview.article_count,
        "articles": overview.articles,
        "guideline": overview.guideline,
        "scheme": project.parsed_scheme,
    }
    if permissions.can_review(role):
        context.update(dashboard_context(project=project, role=role))
    return render(request, "annotations/project_detail.html", context)
