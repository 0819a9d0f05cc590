"""Automatic consensus: what the annotators agree on where no gold exists yet.

The gold writes (the reviewer's adjudication) live in ``services.adjudication``.

``consensus_for_article`` applies the one consensus rule
(``annotations.consensus.merge_annotations``) to an article's stored
annotations; the review page pre-fills the gold draft with it and the review
list uses ``consensus_for_project``. Exports apply the same rule to their rows
in ``selectors.export_rows``. Configured per project by
``project.consensus``:

- ``question_threshold`` (default 0.5): a single-choice answer wins when it is
  the only most frequent answer among the submitted annotations *and* its share
  is at least the threshold; a choice of a multi-choice question is kept when
  the share of annotators who selected it is above the threshold (at least the
  threshold when the threshold is above 0.5). Ties give no answer.
- ``span_min_annotators`` (default 2): a span (same start, end and label) is
  kept when at least that many annotators marked it, capped at the number of
  submitted annotations (so one annotator's spans are the consensus of an
  article annotated once). Where the project forbids overlapping spans, the
  better supported span wins (then the longer, then the earlier one).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from annotations.choices import AnnotationStatus
from annotations.consensus import DEFAULT_CONSENSUS, merge_annotations
from annotations.models import Annotation, AnnotationSpan, Article, Project


@dataclass
class Consensus:
    """Automatic consensus of one article.

    ``spans`` are contract span dicts with ``support`` (how many annotators
    marked it); ``support`` maps each question to the winning share (or the top
    share when nothing won); ``source`` is always ``"consensus"``.
    """

    article_id: int
    labels: dict[str, Any] = field(default_factory=dict)
    spans: list[dict] = field(default_factory=list)
    support: dict[str, float] = field(default_factory=dict)
    n_annotations: int = 0
    source: str = "consensus"


def consensus_config(project: Project) -> dict[str, float]:
    config = {**DEFAULT_CONSENSUS, **(project.consensus or {})}
    threshold = float(config["question_threshold"])
    minimum = int(config["span_min_annotators"])
    if not 0 <= threshold <= 1:
        raise ValidationError(
            {"consensus": ["question_threshold must be between 0 and 1."]}
        )
    if minimum < 1:
        raise ValidationError(
            {"consensus": ["span_min_annotators must be at least 1."]}
        )
    return {"question_threshold": threshold, "span_min_annotators": minimum}


def consensus_from_rows(
    *,
    project: Project,
    article_id: int,
    text: str,
    annotations: list[tuple[dict, list[tuple[int, int, str]]]],
) -> Consensus:
    """Consensus of ``(labels, [(start, end, label)])`` per submitted annotation (pure)."""
    config = consensus_config(project)
    n = len(annotations)
    result = Consensus(article_id=article_id, n_annotations=n)
    if n == 0:
        return result
    merged = merge_annotations(
        annotations,
        questions=[
            (q.key, q.multiple, q.choice_keys) for q in project.parsed_scheme.questions
        ],
        question_threshold=config["question_threshold"],
        min_annotators=min(config["span_min_annotators"], n),
        allow_overlap=project.allow_overlapping_spans,
    )
    result.labels, result.support = merged.labels, merged.support
    result.spans = [
        {
            "start": start,
            "end": end,
            "label": label,
            "text": text[start:end],
            "support": merged.span_support[(start, end, label)],
        }
        for start, end, label in merged.spans
    ]
    return result


def consensus_for_article(*, article: Article) -> Consensus:
    """The automatic consensus of one article's submitted annotations (two queries)."""
    return consensus_for_project(project=article.project, article_ids=[article.pk]).get(
        article.pk, Consensus(article_id=article.pk)
    )


def consensus_for_project(
    *, project: Project, article_ids: Iterable[int] | None = None
) -> dict[int, Consensus]:
    """Consensus of every article (or ``article_ids``) with a submitted annotation.

    Three queries whatever the number of articles; for exports where no gold
    exists.
    """
    annotations = Annotation.objects.filter(
        article__project=project, status=AnnotationStatus.SUBMITTED
    )
    if article_ids is not None:
        annotations = annotations.filter(article_id__in=list(article_ids))
    rows = list(
        annotations.order_by("article_id", "pk").values_list(
            "pk", "article_id", "labels"
        )
    )
    spans: dict[int, list] = defaultdict(list)
    for annotation_id, start, end, label in AnnotationSpan.objects.filter(
        annotation_id__in=[r[0] for r in rows]
    ).values_list("annotation_id", "start", "end", "label"):
        spans[annotation_id].append((start, end, label))
    by_article: dict[int, list] = defaultdict(list)
    for pk, article_id, labels in rows:
        by_article[article_id].append((labels, spans.get(pk, [])))
    texts = dict(
        Article.objects.filter(pk__in=list(by_article)).values_list("pk", "text")
    )
    return {
        article_id: consensus_from_rows(
            project=project,
            article_id=article_id,
            text=texts[article_id],
            annotations=items,
        )
        for article_id, items in by_article.items()
    }
