"""Gold: the adjudicated annotation of an article, and automatic consensus.

``gold_save`` is the one write path (API, review page, one-click accepts):
validation like ``annotation_save`` (offsets against the text, labels and
answers against the scheme, required answers on submit) and the same optimistic
lock (``version=None`` creates, the current version replaces, a stale one is
refused with ConflictError → 409).

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

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from annotations.choices import AnnotationStatus, GoldStatus
from annotations.consensus import merge_annotations
from annotations.errors import ConflictError
from annotations.models import (
    Annotation,
    AnnotationSpan,
    Article,
    GoldAnnotation,
    GoldSpan,
    Project,
)
from annotations.offsets import SpanError, parse_spans
from annotations.scheme import SchemeError, validate_answers
from annotations.selectors import guideline_current
from annotations.services.versioning import version_check

DEFAULT_CONSENSUS = {"question_threshold": 0.5, "span_min_annotators": 2}
GOLD_INPUT_STATUSES = {
    "draft": GoldStatus.DRAFT,
    "final": GoldStatus.FINAL,
    "submitted": GoldStatus.FINAL,
}


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


def _validated(article: Article, spans: Any, labels: Any, *, final: bool):
    project = article.project
    try:
        clean_labels = validate_answers(
            project.parsed_scheme, labels, require_complete=final
        )
    except SchemeError as error:
        raise ValidationError(error.errors) from error
    if not isinstance(spans, list):
        raise ValidationError({"spans": ["Spans must be a list."]})
    try:
        clean_spans = parse_spans(
            [_contract_span(s) for s in spans],
            text=article.text,
            label_keys=project.parsed_scheme.span_label_keys,
            allow_overlap=project.allow_overlapping_spans,
        )
    except SpanError as error:
        raise ValidationError({"spans": error.errors}) from error
    return clean_spans, clean_labels


def _contract_span(span: Any) -> Any:
    if not isinstance(span, dict):
        return span
    return {k: span[k] for k in ("start", "end", "label", "text") if k in span}


@transaction.atomic
def gold_save(
    *,
    article: Article,
    reviewer: AbstractBaseUser,
    spans: list[dict],
    labels: dict,
    status: str = GoldStatus.DRAFT,
    version: int | None = None,
    note: str | None = None,
    source_annotations: Iterable[Annotation] | None = None,
) -> GoldAnnotation:
    """Create or replace the gold of ``article``.

    ``status`` is ``draft`` or ``final`` (``submitted`` is accepted as ``final``,
    so the API takes the body of my-annotation). ``version=None`` creates (409
    if gold exists); otherwise it must equal the stored version (409 when
    stale) and the saved gold gets ``version + 1``. Final gold must answer every
    required question. ``note=None`` keeps the stored note. The submitted
    annotations of the article are linked as ``source_annotations`` unless
    given.
    """
    if status not in GOLD_INPUT_STATUSES:
        raise ValidationError(
            {"status": [f"Unknown status {status!r}; use draft or submitted."]}
        )
    status = GOLD_INPUT_STATUSES[status]
    clean_spans, clean_labels = _validated(
        article, spans, labels, final=status == GoldStatus.FINAL
    )
    Article.objects.select_for_update().filter(pk=article.pk).first()
    existing = (
        GoldAnnotation.objects.select_for_update().filter(article=article).first()
    )
    version_check(
        stored=existing.version if existing else None, given=version, noun="gold"
    )
    gold = existing or GoldAnnotation(article=article, version=0)
    gold.reviewer = reviewer
    gold.status = status
    gold.labels = clean_labels
    gold.version += 1
    if note is not None:
        gold.note = note
    gold.text_sha256 = article.content_hash
    gold.guideline_version = guideline_current(project=article.project)
    gold.full_clean(exclude=["source_annotations"])
    gold.save()
    GoldSpan.objects.filter(gold=gold).delete()
    GoldSpan.objects.bulk_create(
        GoldSpan(gold=gold, start=s.start, end=s.end, label=s.label, text=s.text)
        for s in clean_spans
    )
    if source_annotations is None:
        source_annotations = Annotation.objects.filter(
            article=article, status=AnnotationStatus.SUBMITTED
        )
    gold.source_annotations.set(source_annotations)
    return gold


def gold_as_input(gold: GoldAnnotation) -> dict[str, Any]:
    """Stored gold as the arguments of ``gold_save`` (spans, labels, note, version)."""
    return {
        "spans": [
            {"start": s.start, "end": s.end, "label": s.label, "text": s.text}
            for s in gold.spans.all()
        ],
        "labels": dict(gold.labels),
        "note": gold.note,
        "version": gold.version,
    }


def gold_draft_prefill(*, article: Article) -> dict[str, Any]:
    """What a new gold draft starts from: the article's consensus (majority)."""
    consensus = consensus_for_article(article=article)
    return {
        "spans": [
            {k: s[k] for k in ("start", "end", "label", "text")}
            for s in consensus.spans
        ],
        "labels": dict(consensus.labels),
        "note": "",
        "version": None,
    }


