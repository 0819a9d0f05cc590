"""Helpers for the guideline and scheme-management tests: real services for setup."""

from __future__ import annotations

from annotations.choices import Role
from annotations.models import Article, GoldAnnotation, GoldSpan
from annotations.services.annotations import annotation_save
from tests.factories import ArticleFactory, MembershipFactory, UserFactory

TEXT = "Siemens shares crash 5% as Deutsche Bank slams the outlook."


def annotator(project, username: str, role: str = Role.ANNOTATOR):
    user = UserFactory(username=username)
    MembershipFactory(project=project, user=user, role=role)
    return user


def span(text: str, phrase: str, label: str) -> dict:
    start = text.index(phrase)
    return {"start": start, "end": start + len(phrase), "label": label, "text": phrase}


def article(project, text: str = TEXT) -> Article:
    return ArticleFactory(project=project, text=text)


def annotate(article, user, spans=(), labels=None, status="draft"):
    return annotation_save(
        article=article,
        annotator=user,
        spans=list(spans),
        labels=labels or {},
        status=status,
    )


def gold(article, reviewer, spans=(), labels=None) -> GoldAnnotation:
    record = GoldAnnotation.objects.create(
        article=article,
        reviewer=reviewer,
        labels=labels or {},
        text_sha256=article.content_hash,
    )
    for item in spans:
        GoldSpan.objects.create(gold=record, **item)
    return record
