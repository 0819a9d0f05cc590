"""Gold writes: the reviewer's adjudication of an article, one use case per action.

- ``gold_save`` creates or replaces the whole gold (``POST /api/v1/articles/{id}/gold/``
  and under every other action): validation like ``annotation_save`` (offsets
  against the text, labels and answers against the scheme, required answers on
  final gold) and the same optimistic lock (``version=None`` creates, the
  current version replaces, a stale one is refused with ConflictError → 409).
- ``gold_span_accept``, ``gold_span_remove``, ``gold_span_relabel``,
  ``gold_answer_set`` and ``gold_finish`` are the adjudication page's one-click
  edits on top of the stored gold, or of the consensus pre-fill
  (``gold_draft_prefill``) while there is none.

Refusals a reviewer can cause from the page (a required question unanswered, a
span outside the text or with a label the scheme lacks, a stale page) speak the
reviewer's words, translated, and name the question by its name: the page and
the API show them as they are.

Each action runs in one transaction that locks the article row first, so two
first saves of one article's gold give one 201 and one 409, never two rows.
Once gold exists the article's annotations are frozen
(``services.annotations.annotation_freeze_check``).

Imported by the review page and the API; imports models, the consensus of
``services.gold``, ``services.versioning`` and the pure ``offsets``/``scheme``
rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from annotations.choices import AnnotationStatus, GoldStatus
from annotations.errors import ConflictError
from annotations.models import Annotation, Article, GoldAnnotation, GoldSpan
from annotations.offsets import SpanError, parse_spans
from annotations.scheme import Scheme, SchemeError, validate_answers
from annotations.selectors import guideline_current
from annotations.services.gold import consensus_for_article
from annotations.services.history import history_record
from annotations.services.versioning import article_lock, version_check
from annotations.validation import text_errors

GOLD_INPUT_STATUSES = {
    "draft": GoldStatus.DRAFT,
    "final": GoldStatus.FINAL,
    "submitted": GoldStatus.FINAL,
}


def _validated(article: Article, spans: Any, labels: Any, *, final: bool):
    scheme = article.project.parsed_scheme
    try:
        clean_labels = validate_answers(scheme, labels, require_complete=False)
    except SchemeError as error:
        raise ValidationError(error.errors) from error
    if final:
        _require_answers(scheme, clean_labels)
    if not isinstance(spans, list):
        raise ValidationError({"spans": [_("Spans must be a list.")]})
    try:
        clean_spans = parse_spans(
            [_contract_span(s) for s in spans],
            text=article.text,
            label_keys=scheme.span_label_keys,
            allow_overlap=article.project.allow_overlapping_spans,
        )
    except SpanError as error:
        raise ValidationError({"spans": error.errors}) from error
    return clean_spans, clean_labels


def _require_answers(scheme: Scheme, labels: dict) -> None:
    """Final gold answers every required question; the message names each one."""
    missing = [q for q in scheme.questions if q.required and q.key not in labels]
    if missing:
        raise ValidationError(
            {
                "labels": [
                    _("Answer “%(question)s” before submitting the gold.")
                    % {"question": question.name}
                    for question in missing
                ]
            }
        )


def _check_span(article: Article, *, start: int, end: int, label: str) -> None:
    """A span the reviewer points at lies in the text and has a label of the scheme."""
    errors = {}
    length = len(article.text)
    if not 0 <= start < end <= length:
        errors["start"] = [
            _(
                "Select a piece of the text: a span starts before it ends and lies "
                "within the article (characters 0 to %(length)s)."
            )
            % {"length": length}
        ]
    if label not in article.project.parsed_scheme.span_label_keys:
        errors["label"] = [
            _("“%(label)s” is not a span label of this project.") % {"label": label}
        ]
    if errors:
        raise ValidationError(errors)


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
            {
                "status": [
                    _("Unknown status “%(status)s”; use draft or submitted.")
                    % {"status": status}
                ]
            }
        )
    status = GOLD_INPUT_STATUSES[status]
    if note is not None and (errors := text_errors(note)):
        raise ValidationError({"note": errors})
    clean_spans, clean_labels = _validated(
        article, spans, labels, final=status == GoldStatus.FINAL
    )
    article_lock(article)
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
    history_record(gold, user=reviewer)
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


def gold_working_copy(
    *, article: Article, gold: GoldAnnotation | None
) -> dict[str, Any]:
    """What the reviewer edits: the stored ``gold`` as input, else the consensus pre-fill."""
    if gold is not None:
        return gold_as_input(gold)
    return gold_draft_prefill(article=article)


def _current_or_prefill(article: Article, version: int | None) -> dict[str, Any]:
    gold = (
        GoldAnnotation.objects.filter(article=article).prefetch_related("spans").first()
    )
    if gold is None:
        if version is not None:
            raise ConflictError(
                _("The gold of this article was removed meanwhile; reload the page.")
            )
        return gold_draft_prefill(article=article)
    if version != gold.version:
        raise ConflictError(
            _(
                "Someone changed this gold meanwhile (now version %(current)s, your "
                "page shows %(given)s). Reload the page to see the changes."
            )
            % {"current": gold.version, "given": version if version else "–"},
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
    _check_span(article, start=start, end=end, label=label)
    article_lock(article)
    current = _current_or_prefill(article, version)
    text = article.text[start:end]
    spans = _without_span(current["spans"], (start, end, label))
    if not article.project.allow_overlapping_spans:
        spans = [s for s in spans if s["end"] <= start or end <= s["start"]]
    spans.append({"start": start, "end": end, "label": label, "text": text})
    return _gold_edit_save(article, reviewer, current, spans=spans, version=version)


def _without_span(spans: list[dict], key: tuple[int, int, str]) -> list[dict]:
    return [s for s in spans if (s["start"], s["end"], s["label"]) != key]


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
    article_lock(article)
    current = _current_or_prefill(article, version)
    spans = _without_span(current["spans"], (start, end, label))
    return _gold_edit_save(article, reviewer, current, spans=spans, version=version)


@transaction.atomic
def gold_span_relabel(
    *,
    article: Article,
    reviewer: AbstractBaseUser,
    start: int,
    end: int,
    label: str,
    new_label: str,
    version: int | None,
) -> GoldAnnotation:
    """Give one gold span another label, keeping its offsets."""
    _check_span(article, start=start, end=end, label=new_label)
    article_lock(article)
    current = _current_or_prefill(article, version)
    key = (start, end, label)
    if not any((s["start"], s["end"], s["label"]) == key for s in current["spans"]):
        raise ValidationError(
            {"label": [_("This span is not in the gold; accept it first.")]}
        )
    spans = _without_span(_without_span(current["spans"], key), (start, end, new_label))
    spans.append(
        {
            "start": start,
            "end": end,
            "label": new_label,
            "text": article.text[start:end],
        }
    )
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
    article_lock(article)
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
    article_lock(article)
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
