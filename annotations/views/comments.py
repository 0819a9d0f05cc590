"""The comments panel of an article (annotation page and adjudication page), through htmx.

GET renders the panel, POST adds a comment and renders it again; a refused
comment (400) comes back as the panel with the message and the typed text,
retargeted to the panel (``static/js/errors.js`` swaps it in). Reads through
``selectors.comments``, writes through ``services.comments.comment_add``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from annotations import permissions, selectors
from annotations.selectors.comments import comment_addressees, comment_list_for_user
from annotations.services.comments import comment_add


@require_http_methods(["GET", "POST"])
@login_required
def article_comments(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    article = selectors.article_get_for_user(user=request.user, article_id=pk)
    if article.project.slug != slug:
        raise Http404("No such article.")
    errors: list[str] = []
    body = ""
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            comment_add(
                article=article,
                author=request.user,
                body=body,
                annotator=request.POST.get("annotator") or None,
            )
            body = ""
        except ValidationError as error:
            errors = [m for ms in error.message_dict.values() for m in ms]
    role = article.project.user_role
    can_review = permissions.can_review(role)
    response = render(
        request,
        "annotations/_comments.html",
        {
            "project": article.project,
            "article": article,
            "loaded": True,
            "comments": comment_list_for_user(user=request.user, article=article),
            "may_write": permissions.can_annotate(role),
            "can_review": can_review,
            "addressees": comment_addressees(article=article) if can_review else [],
            "errors": errors,
            "body": body,
        },
        status=400 if errors else 200,
    )
    if errors:
        response["HX-Retarget"] = "#comments"
    return response
