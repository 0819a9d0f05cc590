"""Adjudication pages: every annotator's work side by side, one click into gold.

``/projects/<slug>/review/<id>/`` shows the submitted annotations of an article
as a table (one row per distinct span or question, one column per annotator,
plus gold), highlights disagreements and lets the reviewer accept, remove or
add spans, pick answers, write a note and submit. Each POST answers an htmx
request with the ``adjudication`` partial (the part of the page that changed)
and a plain form post with a redirect, so the page works without JavaScript.
Admins and reviewers only: annotators get 403, non-members 404. Reads come
from the selectors, each POST calls one use case of ``services.adjudication``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import pairwise
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from annotations import permissions, selectors
from annotations.errors import ConflictError
from annotations.models import Annotation, Article, Project
from annotations.scheme import Question, Scheme
from annotations.selectors.agreement import (
    gold_for_article,
    review_annotations,
    review_queue,
)
from annotations.services.adjudication import (
    gold_answer_set,
    gold_finish,
    gold_span_accept,
    gold_span_remove,
    gold_working_copy,
)

TEMPLATE = "annotations/review/article.html"
SpanKey = tuple[int, int, str]


def _project(request: HttpRequest, slug: str) -> Project:
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
def review_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Articles with submitted work, those without final gold first."""
    project = _project(request, slug)
    return render(
        request,
        "annotations/review/list.html",
        {"project": project, "items": review_queue(project=project)},
    )


