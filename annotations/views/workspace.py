"""The annotator's workspace: next article, the annotation page, saving through htmx.

Thin views: reads through ``selectors.workspace``, writes through one use case
each (``annotation_submit`` for save, submit and skip; ``annotation_reopen``;
the queue's ``assignment_next`` for handing out work; pages never claim).
The page is server-rendered; ``static/annotations/workspace.js`` adds the text
selection, the shortcuts and a debounced autosave that posts the form below.
Saves answer with the ``_save_state.html`` fragment (200, 400 for invalid
input, 409 for a stale version, no free slot or an adjudicated article);
submit and skip answer with an htmx redirect to the next article.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from annotations import permissions, selectors
from annotations.choices import AnnotationStatus
from annotations.errors import ConflictError
from annotations.models import Annotation, Article, GuidelineVersion
from annotations.scheme import parse_scheme
from annotations.selectors import workspace as workspace_selectors
from annotations.services.annotations import annotation_submit
from annotations.services.guidelines import LabelHelp, guidelines_render, label_help
from annotations.services.queue import assignment_next
from annotations.services.workspace import annotation_reopen
from annotations.views import workspace_parts as parts
from annotations.views.workspace_form import (
    int_or_none,
    posted_version,
    save_input,
)


@require_GET
@login_required
def project_progress(request: HttpRequest, slug: str) -> HttpResponse:
    """The caller's progress bar in a project (fragment, loaded by "my projects")."""
    project = selectors.project_get_for_user(user=request.user, slug=slug)
    progress = workspace_selectors.progress_for_user(user=request.user, project=project)
    return render(
        request,
        "annotations/workspace/_progress.html",
        {"project": project, "progress": progress},
    )


@require_GET
@login_required
def annotate_next(request: HttpRequest, slug: str) -> HttpResponse:
    """Redirect to the caller's next article, or say that nothing is left."""
    project = selectors.project_get_for_user(user=request.user, slug=slug)
    if not permissions.can_annotate(project.user_role):
        return redirect("annotations:project-detail", slug=project.slug)
    try:  # "Next article" names the page it came from; a bad value is ignored
        after = int_or_none(request.GET.get("after"), "after")
    except ValidationError:
        after = None
    article = assignment_next(project=project, user=request.user, other_than=after)
    if article is None:
        progress = workspace_selectors.progress_for_user(
            user=request.user, project=project
        )
        return render(
            request,
            "annotations/workspace/all_done.html",
            {"project": project, "progress": progress, "after": after},
        )
    return redirect("annotations:article-annotate", slug=project.slug, pk=article.pk)


def _article(request: HttpRequest, slug: str, pk: int) -> Article:
    """The article of this project for a member (project.user_role set), or 404."""
    article = selectors.article_get_for_member(user=request.user, article_id=pk)
    if article.project.slug != slug:
        raise Http404("No such article.")
    return article


@functools.lru_cache(maxsize=64)
def _guideline_parts(version: GuidelineVersion) -> tuple[str, tuple[LabelHelp, ...]]:
    """A guideline version as sanitised HTML plus its per-label help.

    Rendered by the one sanitiser of ``services.guidelines``; versions never
    change, so the result is cached per version (model instances hash by pk).
    """
    return (
        guidelines_render(version.text),
        tuple(label_help(parse_scheme(version.scheme), version.text)),
    )


