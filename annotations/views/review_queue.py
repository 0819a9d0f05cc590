"""The review queue page: ``/projects/<slug>/review/`` (admins and reviewers).

Query parameters (all optional, kept in the page's links): ``min_submitted``
(articles with at least that many submitted annotations, default 1),
``label``, ``annotator``, ``question`` (answered differently), ``disagreement``
(``yes``/``no``), ``gold`` (``open``/``final``), ``order`` (``disagreement``:
most first) and ``page``. The minimum is a query parameter, not a project
setting: it is how one reviewer looks at the queue today, not a property of the
project. Invalid values answer 400 with the message next to the field. The
selector ``selectors.review_queue`` does the reading; ``static/js/review.js``
adds j/k (or arrows) and Enter.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from annotations.agreement.disagreement import SPANS
from annotations.choices import GoldStatus
from annotations.models import Project
from annotations.selectors.review_queue import (
    GOLD_FINAL,
    GOLD_OPEN,
    ORDER_DISAGREEMENT,
    ReviewQueue,
    ReviewQueueFilters,
    review_queue,
)
from annotations.views.review import review_project

MAX_MIN_SUBMITTED = 50
MAX_PAGE = 100_000
PAGE_SIZE = 50


class ReviewQueueForm(forms.Form):
    """The queue's filters; label and question choices come from the scheme."""

    min_submitted = forms.IntegerField(
        label=gettext_lazy("At least … submitted"),
        min_value=1,
        max_value=MAX_MIN_SUBMITTED,
        required=False,
    )
    label = forms.ChoiceField(label=gettext_lazy("Span label"), required=False)
    annotator = forms.CharField(
        label=gettext_lazy("Annotator"), max_length=150, required=False
    )
    question = forms.ChoiceField(
        label=gettext_lazy("Answers differ on"), required=False
    )
    disagreement = forms.ChoiceField(
        label=gettext_lazy("Disagreement"),
        required=False,
        choices=[
            ("", gettext_lazy("any")),
            ("yes", gettext_lazy("annotators disagree")),
            ("no", gettext_lazy("annotators agree")),
        ],
    )
    gold = forms.ChoiceField(
        label=gettext_lazy("Gold"),
        required=False,
        choices=[
            ("", gettext_lazy("any")),
            (GOLD_OPEN, gettext_lazy("not final yet")),
            (GOLD_FINAL, gettext_lazy("final")),
        ],
    )
    order = forms.ChoiceField(
        label=gettext_lazy("Order"),
        required=False,
        choices=[
            ("", gettext_lazy("without final gold first")),
            (ORDER_DISAGREEMENT, gettext_lazy("most disagreement first")),
        ],
    )
    page = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        scheme = project.parsed_scheme
        self.fields["label"].choices = [("", _("any"))] + [
            (label.key, label.name) for label in scheme.span_labels
        ]
        self.fields["question"].choices = [("", _("any"))] + [
            (question.key, question.name) for question in scheme.questions
        ]

    def filters(self) -> ReviewQueueFilters:
        data = self.cleaned_data
        return ReviewQueueFilters(
            min_submitted=data["min_submitted"] or 1,
            label=data["label"],
            annotator=data["annotator"].strip(),
            question=data["question"],
            disagreement=data["disagreement"],
            gold=data["gold"],
            order=data["order"],
            page=data["page"] or 1,
            per_page=PAGE_SIZE,
        )


@require_GET
@login_required
def review_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The queue with its filters; 400 with the message in place for bad filters."""
    project = review_project(request, slug)
    form = ReviewQueueForm(request.GET, project=project)
    queue = None
    if form.is_valid():
        queue = review_queue(project=project, filters=form.filters())
        if queue.unknown_annotator:
            form.add_error(
                "annotator",
                _("Nobody called “%(name)s” has submitted work in this project.")
                % {"name": form.cleaned_data["annotator"]},
            )
    context = {
        "project": project,
        "form": form,
        "queue": queue,
        "rows": _rows(project, queue),
        "query": _query_without_page(request),
    }
    status = 400 if form.errors else 200
    return render(request, "annotations/review/list.html", context, status=status)


def _rows(project: Project, queue: ReviewQueue | None) -> list[dict]:
    """Each item with its score in per cent and the disputed parts by name."""
    if queue is None:
        return []
    names = {q.key: q.name for q in project.parsed_scheme.questions}
    names[SPANS] = _("spans")
    return [
        {
            "item": item,
            "percent": None if item.score is None else round(item.score * 100),
            "disputed": [names.get(part, part) for part in item.disagreement.disputed],
            "gold": GoldStatus(item.gold_status).label if item.gold_status else "",
        }
        for item in queue.items
    ]


def _query_without_page(request: HttpRequest) -> str:
    """The current filters as a query string, for the pagination links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
