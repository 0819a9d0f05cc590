"""The article manager's bulk actions: assign, pre-annotate again, queue, delete.

Imported by ``views.articles``; imports the models and the assignment and
pre-annotation services, whose rules stay theirs (slots, who may annotate, a
usable pipeline). Each function is one admin action in one transaction and
first checks that every id is an article of the project, so a forged id of
another project changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from annotations.choices import AssignmentState
from annotations.errors import ConflictError
from annotations.models import Annotation, Article, Assignment, Job, Prediction, Project
from annotations.services.assignments import assignment_assign


@dataclass
class BulkResult:
    """How many articles the action changed, and why the others were refused."""

    done: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)


def _articles(project: Project, article_ids: list[int]) -> list[Article]:
    ids = sorted(set(article_ids))
    if not ids:
        raise ValidationError({"articles": ["Select at least one article."]})
    articles = list(
        Article.objects.filter(project=project, pk__in=ids)
        .select_related("project")
        .order_by("id")
    )
    if len(articles) != len(ids):
        known = {article.pk for article in articles}
        missing = [pk for pk in ids if pk not in known][:20]
        raise ValidationError(
            {"articles": [f"Not articles of this project: {missing}"]}
        )
    return articles


@transaction.atomic
def articles_assign(
    *,
    project: Project,
    article_ids: list[int],
    annotator: str,
    assigned_by: AbstractBaseUser,
) -> BulkResult:
    """Hand the articles to one annotator (``assignment_assign`` for each).

    An article whose slots are full or that the annotator already finished is
    refused with the reason; the others are assigned.
    """
    articles = _articles(project, article_ids)
    user = (
        get_user_model()
        .objects.filter(**{get_user_model().USERNAME_FIELD: annotator})
        .first()
    )
    if user is None:
        raise ValidationError({"annotator": [f"No user {annotator!r}."]})
    result = BulkResult()
    for article in articles:
        try:
            assignment_assign(article=article, annotator=user, assigned_by=assigned_by)
        except ConflictError as error:
            result.refused.append((article.pk, str(error)))
        else:
            result.done += 1
    return result


@transaction.atomic
def articles_preannotate_again(
    *, project: Project, article_ids: list[int], created_by: AbstractBaseUser
) -> Job:
    """Drop the current pipeline version's predictions of the articles and queue them.

    Without the drop a re-run would count them as done (the pipeline replaces per
    version); older versions' predictions stay. ValidationError on ``pipeline``
    when the project's pipeline is unusable: then nothing is dropped.
    """
    from annotations.services.preannotation import (
        pipeline_validate,
        preannotation_schedule,
    )

    articles = _articles(project, article_ids)
    spec = pipeline_validate(project)
    ids = [article.pk for article in articles]
    Prediction.objects.filter(
        article_id__in=ids, pipeline=spec.name, pipeline_version=spec.version
    ).delete()
    Article.objects.filter(pk__in=ids).exclude(preannotation_skipped_reason="").update(
        preannotation_skipped_reason=""
    )
    return preannotation_schedule(
        project=project, article_ids=ids, created_by=created_by
    )


@transaction.atomic
def articles_set_queued(
    *, project: Project, article_ids: list[int], in_queue: bool
) -> BulkResult:
    """Take the articles out of the annotators' queue (or put them back).

    Taking out also frees slots handed out but not started (no annotation yet);
    drafts and submitted work stay, so nobody loses what they wrote.
    """
    articles = _articles(project, article_ids)
    ids = [article.pk for article in articles]
    changed = Article.objects.filter(pk__in=ids).exclude(in_queue=in_queue)
    result = BulkResult(done=changed.update(in_queue=in_queue))
    if not in_queue:
        started = Annotation.objects.filter(article_id__in=ids).values_list(
            "article_id", "annotator_id"
        )
        started_pairs = set(started)
        for assignment in Assignment.objects.filter(
            article_id__in=ids, state=AssignmentState.ASSIGNED
        ):
            if (assignment.article_id, assignment.annotator_id) in started_pairs:
                continue
            assignment.state = AssignmentState.RELEASED
            assignment.lease_expires_at = None
            assignment.save(update_fields=["state", "lease_expires_at", "updated_at"])
    return result


@transaction.atomic
def articles_delete(*, project: Project, article_ids: list[int], expected: int) -> int:
    """Delete the articles with their annotations, gold and predictions.

    ``expected`` is the count the admin confirmed; if the selection changed
    meanwhile (another admin deleted some) nothing is deleted and the page asks
    again, so a confirmation never covers more than was shown.
    """
    articles = _articles(project, article_ids)
    if len(articles) != expected:
        raise ValidationError(
            {
                "articles": [
                    f"The selection now holds {len(articles)} article(s), not the "
                    f"{expected} you confirmed; check again."
                ]
            }
        )
    ids = [article.pk for article in articles]
    Article.objects.filter(pk__in=ids).delete()
    return len(ids)
