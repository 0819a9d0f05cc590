"""Helpers for the API/export/release tests: annotations through the real service."""

from __future__ import annotations

from annotations.choices import AnnotationStatus, GoldStatus, Role
from annotations.models import Article, GoldAnnotation, GoldSpan
from annotations.services.annotations import annotation_save
from tests.factories import ArticleFactory, MembershipFactory, UserFactory

TEXT = "Siemens raised its guidance while Deutsche Bank cut 5% of jobs."
LABELS = {"sentiment": "negative", "bias": "non_biased"}


def span(text: str, part: str, label: str, occurrence: int = 0) -> dict:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(part, start + 1)
    return {"start": start, "end": start + len(part), "label": label, "text": part}


def annotator(project, name: str):
    user = UserFactory(username=name)
    MembershipFactory(project=project, user=user, role=Role.ANNOTATOR)
    return user


def annotate(
    article: Article,
    user,
    spans: list[dict] | None = None,
    labels: dict | None = None,
    status: str = AnnotationStatus.SUBMITTED,
):
    return annotation_save(
        article=article,
        annotator=user,
        spans=spans if spans is not None else [],
        labels=labels if labels is not None else dict(LABELS),
        status=status,
    )


def gold(
    article: Article,
    reviewer,
    spans: list[dict],
    labels: dict,
    status: str = GoldStatus.FINAL,
) -> GoldAnnotation:
    record = GoldAnnotation.objects.create(
        article=article,
        reviewer=reviewer,
        status=status,
        labels=labels,
        text_sha256=article.content_hash,
        guideline_version=article.project.guideline_versions.order_by(
            "-number"
        ).first(),
    )
    GoldSpan.objects.bulk_create(
        GoldSpan(
            gold=record,
            start=s["start"],
            end=s["end"],
            label=s["label"],
            text=s["text"],
        )
        for s in spans
    )
    return record


def annotated_article(project, users, text: str = TEXT, **kwargs) -> Article:
    """An article both ``users`` annotated identically (ORG Siemens, negative)."""
    article = ArticleFactory(project=project, text=text, **kwargs)
    for user in users:
        annotate(article, user, [span(text, "Siemens", "ORG")])
    return article
