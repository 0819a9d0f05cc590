"""Automatic consensus: what the annotators agree on where no gold exists yet.

The gold writes (the reviewer's adjudication) live in ``services.adjudication``.

``consensus_for_article`` is the canonical automatic consensus; exports use it
where no gold exists (``consensus_for_project`` for many articles at once) and
the review page pre-fills the gold draft with it. Configured per project by
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

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from annotations.choices import AnnotationStatus
from annotations.models import Annotation, AnnotationSpan, Article, Project

DEFAULT_CONSENSUS = {"question_threshold": 0.5, "span_min_annotators": 2}


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


@dataclass
class MergedAnnotations:
    labels: dict[str, Any]
    support: dict[str, float]
    spans: list[tuple[int, int, str]]
    span_support: Counter


def merge_annotations(
    annotations: Iterable[tuple[dict, Iterable[tuple[int, int, str]]]],
    *,
    questions: Iterable[tuple[str, bool, Iterable[str]]],
    question_threshold: float,
    min_annotators: int,
    allow_overlap: bool,
) -> MergedAnnotations:
    """The consensus rule itself, on plain data; gold pre-fill and exports both use it.

    ``annotations`` are ``(labels, spans)`` pairs, ``questions`` are
    ``(key, multiple, choice order)``. See the module docstring for the rule.
    """
    annotations = [(labels, set(spans)) for labels, spans in annotations]
    merged = MergedAnnotations(labels={}, support={}, spans=[], span_support=Counter())
    for key, multiple, choice_order in questions:
        answers = [labels.get(key) for labels, _ in annotations]
        answers = [a for a in answers if a not in (None, [])]
        if not answers:
            continue
        if multiple:
            counts = Counter(
                c for a in answers for c in (a if isinstance(a, list) else [a])
            )
            order = [c for c in choice_order if c in counts] + sorted(
                c for c in counts if c not in set(choice_order)
            )
            chosen = [
                c
                for c in order
                if _passes(counts[c] / len(answers), question_threshold)
            ]
            if chosen:
                merged.labels[key] = chosen
            merged.support[key] = max(counts.values()) / len(answers)
            continue
        ranked = Counter(a for a in answers if not isinstance(a, list)).most_common()
        if not ranked:
            continue
        top_value, top = ranked[0]
        share = top / len(answers)
        merged.support[key] = share
        tied = len(ranked) > 1 and ranked[1][1] == top
        if not tied and share >= question_threshold:
            merged.labels[key] = top_value
    for _, spans in annotations:
        merged.span_support.update(spans)
    kept = [s for s, count in merged.span_support.items() if count >= min_annotators]
    if not allow_overlap:
        kept = _without_overlaps(kept, merged.span_support)
    merged.spans = sorted(kept)
    return merged


def _passes(share: float, threshold: float) -> bool:
    return share >= threshold if threshold > 0.5 else share > threshold


def _without_overlaps(spans: list[tuple], support: Counter) -> list[tuple]:
    chosen: list[tuple] = []
    for span in sorted(spans, key=lambda s: (-support[s], -(s[1] - s[0]), s[0], s[2])):
        if all(span[1] <= other[0] or other[1] <= span[0] for other in chosen):
            chosen.append(span)
    return chosen


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