@require_GET
@login_required
def article_annotate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Annotate one article (or view it read-only: ML engineers, finished work).

    Opening a page claims nothing: annotators see only articles handed to them
    or that they annotated (404 otherwise, as the API), and the first save
    claims the slot (``annotation_submit``); "Next article" hands out work.
    """
    article = selectors.article_get_for_user(user=request.user, article_id=pk)
    if article.project.slug != slug:
        raise Http404("No such article.")
    role = article.project.user_role
    may_annotate = permissions.can_annotate(role)
    if not may_annotate and not permissions.can_read_all_articles(role):
        raise Http404("No such article.")
    workspace = workspace_selectors.workspace_get(
        user=request.user, article=article, with_suggestions=may_annotate
    )
    editable = may_annotate and not workspace.finished and not workspace.adjudicated
    scheme = workspace.scheme
    guideline_html, help_items = (
        _guideline_parts(workspace.guideline) if workspace.guideline else ("", ())
    )
    return render(
        request,
        "annotations/workspace/article.html",
        {
            "ws": workspace,
            "project": article.project,
            "article": article,
            "may_annotate": may_annotate,
            "editable": editable,
            "can_reopen": may_annotate
            and workspace.finished
            and not workspace.adjudicated,
            "guideline_html": guideline_html,
            "label_help": [h for h in help_items if parts.has_help(h)],
            "client_data": parts.client_data(workspace, editable=editable),
            "questions": parts.questions(scheme, workspace),
            "span_rows": parts.span_rows(workspace.spans, scheme),
            "spans_json": json.dumps(workspace.spans, ensure_ascii=False),
        },
    )


def _save_state(
    request: HttpRequest, article: Article, *, status: int = 200, **context: Any
) -> HttpResponse:
    return render(
        request,
        "annotations/workspace/_save_state.html",
        {"article": article, "project": article.project, **context},
        status=status,
    )


def _refusal(
    request: HttpRequest, article: Article, *, status: int, **context: Any
) -> HttpResponse:
    """A refused save, rendered for the page's save-state slot (errors.js swaps it in)."""
    response = _save_state(request, article, status=status, **context)
    response["HX-Retarget"] = "#save-state"
    return response


@require_POST
@login_required
def article_save(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Save the draft (autosave), submit, or skip; answers with the save-state fragment."""
    article = _article(request, slug, pk)
    if not permissions.can_annotate(article.project.user_role):
        raise PermissionDenied
    version = posted_version(request.POST)
    try:
        data = save_input(request.POST, article.project.parsed_scheme)
        problems = parts.page_problems(article, data)
        if problems:
            return _refusal(
                request, article, status=400, version=version, problems=problems
            )
        annotation = annotation_submit(user=request.user, article=article, data=data)
    except ValidationError as error:
        problems = parts.error_problems(error)
        return _refusal(
            request, article, status=400, version=version, problems=problems
        )
    except ConflictError as error:
        return _refusal(
            request,
            article,
            status=409,
            version=version,
            conflict=error.message,
            current_version=error.current_version,
        )
    if annotation.status == AnnotationStatus.DRAFT:
        return _save_state(
            request,
            article,
            version=annotation.version,
            saved_at=annotation.updated_at,
            span_rows=parts.span_rows(
                workspace_selectors.annotation_span_dicts(annotation=annotation),
                article.project.parsed_scheme,
            ),
            editable=True,
            oob=True,
        )
    if annotation.status == AnnotationStatus.SUBMITTED:
        messages.success(request, _("Submitted. Here is your next article."))
    else:
        messages.info(request, _("Skipped. Here is your next article."))
    return HttpResponseClientRedirect(
        reverse("annotations:annotate-next", kwargs={"slug": article.project.slug})
    )


@require_POST
@login_required
def article_reopen(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Reopen the caller's submitted or skipped annotation as a draft."""
    article = _article(request, slug, pk)
    if not permissions.can_annotate(article.project.user_role):
        raise PermissionDenied
    try:
        annotation_reopen(
            user=request.user,
            article=article,
            version=int_or_none(request.POST.get("version"), "version"),
        )
    except Annotation.DoesNotExist as error:
        raise Http404("No annotation to reopen.") from error
    except (ConflictError, ValidationError) as error:
        messages.error(request, getattr(error, "message", None) or str(error))
    url = reverse(
        "annotations:article-annotate",
        kwargs={"slug": article.project.slug, "pk": article.pk},
    )
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
