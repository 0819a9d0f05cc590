"""Reading ``articles``/``jsonl`` items, our own ``jsonl`` export rows included.

Imported by ``importers.readers``; imports the package's plain types and label
mapper. No database access.

A plain item (``{title, text, language?, external_id?, meta?}``) is an article.
An item with any key that only our ``jsonl`` export writes (``id``, ``spans``,
``labels``, ``split``, ``guideline_version``, ``annotator``, ``status``,
``pipeline``...) is a row of that export: its article, plus

- an annotation (``spans`` and ``labels``) by ``annotator`` (else the caller's
  name, else ``gold`` for a gold row, whose ``meta.newsroom`` says ``gold``);
  ``status: draft`` stays a draft, ``skipped`` rows are not imported;
- or, for a ``source=predictions`` row (``pipeline`` set), a prediction with its
  version, span scores, ``label_scores`` and ``evidence``.

``meta.newsroom`` (what the export says about the row) is not article meta.
"""

from __future__ import annotations

from typing import Any

from .labels import LabelMapper, add_answer, exported_prediction, finish
from .parsed import ARTICLE_FIELDS, EXPORT_META_KEY, ImportedAnnotation, ParsedImport

EXPORT_ONLY_KEYS = frozenset(
    {
        "id",
        "spans",
        "labels",
        "split",
        "guideline_version",
        "annotator",
        "status",
        "pipeline",
        "pipeline_version",
        "label_scores",
        "evidence",
    }
)


def parse_rows(
    items: list[Any], mapper: LabelMapper, *, fmt: str, default_annotator: str | None
) -> ParsedImport:
    """Articles, and the annotations and predictions of export rows."""
    parsed = ParsedImport(format=fmt, tool=fmt)
    errors: list[dict[str, Any]] = []
    skipped = 0
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not EXPORT_ONLY_KEYS & item.keys():
            parsed.articles.append(item)
            continue
        meta = item.get("meta") if isinstance(item.get("meta"), dict) else {}
        parsed.articles.append(_article(item))
        spans, problems = _spans(item.get("spans"), mapper)
        if item.get("pipeline") is not None:
            if not problems:
                parsed.predictions.append(
                    exported_prediction(index, item, spans, mapper)
                )
        else:
            labels, more = _answers(item.get("labels"), mapper)
            problems += more
            if item.get("status") == "skipped":
                skipped += 1
            elif not problems and (spans or labels or item.get("annotator")):
                name = item.get("annotator") or default_annotator
                if not name:
                    name = "gold" if "gold" in meta.get(EXPORT_META_KEY, {}) else None
                parsed.annotations.append(
                    ImportedAnnotation(
                        index=index,
                        annotator=str(name or "unknown"),
                        spans=spans,
                        labels=labels,
                        draft=item.get("status") == "draft",
                    )
                )
        if problems:
            errors.append({"index": index, "errors": {"annotations": problems}})
    return finish(parsed, errors, skipped)


def _article(item: dict[str, Any]) -> dict[str, Any]:
    article = {key: item[key] for key in ARTICLE_FIELDS if key in item}
    if isinstance(article.get("meta"), dict):
        article["meta"] = {
            k: v for k, v in article["meta"].items() if k != EXPORT_META_KEY
        }
    if article.get("external_id") is None:
        article.pop("external_id", None)
    return article


def _spans(raw: Any, mapper: LabelMapper) -> tuple[list[dict], list[str]]:
    """``[{start, end, label, text?, score?}]`` with labels mapped onto the scheme."""
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        return [], ["spans must be a list of {start, end, label} objects"]
    spans: list[dict] = []
    for span in raw:
        if not isinstance(span, dict):
            return [], [f"span {span!r} is not an object"]
        label = mapper.span(span.get("label"))
        if label is not None:
            kept = {k: span[k] for k in ("start", "end", "text", "score") if k in span}
            spans.append({**kept, "label": label})
    return spans, []


def _answers(raw: Any, mapper: LabelMapper) -> tuple[dict[str, Any], list[str]]:
    """``{question: choice | [choices]}`` mapped onto the scheme."""
    if raw is None:
        return {}, []
    if not isinstance(raw, dict):
        return {}, ["labels must be an object {question: choice or [choices]}"]
    labels: dict[str, Any] = {}
    for question, value in raw.items():
        choices = [] if value is None else [value] if isinstance(value, str) else value
        if not isinstance(choices, list):
            return {}, [f"labels[{question!r}] must be a choice or a list of them"]
        for choice in choices:
            mapped = mapper.choice(question, choice)
            if mapped is not None:
                add_answer(labels, mapper.scheme, *mapped)
    return labels, []
