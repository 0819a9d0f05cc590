"""Run a pipeline over article texts and return plain :mod:`types` results."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from .components import EVIDENCE_PREFIX, SPANS_KEY, span_scores
from .errors import PipelineError
from .loader import load_pipeline
from .registry import PipelineSpec
from .scoring import BIAS_CHOICES, SENTIMENT_CHOICES
from .types import ArticlePrediction, QuestionSuggestion, SuggestedSpan

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 64
DEFAULT_MAX_CHARS = 100_000
_QUESTION_COMPONENTS = {"newsroom_polarity", "newsroom_doc_scores"}
_CHOICE_ORDER = {"sentiment": SENTIMENT_CHOICES, "bias": BIAS_CHOICES}


def predict(
    spec_or_nlp: PipelineSpec | Language,
    texts: Iterable[str],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_chars: int = DEFAULT_MAX_CHARS,
    span_labels: Collection[str] | None = None,
    with_questions: bool = True,
) -> list[ArticlePrediction]:
    """One :class:`ArticlePrediction` per text, in order.

    Empty texts, texts longer than ``min(max_chars, nlp.max_length)`` and texts the
    pipeline fails on come back with ``skipped_reason`` set; the rest of the batch
    is unaffected. ``span_labels`` keeps only those labels (e.g. the project's
    scheme); ``with_questions=False`` skips the document-question components.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if isinstance(spec_or_nlp, PipelineSpec):
        nlp = load_pipeline(spec_or_nlp)
        name, version = spec_or_nlp.name, spec_or_nlp.version
    elif isinstance(spec_or_nlp, Language):
        nlp = spec_or_nlp
        info = nlp.meta.get("newsroom") or {}
        name = info.get("pipeline") or nlp.meta.get("name", "pipeline")
        version = info.get("version") or nlp.meta.get("version", "")
    else:
        raise PipelineError(
            f"predict() needs a PipelineSpec or a spaCy Language, "
            f"got {type(spec_or_nlp).__name__}"
        )
    limit = min(max_chars, nlp.max_length)
    disable = (
        []
        if with_questions
        else [
            n
            for n in nlp.pipe_names
            if nlp.get_pipe_meta(n).factory in _QUESTION_COMPONENTS
        ]
    )
    labels = set(span_labels) if span_labels is not None else None

    items = list(texts)
    results: list[ArticlePrediction | None] = [None] * len(items)
    todo: list[int] = []
    for index, text in enumerate(items):
        reason = skip_reason(text, limit)
        if reason is None:
            todo.append(index)
        else:
            results[index] = ArticlePrediction(name, version, skipped_reason=reason)

    for offset in range(0, len(todo), batch_size):
        chunk = todo[offset : offset + batch_size]
        for index, doc_or_reason in zip(
            chunk,
            _run(nlp, [items[i] for i in chunk], batch_size, disable),
            strict=True,
        ):
            if isinstance(doc_or_reason, str):
                results[index] = ArticlePrediction(
                    name, version, skipped_reason=doc_or_reason
                )
            else:
                results[index] = to_prediction(
                    doc_or_reason, items[index], name, version, labels
                )
    return [r for r in results if r is not None]


def skip_reason(text: object, limit: int) -> str | None:
    """Why a text cannot be processed, or None."""
    if not isinstance(text, str):
        return f"not_text: expected str, got {type(text).__name__}"
    if not text.strip():
        return "empty: the text is empty or only whitespace"
    if len(text) > limit:
        return f"too_long: {len(text)} characters, the limit is {limit}"
    return None


def _run(
    nlp: Language, texts: Sequence[str], batch_size: int, disable: list[str]
) -> list[Doc | str]:
    try:
        return list(nlp.pipe(texts, batch_size=batch_size, disable=disable))
    except Exception:
        logger.warning("batch of %d texts failed; retrying one by one", len(texts))
    out: list[Doc | str] = []
    for text in texts:
        try:
            out.extend(nlp.pipe([text], disable=disable))
        except Exception as exc:
            logger.warning("text failed in pipeline: %s", exc)
            out.append(f"error: {type(exc).__name__}: {str(exc)[:200]}")
    return out


def to_prediction(
    doc: Doc,
    text: str,
    name: str,
    version: str,
    labels: set[str] | None = None,
) -> ArticlePrediction:
    """Turn a processed Doc into plain results (offsets into ``text``)."""
    if len(doc) and doc[-1].idx + len(doc[-1].text_with_ws) != len(text):
        return ArticlePrediction(
            name, version, skipped_reason="error: the pipeline changed the text"
        )
    if SPANS_KEY in doc.spans:
        pairs = list(
            zip(doc.spans[SPANS_KEY], span_scores(doc, SPANS_KEY), strict=True)
        )
    else:
        pairs = [(ent, 1.0) for ent in doc.ents]
    spans = sorted(
        {
            _suggested(span, score, text)
            for span, score in pairs
            if labels is None or span.label_ in labels
        },
        key=lambda s: (s.start, s.end, s.label),
    )
    return ArticlePrediction(
        name, version, spans=tuple(spans), questions=_questions(doc, text)
    )


def _suggested(span, score: float, text: str) -> SuggestedSpan:
    start, end = span.start_char, span.end_char
    return SuggestedSpan(
        start=start,
        end=end,
        label=span.label_,
        text=text[start:end],
        score=round(float(score), 4),
        source=span.id_ or "model",
    )


def _questions(doc: Doc, text: str) -> tuple[QuestionSuggestion, ...]:
    by_question: dict[str, dict[str, float]] = {}
    for key, value in doc.cats.items():
        question, sep, choice = key.partition(":")
        if sep and question and choice:
            by_question.setdefault(question, {})[choice] = max(float(value), 0.0)
    suggestions = []
    for question, raw in by_question.items():
        order = [c for c in _CHOICE_ORDER.get(question, ()) if c in raw]
        order += [c for c in raw if c not in order]
        total = sum(raw.values())
        scores = {c: (raw[c] / total if total else 1.0 / len(order)) for c in order}
        key = f"{EVIDENCE_PREFIX}{question}"
        evidence: tuple[SuggestedSpan, ...] = ()
        if key in doc.spans:
            evidence = tuple(
                _suggested(span, score, text)
                for span, score in zip(
                    doc.spans[key], span_scores(doc, key), strict=True
                )
            )
        suggestions.append(QuestionSuggestion(question, scores, evidence))
    return tuple(suggestions)
