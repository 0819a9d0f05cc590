"""Anchoring control: mark a seeded random share of articles as calibration articles.

Calibration articles are shown to annotators without pre-annotations (the
annotation page and the predictions API honour ``Article.is_calibration``); the
dashboard compares agreement with gold and suggestion acceptance on them
against the rest.

Decision: an article is a calibration article when the SHA-256 of
``"<seed>:calibration:<article id>"``, read as a number in [0, 1), is below the
project's ``calibration_share``. So the choice is reproducible (same seed, same
articles), independent for each article (importing more articles never changes
the earlier ones' status) and the share is met in expectation rather than
exactly. The seed is the project's ``split_seed`` or, if empty, its slug.
Articles that already have annotations keep their status: changing it midway
would mix anchored and unanchored work on one article.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef

from annotations.models import Annotation, Article, Project

CHUNK = 5000


def calibration_draw(*, seed: str, article_id: int) -> float:
    """The article's seeded random number in [0, 1)."""
    digest = hashlib.sha256(f"{seed}:calibration:{article_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def calibration_seed(project: Project) -> str:
    return project.split_seed or project.slug


@transaction.atomic
def calibration_mark(*, project: Project, share: float | None = None) -> int:
    """Set ``is_calibration`` on the project's not yet annotated articles.

    ``share`` (0–1) is stored on the project when given; otherwise the
    project's ``calibration_share`` is used. Returns the number of calibration
    articles afterwards.
    """
    if share is not None:
        if not 0.0 <= share <= 1.0:
            raise ValidationError({"calibration_share": ["Must be between 0 and 1."]})
        project.calibration_share = share
        project.save(update_fields=["calibration_share", "updated_at"])
    seed = calibration_seed(project)
    annotated = Annotation.objects.filter(article=OuterRef("pk"))
    open_articles = Article.objects.filter(project=project).exclude(Exists(annotated))
    chosen, others = [], []
    for pk in open_articles.values_list("pk", flat=True):
        draw = calibration_draw(seed=seed, article_id=pk)
        (chosen if draw < project.calibration_share else others).append(pk)
    for flag, ids in ((True, chosen), (False, others)):
        for offset in range(0, len(ids), CHUNK):
            Article.objects.filter(pk__in=ids[offset : offset + CHUNK]).update(
                is_calibration=flag
            )
    return Article.objects.filter(project=project, is_calibration=True).count()