@require_GET
@login_required
def review_article(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = _project(request, slug)
    article = _article(project, pk)
    template = TEMPLATE + ("#adjudication" if request.htmx else "")
    return render(request, template, review_context(article))


def review_context(article: Article, errors: list[str] | None = None) -> dict:
    """Everything the adjudication page shows, as plain data for the template."""
    scheme = article.project.parsed_scheme
    annotations = review_annotations(article=article)
    gold = gold_for_article(article=article)
    current = gold_working_copy(article=article, gold=gold)
    columns = [
        {"id": a.pk, "name": a.annotator.get_username(), "annotation": a}
        for a in annotations
    ]
    marked = _marked_by(annotations)
    span_rows = _span_rows(article, scheme, columns, marked, current["spans"])
    question_rows = [
        _question_row(question, annotations, current["labels"].get(question.key))
        for question in scheme.questions
    ]
    return {
        "project": article.project,
        "article": article,
        "columns": columns,
        "span_rows": span_rows,
        "question_rows": question_rows,
        "gold": gold,
        "gold_current": current,
        "gold_saved": gold is not None,
        "segments": _segments(article.text, current["spans"], marked),
        "span_labels": scheme.span_labels,
        "errors": errors or [],
        "n_disagreements": sum(r["disagreement"] for r in span_rows)
        + sum(r["disagreement"] for r in question_rows),
    }


def _marked_by(annotations: list[Annotation]) -> dict[SpanKey, set[int]]:
    """Each (start, end, label) to the ids of the annotations that marked it."""
    marked: dict[SpanKey, set[int]] = defaultdict(set)
    for annotation in annotations:
        for span in annotation.spans.all():
            marked[(span.start, span.end, span.label)].add(annotation.pk)
    return marked


def _span_rows(
    article: Article,
    scheme: Scheme,
    columns: list[dict],
    marked: dict[SpanKey, set[int]],
    gold_spans: list[dict],
) -> list[dict]:
    """One row per span anyone marked or the gold has, with who marked it."""
    in_gold = {(s["start"], s["end"], s["label"]) for s in gold_spans}
    keys = sorted(set(marked) | in_gold)
    labels_at = defaultdict(set)
    for start, end, label in keys:
        labels_at[(start, end)].add(label)
    label_names = {label.key: label for label in scheme.span_labels}
    rows = []
    for start, end, label in keys:
        by = marked.get((start, end, label), set())
        partial = 0 < len(by) < len(columns)
        conflict = len(labels_at[(start, end)]) > 1
        rows.append(
            {
                "start": start,
                "end": end,
                "label": label,
                "label_name": getattr(label_names.get(label), "name", label),
                "color": getattr(label_names.get(label), "color", "#888888"),
                "text": article.text[start:end],
                "cells": [c["id"] in by for c in columns],
                "support": len(by),
                "in_gold": (start, end, label) in in_gold,
                "partial": partial,
                "conflict": conflict,
                "disagreement": partial or conflict or not by,
            }
        )
    return rows


def _question_row(
    question: Question, annotations: list[Annotation], gold_value: Any
) -> dict:
    """One question: every annotator's answer, the distinct answers, the gold one."""
    answers = [a.labels.get(question.key) for a in annotations]
    given = [_display(v) for v in answers if v not in (None, [])]
    choices = {c.key: c.name for c in question.choices}
    distinct = list(dict.fromkeys(given))
    counts = Counter(given)
    return {
        "key": question.key,
        "name": question.name,
        "multiple": question.multiple,
        "cells": [
            {"value": _display(v), "names": _names(v, choices), "raw": v}
            for v in answers
        ],
        "options": [{"value": value, "count": counts[value]} for value in distinct],
        "choices": question.choices,
        "gold": _display(gold_value),
        "gold_values": _values(gold_value),
        "gold_names": _names(gold_value, choices),
        "disagreement": len(distinct) > 1 or 0 < len(given) < len(annotations),
    }


def _display(value: Any) -> str:
    if value in (None, []):
        return ""
    if isinstance(value, list):
        return ",".join(value)
    return str(value)


def _values(value: Any) -> list[str]:
    if value in (None, []):
        return []
    return list(value) if isinstance(value, list) else [value]


def _names(value: Any, choices: dict[str, str]) -> str:
    if value in (None, []):
        return ""
    values = value if isinstance(value, list) else [value]
    return ", ".join(choices.get(v, v) for v in values)


def _segments(text: str, gold_spans: list[dict], marked: dict) -> list[dict]:
    """The text cut at every span boundary: gold labels and annotator coverage per piece."""
    bounds = {0, len(text)}
    for span in gold_spans:
        bounds.update((span["start"], span["end"]))
    for start, end, _label in marked:
        bounds.update((start, end))
    points = sorted(b for b in bounds if 0 <= b <= len(text))
    segments = []
    for start, end in pairwise(points):
        if start == end:
            continue
        gold_labels = sorted(
            {s["label"] for s in gold_spans if s["start"] <= start and end <= s["end"]}
        )
        covered = any(s <= start and end <= e for (s, e, _l) in marked)
        segments.append(
            {
                "text": text[start:end],
                "start": start,
                "gold": gold_labels,
                "marked": covered and not gold_labels,
            }
        )
    return segments


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError as error:
        raise ValidationError({"version": ["Not a number."]}) from error


def _int(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError as error:
        raise ValidationError({name: [_("Must be a whole number.")]}) from error


def _respond(request: HttpRequest, article: Article, action) -> HttpResponse:
    """Run ``action`` and answer with the adjudication partial (htmx) or a redirect."""
    errors: list[str] = []
    try:
        action()
    except ValidationError as error:
        errors = [
            f"{field}: {message}" if field != "__all__" else message
            for field, items in error.message_dict.items()
            for message in items
        ]
    except ConflictError as error:
        errors = [error.message]
    if request.htmx:
        return render(
            request, TEMPLATE + "#adjudication", review_context(article, errors)
        )
    for error in errors:
        messages.error(request, error)
    url = reverse(
        "annotations:review-article",
        kwargs={"slug": article.project.slug, "pk": article.pk},
    )
    return redirect(url)


@require_POST
@login_required
def review_span(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Accept (``action=accept``) or remove (``action=remove``) one gold span."""
    project = _project(request, slug)
    article = _article(project, pk)

    def act():
        version = _version(request)
        start, end = _int(request, "start"), _int(request, "end")
        label = request.POST.get("label", "")
        service = (
            gold_span_remove
            if request.POST.get("action") == "remove"
            else gold_span_accept
        )
        service(
            article=article,
            reviewer=request.user,
            start=start,
            end=end,
            label=label,
            version=version,
        )

    return _respond(request, article, act)


@require_POST
@login_required
def review_answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Set the gold answer of one question (``value`` may be a comma list for multi)."""
    project = _project(request, slug)
    article = _article(project, pk)

    def act():
        key = request.POST.get("question", "")
        question = project.parsed_scheme.question(key)
        if question is None:
            raise ValidationError({"question": [f"Unknown question {key!r}."]})
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

    return _respond(request, article, act)


@require_POST
@login_required
def review_finish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Save the note and keep as draft (``status=draft``) or submit the gold."""
    project = _project(request, slug)
    article = _article(project, pk)

    def act():
        gold_finish(
            article=article,
            reviewer=request.user,
            version=_version(request),
            note=request.POST.get("note", ""),
            status=request.POST.get("status", "submitted"),
        )

    return _respond(request, article, act)
