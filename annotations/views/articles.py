"""The article manager: ``/projects/<slug>/articles/`` (admins and reviewers).

The page lists the project's articles with filters (``ArticleFilterForm``),
sorting and keyset pages (``?after=`` is the last row's sort key); the count is
its own request (``articles/count/``, loaded by htmx after the rows) so a count
capped at 10,000 never slows the first paint. With ``HX-Request`` the list URL
answers the ``article-results`` partial. Admins get check boxes and the bulk
actions (``articles/bulk/``): assign, pre-annotate again, remove from or return
to the queue, delete (a confirmation page with the counts first). Reads go
through ``selectors.article_list``/``article_manager``, writes through
``services.article_bulk``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from annotations import permissions
from annotations.models import Project
from annotations.selectors.article_list import BadCursor, article_count, article_page
from annotations.selectors.article_manager import (
    article_delete_preview,
    article_manager_project,
    manager_options,
)
from annotations.services import article_bulk as bulk
from annotations.views.article_forms import ArticleFilterForm, BulkActionForm

TEMPLATE = "annotations/articles/list.html"
#: A stand-in id: each row's links are made from one reversed URL per kind, not
#: three ``{% url %}`` per row (a sixth of the page's time at 50 rows).
_PK = 987654321
LINKS = {
    "view": "annotations:article-annotate",
    "review": "annotations:review-article",
    "history": "annotations:article-history",
}


def _row_links(project: Project, rows: list) -> list[tuple]:
    """Each row with the URLs of its article view, review and history."""
    shapes = {
        key: reverse(name, kwargs={"slug": project.slug, "pk": _PK}).rpartition(
            f"/{_PK}/"
        )
        for key, name in LINKS.items()
    }
    return [
        (
            row,
            {
                key: f"{head}/{row.pk}/{tail}"
                for key, (head, _sep, tail) in shapes.items()
            },
        )
        for row in rows
    ]


def _query(request: HttpRequest, *, drop: tuple[str, ...] = ("after",)) -> str:
    query = request.GET.copy()
    for key in drop:
        query.pop(key, None)
    return query.urlencode()


@require_GET
@login_required
def article_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The manager page (or its results partial); 400 with messages in place for bad filters."""
    project = article_manager_project(user=request.user, slug=slug)
    options = manager_options(project=project)
    form = ArticleFilterForm(request.GET, options=options)
    page = None
    if form.is_valid():
        try:
            page = article_page(project=project, filters=form.filters())
        except BadCursor as error:
            form.add_error(None, str(error))
    context = {
        "project": project,
        "form": form,
        "page": page,
        "rows": _row_links(project, page.rows) if page else [],
        "options": options,
        "query": _query(request),
        "can_manage": permissions.can_manage_project(project.user_role),
        "bulk_form": BulkActionForm(options=options),
    }
    template = TEMPLATE + ("#article-results" if request.htmx else "")
    status = 400 if form.errors else 200
    return render(request, template, context, status=status)


@require_GET
@login_required
def article_list_count(request: HttpRequest, slug: str) -> HttpResponse:
    """How many articles match the filters (capped): the manager loads it lazily."""
    project = article_manager_project(user=request.user, slug=slug)
    form = ArticleFilterForm(request.GET, options=manager_options(project=project))
    count, capped = (0, False)
    if form.is_valid():
        count, capped = article_count(project=project, filters=form.filters())
    context = {"count": count, "capped": capped, "valid": form.is_valid()}
    return render(request, TEMPLATE + "#article-count", context)


@require_POST
@login_required
def article_bulk(request: HttpRequest, slug: str) -> HttpResponse:
    """One bulk action on the checked articles (admins); delete asks first."""
    project = article_manager_project(user=request.user, slug=slug, manage=True)
    options = manager_options(project=project)
    form = BulkActionForm(request.POST, options=options)
    if not form.is_valid():
        return _bulk_page(request, project, form, status=400)
    data = form.cleaned_data
    ids = data["articles"]
    try:
        if data["action"] == "delete" and data["confirm"] is None:
            preview = article_delete_preview(project=project, ids=ids)
            return _bulk_page(request, project, form, preview=preview)
        _run(request, project, form)
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _bulk_page(request, project, form, status=400)
    url = reverse("annotations:article-list", kwargs={"slug": project.slug})
    return redirect(url + form.back_query())


def _run(request: HttpRequest, project: Project, form: BulkActionForm) -> None:
    data = form.cleaned_data
    ids, action = data["articles"], data["action"]
    if action == "assign":
        result = bulk.articles_assign(
            project=project,
            article_ids=ids,
            annotator=data["annotator"],
            assigned_by=request.user,
        )
        messages.success(
            request,
            _("%(n)s article(s) assigned to %(name)s.")
            % {"n": result.done, "name": data["annotator"]},
        )
        for pk, reason in result.refused[:20]:
            messages.warning(
                request, _("Article %(pk)s: %(reason)s") % {"pk": pk, "reason": reason}
            )
    elif action == "preannotate":
        job = bulk.articles_preannotate_again(
            project=project, article_ids=ids, created_by=request.user
        )
        messages.success(
            request,
            _("Pre-annotation queued for %(n)s article(s) (job %(job)s).")
            % {"n": job.total, "job": job.pk},
        )
    elif action in ("dequeue", "enqueue"):
        result = bulk.articles_set_queued(
            project=project, article_ids=ids, in_queue=action == "enqueue"
        )
        text = (
            _("%(n)s article(s) returned to the queue.")
            if action == "enqueue"
            else _("%(n)s article(s) removed from the queue.")
        )
        messages.success(request, text % {"n": result.done})
    else:
        deleted = bulk.articles_delete(
            project=project, article_ids=ids, expected=data["confirm"]
        )
        messages.success(request, _("%(n)s article(s) deleted.") % {"n": deleted})


def _bulk_page(
    request: HttpRequest,
    project: Project,
    form: BulkActionForm,
    *,
    preview=None,
    status: int = 200,
) -> HttpResponse:
    """The delete confirmation, or the refused action with its messages in place."""
    context = {
        "project": project,
        "form": form,
        "preview": preview,
        "ids": form.cleaned_data.get("articles", [])
        if hasattr(form, "cleaned_data")
        else [],
        "back": form.back_query() if hasattr(form, "cleaned_data") else "",
    }
    return render(request, "annotations/articles/bulk.html", context, status=status)
