"""Adjudication pages: every annotator's work side by side, one click into gold.

``/projects/<slug>/review/<id>/`` shows the submitted annotations of an article
as a table (one row per distinct span or question, one column per annotator,
plus gold; rows from the leaf ``adjudication_rows``), highlights disagreements
and lets the reviewer accept, remove, relabel or add spans, pick answers, write
a note and submit; ``static/js/review.js`` adds the keyboard (j/k, a/x, digits,
``?``).

Each POST calls one use case of ``services.adjudication``. Success answers an
htmx request with the ``adjudication`` partial and a plain form post with a
redirect, so the page works without JavaScript. A refusal (400 for what the
reviewer can fix, 409 when the gold changed meanwhile) answers htmx with the
message alone, retargeted (``HX-Retarget``) to the error slot of the form that
caused it (``#<form id>-errors``; the page-wide ``#review-errors`` for
conflicts), so nothing the reviewer typed is swapped away. Admins and
reviewers only: annotators get 403, non-members 404.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from annotations import permissions, selectors
from annotations.adjudication_rows import Submitted, review_rows
from annotations.errors import ConflictError
from annotations.models import Article, Project
from annotations.selectors.agreement import gold_for_article, review_annotations
from annotations.services.adjudication import (
    gold_answer_set,
    gold_finish,
    gold_span_accept,
    gold_span_relabel,
    gold_span_remove,
    gold_working_copy,
)

TEMPLATE = "annotations/review/article.html"
PAGE_ERRORS = "#review-errors"
FORM_ID = re.compile(r"^[a-z][a-z0-9-]{0,60}$")


def review_project(request: HttpRequest, slug: str) -> Project:
    """The project of a review page: 404 for non-members, 403 for other roles."""
    project = selectors.project_get_for_user(user=request.user, slug=slug)
    if not permissions.can_review(project.user_role):
        raise PermissionDenied(_("Only reviewers and admins adjudicate."))
    return project


def _article(project: Project, pk: int) -> Article:
    article = selectors.article_in_project(project=project, article_id=pk)
    if article is None:
        raise Http404("No such article.")
    return article


@require_GET
@login_required
def review_article(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = review_project(request, slug)
    article = _article(project, pk)
    template = TEMPLATE + ("#adjudication" if request.htmx else "")
    return render(request, template, review_context(article))


def review_context(article: Article) -> dict:
    """Everything the adjudication page shows, as plain data for the template."""
    scheme = article.project.parsed_scheme
    annotations = review_annotations(article=article)
    gold = gold_for_article(article=article)
    current = gold_working_copy(article=article, gold=gold)
    submitted = [
        Submitted(
            annotation_id=a.pk,
            annotator=a.annotator.get_username(),
            labels=a.labels,
            spans=tuple((s.start, s.end, s.label) for s in a.spans.all()),
        )
        for a in annotations
    ]
    return {
        "project": article.project,
        "article": article,
        "columns": [{"id": a.annotation_id, "name": a.annotator} for a in submitted],
        "gold": gold,
        "gold_current": current,
        "gold_saved": gold is not None,
        "span_labels": scheme.span_labels,
        **review_rows(
            text=article.text, scheme=scheme, submitted=submitted, gold=current
        ),
    }


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError as error:
        raise ValidationError(
            {"version": [_("This page is out of date; reload it.")]}
        ) from error


def _int(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError as error:
        raise ValidationError(
            {name: [_("Select a piece of the text, or type its offsets as numbers.")]}
        ) from error


def _respond(request: HttpRequest, article: Article, action) -> HttpResponse:
    """Run ``action``; answer with the partial, a retargeted refusal, or a redirect."""
    try:
        action()
    except ValidationError as error:
        return _refusal(request, article, error.messages, status=400)
    except ConflictError as error:
        return _refusal(request, article, [error.message], status=409, page=True)
    if request.htmx:
        return render(request, TEMPLATE + "#adjudication", review_context(article))
    return redirect(_page_url(article))


def _refusal(
    request: HttpRequest,
    article: Article,
    errors: list[str],
    *,
    status: int,
    page: bool = False,
) -> HttpResponse:
    """The refusal in place: next to the form (htmx), or as messages after a redirect."""
    if not request.htmx:
        for error in dict.fromkeys(errors):
            messages.error(request, error)
        return redirect(_page_url(article))
    trigger = request.htmx.trigger or ""
    target = PAGE_ERRORS
    if not page and FORM_ID.match(trigger):
        target = f"#{trigger}-errors"
    response = render(
        request,
        "annotations/review/_refusal.html",
        {"errors": list(dict.fromkeys(errors)), "reload": page, "article": article},
        status=status,
    )
    return reswap(retarget(response, target), "innerHTML")


def _page_url(article: Article) -> str:
    return reverse(
        "annotations:review-article",
        kwargs={"slug": article.project.slug, "pk": article.pk},
    )


def gold_action(edit):
    """A POST view around ``edit(request, article)``: roles, lookup and the answer.

    ``edit`` calls one use case of ``services.adjudication``; ``_respond`` turns its
    refusals into messages in place.
    """

    @require_POST
    @login_required
    @functools.wraps(edit)
    def view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        article = _article(review_project(request, slug), pk)
        return _respond(request, article, lambda: edit(request, article))

    return view


@gold_action
def review_span(request: HttpRequest, article: Article) -> None:
    """Accept (``action=accept``), remove (``remove``) or relabel (``relabel``) a span."""
    version = _version(request)
    start, end = _int(request, "start"), _int(request, "end")
    span = {"start": start, "end": end, "label": request.POST.get("label", "")}
    action = request.POST.get("action", "accept")
    if action == "relabel":
        gold_span_relabel(
            article=article,
            reviewer=request.user,
            new_label=request.POST.get("new_label", ""),
            version=version,
            **span,
        )
    elif action == "remove":
        gold_span_remove(
            article=article, reviewer=request.user, version=version, **span
        )
    else:
        gold_span_accept(
            article=article, reviewer=request.user, version=version, **span
        )


@gold_action
def review_answer(request: HttpRequest, article: Article) -> None:
    """Set the gold answer of one question (``value`` may be a comma list for multi)."""
    key = request.POST.get("question", "")
    question = article.project.parsed_scheme.question(key)
    if question is None:
        raise ValidationError(
            {"question": [_("This project has no such question; reload the page.")]}
        )
    values = request.POST.getlist("value")
    if question.multiple:
        value: Any = [v for raw in values for v in raw.split(",") if v]
    else:
        value = values[0] if values else None
    gold_answer_set(
        article=article,
        reviewer=request.user,
        question=key,
        value=value,
        version=_version(request),
    )


@gold_action
def review_finish(request: HttpRequest, article: Article) -> None:
    """Save the note and keep as draft (``status=draft``) or submit the gold."""
    gold_finish(
        article=article,
        reviewer=request.user,
        version=_version(request),
        note=request.POST.get("note", ""),
        status=request.POST.get("status", "submitted"),
    )
