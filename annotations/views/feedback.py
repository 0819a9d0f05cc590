"""Annotators' feedback after adjudication (if the project enables it).

``/projects/<slug>/feedback/`` lists the caller's submitted annotations whose
article has final gold, and where they differ from it: answers, spans the gold
has and they missed, spans they marked and the gold does not have, with the
guideline versions of both. Only the caller's own work and the gold are shown,
never another annotator's. 404 when the project has feedback switched off (or
for non-members).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from annotations import permissions, selectors
from annotations.selectors.agreement import feedback_for_annotator


def feedback_items(project, user) -> list[dict]:
    scheme = project.parsed_scheme
    names = {q.key: q.name for q in scheme.questions}
    items = []
    for entry in feedback_for_annotator(project=project, user=user):
        annotation, gold = entry["annotation"], entry["gold"]
        mine = {(s.start, s.end, s.label): s.text for s in annotation.spans.all()}
        truth = {(s.start, s.end, s.label): s.text for s in gold.spans.all()}
        answers = [
            {
                "question": names.get(key, key),
                "mine": annotation.labels.get(key),
                "gold": gold.labels.get(key),
            }
            for key in names
            if annotation.labels.get(key) != gold.labels.get(key)
        ]
        items.append(
            {
                "article": gold.article,
                "answers": answers,
                "missed": [
                    {"label": k[2], "text": t, "start": k[0]}
                    for k, t in sorted(truth.items())
                    if k not in mine
                ],
                "extra": [
                    {"label": k[2], "text": t, "start": k[0]}
                    for k, t in sorted(mine.items())
                    if k not in truth
                ],
                "note": gold.note,
                "gold_guideline": getattr(gold.guideline_version, "number", None),
                "my_guideline": getattr(annotation.guideline_version, "number", None),
            }
        )
    return items


@require_GET
@login_required
def feedback_list(request: HttpRequest, slug: str) -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, slug=slug)
    if not project.feedback_enabled or not permissions.can_annotate(project.user_role):
        raise Http404("No feedback in this project.")
    items = feedback_items(project, request.user)
    return render(
        request,
        "annotations/review/feedback.html",
        {
            "project": project,
            "items": items,
            "n_agreeing": sum(
                1 for i in items if not (i["answers"] or i["missed"] or i["extra"])
            ),
        },
    )
