"""Helpers for the review, agreement and dashboard tests: work set up through real services."""

from __future__ import annotations

from annotations.choices import Role
from annotations.services.annotations import annotation_save
from tests.factories import MembershipFactory, UserFactory

DONE = {"sentiment": "neutral", "bias": "non_biased"}


def team(project, names, role=Role.ANNOTATOR):
    """Users ``names`` as members of ``project`` in ``role``."""
    users = []
    for name in names:
        user = UserFactory(username=f"{project.slug}-{name}")
        MembershipFactory(project=project, user=user, role=role)
        users.append(user)
    return users


def span(article, phrase, label, occurrence=0):
    """A contract span for the ``occurrence``-th ``phrase`` in the article text."""
    start = -1
    for _ in range(occurrence + 1):
        start = article.text.index(phrase, start + 1)
    return {
        "start": start,
        "end": start + len(phrase),
        "label": label,
        "text": phrase,
    }


def submit(article, user, labels=None, spans=(), status="submitted", **extra):
    return annotation_save(
        article=article,
        annotator=user,
        spans=list(spans),
        labels=dict(DONE if labels is None else labels),
        status=status,
        **extra,
    )