def _current_or_prefill(article: Article, version: int | None) -> dict[str, Any]:
    gold = (
        GoldAnnotation.objects.filter(article=article).prefetch_related("spans").first()
    )
    if gold is None:
        if version is not None:
            raise ConflictError(
                "The gold of this article was removed; reload the page."
            )
        return gold_draft_prefill(article=article)
    if version != gold.version:
        raise ConflictError(
            f"The gold changed meanwhile (version {gold.version}, you had "
            f"{version}). Reload the page.",
            current_version=gold.version,
        )
    return gold_as_input(gold)


def _status_of(article: Article) -> str:
    gold = GoldAnnotation.objects.filter(article=article).only("status").first()
    return gold.status if gold is not None else GoldStatus.DRAFT


@transaction.atomic
def gold_span_accept(
    *,
    article: Article,
    reviewer: AbstractBaseUser,
    start: int,
    end: int,
    label: str,
    version: int | None,
) -> GoldAnnotation:
    """Add one span to the gold (creating the draft from the consensus if needed).

    Where overlapping spans are not allowed, spans of the gold overlapping the
    accepted one are replaced by it (accepting means "this one is right").
    """
    current = _current_or_prefill(article, version)
    text = article.text[start:end] if 0 <= start < end <= len(article.text) else ""
    spans = [
        s
        for s in current["spans"]
        if (s["start"], s["end"], s["label"]) != (start, end, label)
    ]
    if not article.project.allow_overlapping_spans:
        spans = [s for s in spans if s["end"] <= start or end <= s["start"]]
    spans.append({"start": start, "end": end, "label": label, "text": text})
    return _gold_edit_save(article, reviewer, current, spans=spans, version=version)


def _gold_edit_save(
    article: Article, reviewer, current: dict, *, spans: list, version: int | None
) -> GoldAnnotation:
    """Save a one-click edit on top of ``current`` (gold, or its consensus pre-fill)."""
    return gold_save(
        article=article,
        reviewer=reviewer,
        spans=spans,
        labels=current["labels"],
        status=_status_of(article) if version is not None else GoldStatus.DRAFT,
        version=current["version"],
    )


@transaction.atomic
def gold_span_remove(
    *,
    article: Article,
    reviewer: AbstractBaseUser,
    start: int,
    end: int,
    label: str,
    version: int | None,
) -> GoldAnnotation:
    """Remove one span from the gold (creating the draft from the consensus if needed)."""
    current = _current_or_prefill(article, version)
    spans = [
        s
        for s in current["spans"]
        if (s["start"], s["end"], s["label"]) != (start, end, label)
    ]
    return _gold_edit_save(article, reviewer, current, spans=spans, version=version)


@transaction.atomic
def gold_answer_set(
    *,
    article: Article,
    reviewer: AbstractBaseUser,
    question: str,
    value: Any,
    version: int | None,
) -> GoldAnnotation:
    """Set (or with ``value`` None clear) the gold answer to one question."""
    current = _current_or_prefill(article, version)
    labels = dict(current["labels"])
    if value in (None, "", []):
        labels.pop(question, None)
    else:
        labels[question] = value
    status = _status_of(article) if version is not None else GoldStatus.DRAFT
    if status == GoldStatus.FINAL and question not in labels:
        status = GoldStatus.DRAFT
    return gold_save(
        article=article,
        reviewer=reviewer,
        spans=current["spans"],
        labels=labels,
        status=status,
        version=current["version"],
    )


@transaction.atomic
def gold_finish(
    *,
    article: Article,
    reviewer: AbstractBaseUser,
    version: int | None,
    note: str,
    status: str,
) -> GoldAnnotation:
    """Save the note and set draft/final, keeping the gold's spans and answers."""
    current = _current_or_prefill(article, version)
    return gold_save(
        article=article,
        reviewer=reviewer,
        spans=current["spans"],
        labels=current["labels"],
        status=status,
        version=current["version"],
        note=note,
    )
