"""Reads for agreement, adjudication and the dashboard: plain rows out of the ORM.

Imported by services (agreement, gold), views, the API and the exporter; imports
models and the leaf packages ``agreement`` and ``agreement_report`` (whose
``ProjectWork`` this module fills). Nothing here writes.

Annotators are named by an internal key ``"@<user id>"`` inside computed figures
(so a cached snapshot can be shown with names to reviewers and with pseudonyms
to everyone else); ``annotator_labels`` gives the mapping for a viewer.

Export filter (for the issue-5 exporter): ``soft_labels_for_project`` and
``agreement_level_for_article`` / ``agreement_levels_for_project`` give, per
article and question, the distribution of the submitted answers and the
PhraseBank-style agreement level (``"100"``, ``"75"``, ``"66"``, ``"50"``,
``"<50"``); filter with ``annotations.agreement.meets_level(level, "75")``.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Max, Q

from annotations import permissions
from annotations.agreement import agreement_levels, soft_labels
from annotations.agreement.types import ItemLevel
from annotations.agreement_report import (
    HistoryPoint,
    ProjectWork,
    ReportSummary,
    annotator_key,
    question_ratings,
)
from annotations.choices import AnnotationStatus, GoldStatus
from annotations.models import (
    AgreementSnapshot,
    Annotation,
    AnnotationSpan,
    Article,
    GoldAnnotation,
    GoldSpan,
    Project,
)
from annotations.selectors.annotators import (
    annotator_pseudonym as exports_pseudonym,
)


def annotator_pseudonym(*, project_id: int, user_id: int) -> str:
    """A stable pseudonym of a user within one project.

    The one definition lives in ``selectors.annotators`` (the exports show the same
    pseudonyms); re-exported here for the agreement figures.
    """
    return exports_pseudonym(project_id=project_id, user_id=user_id)


def annotator_labels(
    *, project: Project, role: str | None, user_ids: Iterable[int]
) -> dict[str, str]:
    """``{"@<id>": display name}``: usernames for reviewers/admins, else pseudonyms."""
    ids = sorted(set(user_ids))
    if permissions.can_see_annotator_names(role):
        from django.contrib.auth import get_user_model

        users = get_user_model().objects.filter(pk__in=ids)
        names = {user.pk: user.get_username() for user in users}
        return {annotator_key(i): names.get(i, f"user {i}") for i in ids}
    return {
        annotator_key(i): annotator_pseudonym(project_id=project.pk, user_id=i)
        for i in ids
    }


def agreement_watermark(*, project: Project) -> str:
    """A short fingerprint of everything the agreement figures depend on.

    Count and latest change of the project's annotations (any status: drafts
    count for progress), of its gold, of its articles, and the project's own
    ``updated_at`` (scheme, consensus settings). Three aggregate queries.
    """
    annotations = Annotation.objects.filter(article__project=project).aggregate(
        n=Count("pk"), last=Max("updated_at"), top=Max("pk")
    )
    gold = GoldAnnotation.objects.filter(article__project=project).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    articles = Article.objects.filter(project=project).aggregate(
        n=Count("pk"),
        top=Max("pk"),
        calibration=Count("pk", filter=Q(is_calibration=True)),
    )
    parts = [
        annotations["n"],
        _stamp(annotations["last"]),
        annotations["top"],
        gold["n"],
        _stamp(gold["last"]),
        articles["n"],
        articles["top"],
        articles["calibration"],
        _stamp(project.updated_at),
    ]
    raw = "|".join(str(p) for p in parts)
    return hashlib.sha256(raw.encode()).hexdigest()[:40]


def _stamp(value) -> str:
    return "" if value is None else value.isoformat()


def agreement_snapshot_latest(*, project: Project) -> AgreementSnapshot | None:
    return (
        AgreementSnapshot.objects.filter(project=project)
        .order_by("-computed_at", "-pk")
        .first()
    )


def agreement_history(*, project: Project, limit: int = 200) -> list[HistoryPoint]:
    """The summaries of past snapshots, oldest first.

    Reads only the small ``summary`` key of each snapshot's JSON, so history
    stays cheap however large the snapshots are.
    """
    rows = (
        AgreementSnapshot.objects.filter(project=project)
        .order_by("-computed_at", "-pk")
        .values("computed_at", "data__summary")[:limit]
    )
    return [
        HistoryPoint(
            computed_at=row["computed_at"],
            summary=ReportSummary.from_dict(row["data__summary"]),
        )
        for row in reversed(list(rows))
    ]


def article_texts(*, article_ids: Iterable[int]) -> dict[int, str]:
    """``{article id: text}`` (in chunks of 2,000 ids, below database parameter limits)."""
    ids = list(article_ids)
    texts: dict[int, str] = {}
    for offset in range(0, len(ids), 2000):
        texts.update(
            Article.objects.filter(pk__in=ids[offset : offset + 2000]).values_list(
                "pk", "text"
            )
        )
    return texts


def project_work(*, project: Project) -> ProjectWork:
    """Annotations (every status), spans of submitted ones, articles and final gold.

    A fixed number of queries whatever the project size; rows come as tuples
    and dicts, never model instances, so 100,000 annotations stay cheap.
    """
    work = ProjectWork()
    for pk, is_calibration in Article.objects.filter(project=project).values_list(
        "pk", "is_calibration"
    ):
        work.articles[pk] = {"is_calibration": is_calibration}
    work.annotations = list(
        Annotation.objects.filter(article__project=project)
        .order_by("article_id", "pk")
        .values(
            "pk",
            "article_id",
            "annotator_id",
            "status",
            "labels",
            "lead_time_ms",
        )
    )
    submitted_spans = AnnotationSpan.objects.filter(
        annotation__article__project=project,
        annotation__status=AnnotationStatus.SUBMITTED,
    ).values_list("annotation_id", "start", "end", "label", "origin")
    spans: dict[int, list] = defaultdict(list)
    for annotation_id, start, end, label, origin in submitted_spans.iterator(
        chunk_size=5000
    ):
        spans[annotation_id].append((start, end, label, origin))
    work.spans = dict(spans)
    for gold in GoldAnnotation.objects.filter(
        article__project=project, status=GoldStatus.FINAL
    ).values("pk", "article_id", "labels"):
        work.gold[gold["article_id"]] = gold
    gold_ids = {g["pk"]: a for a, g in work.gold.items()}
    for gold_id, start, end, label in GoldSpan.objects.filter(
        gold_id__in=list(gold_ids)
    ).values_list("gold_id", "start", "end", "label"):
        work.gold_spans.setdefault(gold_ids[gold_id], []).append((start, end, label))
    for article_id in work.gold:
        work.gold_spans.setdefault(article_id, [])
    return work


def _submitted_answers(project: Project, article_ids=None) -> list[dict]:
    queryset = Annotation.objects.filter(
        article__project=project, status=AnnotationStatus.SUBMITTED
    )
    if article_ids is not None:
        queryset = queryset.filter(article_id__in=list(article_ids))
    return list(
        queryset.order_by("article_id", "pk").values(
            "article_id", "annotator_id", "status", "labels"
        )
    )


def soft_labels_for_project(
    *, project: Project, article_ids: Iterable[int] | None = None
) -> dict[int, dict[str, dict[str, float]]]:
    """Per article and question, the share of submitted answers per choice.

    ``{article_id: {question: {choice: share}}}``; choices in scheme order; for
    multi-choice questions the share of annotators who selected each choice.
    Articles without a submitted answer to a question have no entry for it.
    One query. For the exporter's ``soft_labels`` field.
    """
    answers = _submitted_answers(project, article_ids)
    result: dict[int, dict[str, dict[str, float]]] = {}
    for question in project.parsed_scheme.questions:
        ratings = question_ratings(answers, question)
        if not ratings:
            continue
        for article_id, shares in soft_labels(
            ratings, list(question.choice_keys)
        ).items():
            result.setdefault(article_id, {})[question.key] = shares
    return result


def agreement_levels_for_project(
    *, project: Project, article_ids: Iterable[int] | None = None
) -> dict[int, dict[str, ItemLevel]]:
    """PhraseBank agreement level per article and single-choice question.

    ``{article_id: {question: ItemLevel(majority, share, n_ratings, bucket)}}``
    over submitted annotations; articles with fewer than two answers to a
    question have no entry for it. One query.
    """
    answers = _submitted_answers(project, article_ids)
    result: dict[int, dict[str, ItemLevel]] = {}
    for question in project.parsed_scheme.questions:
        if question.multiple:
            continue
        for article_id, level in agreement_levels(
            question_ratings(answers, question)
        ).items():
            result.setdefault(article_id, {})[question.key] = level
    return result


def agreement_level_for_article(*, article: Article, question: str) -> ItemLevel | None:
    """The agreement level of one article on one question, or None (< 2 answers)."""
    levels = agreement_levels_for_project(
        project=article.project, article_ids=[article.pk]
    )
    return levels.get(article.pk, {}).get(question)


def review_annotations(*, article: Article) -> list[Annotation]:
    """Submitted annotations of an article with spans and annotators, for adjudication."""
    return list(
        Annotation.objects.filter(article=article, status=AnnotationStatus.SUBMITTED)
        .select_related("annotator", "guideline_version")
        .prefetch_related("spans")
        .order_by("pk")
    )


def gold_for_article(*, article: Article) -> GoldAnnotation | None:
    return (
        GoldAnnotation.objects.filter(article=article)
        .select_related("reviewer", "guideline_version")
        .prefetch_related("spans")
        .first()
    )


def feedback_for_annotator(*, project: Project, user, limit: int = 50) -> list[dict]:
    """The annotator's submitted annotations whose article has final gold.

    ``[{"annotation", "gold"}]`` with spans prefetched, newest gold first.
    """
    golds = (
        GoldAnnotation.objects.filter(
            article__project=project,
            status=GoldStatus.FINAL,
            article__annotations__annotator=user,
            article__annotations__status=AnnotationStatus.SUBMITTED,
        )
        .select_related("article", "guideline_version")
        .prefetch_related("spans")
        .order_by("-updated_at", "-pk")[:limit]
    )
    golds = list(golds)
    annotations = {
        a.article_id: a
        for a in Annotation.objects.filter(
            annotator=user,
            article_id__in=[g.article_id for g in golds],
            status=AnnotationStatus.SUBMITTED,
        )
        .select_related("guideline_version")
        .prefetch_related("spans")
    }
    return [
        {"annotation": annotations[g.article_id], "gold": g}
        for g in golds
        if g.article_id in annotations
    ]
