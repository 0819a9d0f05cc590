"""Import from files and other tools: plain JSON/JSONL/CSV, Label Studio, doccano.

Imported by the API and the ``import_articles`` command; uses the article service,
the models and the pure ``scheme``/``offsets`` helpers. Parsing is pure (bytes in,
``ParsedImport`` out); ``import_apply`` writes everything in one transaction, so a
rejected import writes nothing.

Formats (``fmt``; ``None`` = detect from the file name and the content):

- ``articles``: a JSON list of ``{title, text, language?, external_id?, meta?}``.
- ``jsonl``: the same objects, one per line.
- ``csv``: a header row; columns ``title``, ``text``, ``language``, ``external_id``;
  every other non-empty column goes into ``meta``.
- ``labelstudio``: Label Studio task JSON (a list of tasks, or one task):
  ``{"id", "data": {"text", "title"?, "external_id"?, "meta"?, ...},
  "annotations": [{"result": [...], "completed_by": ...}], "predictions": [...]}``.
  ``labels`` results become spans (one per label listed), ``choices`` results answer
  the question named by ``from_name``; other result types are counted as ignored.
  Cancelled annotations (``was_cancelled``) are skipped. Other ``data`` keys go into
  ``meta``.
- ``doccano``: doccano JSONL: ``{"text", "label": [[start, end, "LABEL"], ...]}`` or
  ``{"text", "entities": [{"start_offset", "end_offset", "label"}], "cats": [...]}``;
  a ``label`` list of plain strings (text classification) answers questions.

**Labels.** Span labels and answers must map onto the project's scheme. A span label
maps to itself when the scheme has it, else through ``label_mapping``
(``{"B-ORG": "ORG", "MISC": null}``; null drops the span). A choice maps through
``label_mapping["<question>:<choice>"]`` (or ``["<choice>"]`` for doccano's plain
labels) to ``"<question>:<choice>"``, or to itself when ``from_name`` is a question
key and the choice one of its choices; a doccano plain label that is a choice of
exactly one question answers that question. Anything else is an error that lists
every unknown label; nothing is written.

**Offsets** are kept exactly: code points into the text (what our exports and Label
Studio's ``value.text`` agree on). When a result's ``text`` only matches after reading
``start``/``end`` as UTF-16 code units (a browser's count), they are converted;
offsets that fit neither way are an error naming the item.

**Annotators.** Imported annotations need a user: one per source annotator name,
``imported.<tool>.<name>`` (Label Studio: ``completed_by`` email, name or id;
doccano: the item's ``user``/``annotator`` field, else ``doccano``), created
inactive with an unusable password (they cannot log in) and added to the project as
annotators. A later import reuses them; an *active* account with such a name is
refused. An annotator who already annotated the article keeps their stored
annotation (imports are idempotent). Imported annotations are ``submitted`` when
they answer every required question, else ``draft``.

**Predictions** (Label Studio ``predictions``) become ``Prediction`` rows of pipeline
``labelstudio`` with the task's ``model_version`` (``imported`` if none), span and
choice scores from ``score``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annotations.choices import AnnotationStatus, Role, SpanOrigin
from annotations.models import (
    Annotation,
    AnnotationSpan,
    Article,
    Membership,
    Prediction,
    Project,
)
from annotations.models.article import text_sha256
from annotations.offsets import SpanError, parse_spans, utf16_to_codepoint
from annotations.scheme import Scheme, SchemeError, validate_answers
from annotations.selectors import guideline_current
from annotations.services.articles import ArticleImportError, articles_import

FORMATS = ("articles", "jsonl", "csv", "labelstudio", "doccano")
ARTICLE_FIELDS = ("title", "text", "language", "external_id", "meta")
USERNAME_MAX = 150
_NAME_CLEAN = re.compile(r"[^\w.@+-]+")


class ImportFormatError(ValidationError):
    """The file as a whole cannot be read (malformed, wrong format): HTTP 400."""


@dataclass
class ImportedAnnotation:
    index: int
    annotator: str  # source name
    spans: list[dict[str, Any]]
    labels: dict[str, Any]


@dataclass
class ImportedPrediction:
    index: int
    version: str
    spans: list[dict[str, Any]]
    labels: dict[str, dict[str, float]]


@dataclass
class ParsedImport:
    format: str
    tool: str
    articles: list[Any] = field(default_factory=list)
    annotations: list[ImportedAnnotation] = field(default_factory=list)
    predictions: list[ImportedPrediction] = field(default_factory=list)
    ignored_results: int = 0


@dataclass
class ImportSummary:
    format: str
    articles_created: int = 0
    articles_existing: int = 0
    annotations_created: int = 0
    annotations_existing: int = 0
    predictions_created: int = 0
    ignored_results: int = 0
    annotators: list[str] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)
    preannotation_job: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "created": self.articles_created,
            "existing": self.articles_existing,
            "annotations_created": self.annotations_created,
            "annotations_existing": self.annotations_existing,
            "predictions_created": self.predictions_created,
            "ignored_results": self.ignored_results,
            "annotators": self.annotators,
            "ids": self.created_ids,
            "preannotation_job": self.preannotation_job,
        }


# --- reading files ---------------------------------------------------------------


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFormatError(
            f"The file is not UTF-8 text (byte {error.start}): is it the right file?"
        ) from error


def _load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFormatError(
            f"Malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}."
        ) from error


def _load_jsonl(text: str) -> list[Any]:
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise ImportFormatError(
                f"Malformed JSON on line {number}, column {error.colno}: {error.msg}."
            ) from error
    return items


def _load_csv(text: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "text" not in reader.fieldnames:
        raise ImportFormatError(
            "A CSV import needs a header row with a 'text' column "
            f"(found: {', '.join(reader.fieldnames or []) or 'no header'})."
        )
    items = []
    try:
        for row in reader:
            item: dict[str, Any] = {"meta": {}}
            for key, value in row.items():
                if key is None:
                    raise ImportFormatError(
                        f"CSV line {reader.line_num} has more cells than the header."
                    )
                if key in ARTICLE_FIELDS:
                    if value not in (None, ""):
                        item[key] = value
                elif value not in (None, ""):
                    item["meta"][key] = value
            items.append(item)
    except csv.Error as error:
        raise ImportFormatError(f"Malformed CSV: {error}.") from error
    return items


def detect_format(text: str, filename: str | None = None) -> str:
    """Guess the format from the file name and the first item."""
    name = (filename or "").lower()
    if name.endswith(".csv"):
        return "csv"
    stripped = text.lstrip()
    if stripped.startswith("["):
        first = _load_json(text)
        if isinstance(first, list) and first and isinstance(first[0], dict):
            return "labelstudio" if "data" in first[0] else "articles"
        return "articles"
    if stripped.startswith("{"):
        line = stripped.splitlines()[0]
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            obj = _load_json(text)  # a single pretty-printed object
            if isinstance(obj, dict) and "data" in obj:
                return "labelstudio"
            raise ImportFormatError(
                "Expected a JSON list, JSON Lines or CSV file."
            ) from None
        if isinstance(obj, dict) and "data" in obj:
            return "labelstudio"
        if isinstance(obj, dict) and ("entities" in obj or "label" in obj):
            return "doccano"
        return "jsonl"
    if name.endswith((".json", ".jsonl")):
        raise ImportFormatError("The file is not JSON: it starts with neither [ nor {.")
    raise ImportFormatError(
        "Unrecognised file: expected a JSON list, JSON Lines (plain or doccano), "
        "Label Studio task JSON or CSV with a header row."
    )


def parse_import(
    data: bytes | str | list,
    *,
    project: Project,
    fmt: str | None = None,
    filename: str | None = None,
    label_mapping: dict[str, str | None] | None = None,
) -> ParsedImport:
    """Read ``data`` (raw bytes/text, or an already decoded JSON list) into items.

    Raises ImportFormatError for a file that cannot be read as ``fmt``, and
    ArticleImportError (``[{"index", "errors"}]``) for items that do not fit the
    scheme or their text, listing every unknown label.
    """
    if fmt is not None and fmt not in FORMATS:
        raise ImportFormatError(
            f"Unknown import format {fmt!r}; use one of {', '.join(FORMATS)}."
        )
    if isinstance(data, list | dict):
        decoded: Any = data
        fmt = fmt or (
            "labelstudio"
            if isinstance(data, dict)
            or (data and isinstance(data[0], dict) and "data" in data[0])
            else "articles"
        )
    else:
        text = _decode(data)
        if not text.strip():
            raise ImportFormatError("The file is empty.")
        fmt = fmt or detect_format(text, filename)
        if fmt in ("articles", "labelstudio"):
            decoded = _load_json(text)
        elif fmt == "csv":
            decoded = _load_csv(text)
        else:
            decoded = _load_jsonl(text)
    mapper = LabelMapper(project.parsed_scheme, label_mapping or {})
    if fmt == "labelstudio":
        parsed = _parse_labelstudio(decoded, mapper)
    elif fmt == "doccano":
        parsed = _parse_doccano(decoded, mapper)
    else:
        if not isinstance(decoded, list):
            raise ImportFormatError(
                "Expected a JSON list of articles "
                "([{title, text, language?, external_id?, meta?}, ...])."
            )
        parsed = ParsedImport(format=fmt, tool="", articles=decoded)
    mapper.raise_unknown()
    return parsed


# --- labels ----------------------------------------------------------------------


class LabelMapper:
    """Maps source span labels and choices onto the scheme, collecting unknown ones."""

    def __init__(self, scheme: Scheme, mapping: dict[str, str | None]) -> None:
        if not isinstance(mapping, dict):
            raise ImportFormatError("label_mapping must be an object.")
        self.scheme = scheme
        self.mapping = mapping
        self.span_keys = set(scheme.span_label_keys)
        self.unknown_spans: set[str] = set()
        self.unknown_choices: set[str] = set()
        bad = [
            f"{source} → {target}"
            for source, target in mapping.items()
            if target is not None and not self._valid_target(target)
        ]
        if bad:
            raise ImportFormatError(
                "label_mapping points at labels the scheme does not have: "
                + "; ".join(sorted(bad))
            )

    def _valid_target(self, target: str) -> bool:
        if target in self.span_keys:
            return True
        question, _, choice = str(target).partition(":")
        q = self.scheme.question(question)
        return q is not None and choice in q.choice_keys

    def span(self, label: str) -> str | None:
        """The scheme label, or None to drop; unknown labels are recorded."""
        if label in self.mapping:
            target = self.mapping[label]
            return target if target in self.span_keys or target is None else None
        if label in self.span_keys:
            return label
        self.unknown_spans.add(str(label))
        return None

    def choice(self, question: str | None, choice: str) -> tuple[str, str] | None:
        keys = [f"{question}:{choice}"] if question else []
        keys.append(str(choice))
        for key in keys:
            if key in self.mapping:
                target = self.mapping[key]
                if target is None:
                    return None
                q, _, c = target.partition(":")
                return q, c
        if question:
            q = self.scheme.question(question)
            if q is not None and choice in q.choice_keys:
                return question, choice
        else:
            owners = [q for q in self.scheme.questions if choice in q.choice_keys]
            if len(owners) == 1:
                return owners[0].key, choice
        self.unknown_choices.add(keys[0])
        return None

    def raise_unknown(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.unknown_spans:
            errors["labels"] = [
                "Unknown span label(s): "
                + ", ".join(sorted(self.unknown_spans))
                + f". The scheme has {', '.join(sorted(self.span_keys))}; map them "
                'with label_mapping, e.g. {"B-ORG": "ORG"} (null drops a label).'
            ]
        if self.unknown_choices:
            errors.setdefault("labels", []).append(
                "Unknown choice(s): "
                + ", ".join(sorted(self.unknown_choices))
                + '. Map them with label_mapping, e.g. {"sentiment:pos": '
                '"sentiment:positive"}.'
            )
        if errors:
            raise ImportFormatError(errors)


def _add_answer(labels: dict[str, Any], scheme: Scheme, question: str, choice: str):
    q = scheme.question(question)
    if q is not None and q.multiple:
        labels.setdefault(question, [])
        if choice not in labels[question]:
            labels[question].append(choice)
    else:
        labels[question] = choice


# --- Label Studio ------------------------------------------------------------------


def _annotator_name(completed_by: Any) -> str:
    if isinstance(completed_by, dict):
        completed_by = (
            completed_by.get("email")
            or completed_by.get("username")
            or completed_by.get("id")
        )
    if completed_by is None or completed_by == "":
        return "unknown"
    if isinstance(completed_by, int) and not isinstance(completed_by, bool):
        return f"user{completed_by}"
    return str(completed_by)


def _ls_results(
    results: Any, mapper: LabelMapper, parsed: ParsedImport, *, with_scores: bool
) -> tuple[list[dict], dict[str, Any], str | None]:
    """Spans and answers of one Label Studio result list (or an error message)."""
    if not isinstance(results, list):
        return [], {}, "result must be a list"
    spans: list[dict] = []
    labels: dict[str, Any] = {}
    for result in results:
        if not isinstance(result, dict) or not isinstance(result.get("value"), dict):
            return [], {}, "every result needs a value object"
        value = result["value"]
        kind = result.get("type")
        if kind == "labels" or (kind is None and "labels" in value):
            names = value.get("labels")
            if not isinstance(names, list):
                return [], {}, "a labels result needs value.labels as a list"
            for name in names:
                label = mapper.span(name)
                if label is None:
                    continue
                span = {
                    "start": value.get("start"),
                    "end": value.get("end"),
                    "label": label,
                }
                if "text" in value:
                    span["text"] = value["text"]
                if with_scores:
                    span["score"] = result.get("score", value.get("score"))
                spans.append(span)
        elif kind == "choices" or (kind is None and "choices" in value):
            choices = value.get("choices")
            if not isinstance(choices, list):
                return [], {}, "a choices result needs value.choices as a list"
            for choice in choices:
                mapped = mapper.choice(result.get("from_name"), choice)
                if mapped is None:
                    continue
                question, key = mapped
                if with_scores:
                    score = result.get("score")
                    labels.setdefault(question, {})[key] = (
                        float(score) if isinstance(score, int | float) else 1.0
                    )
                else:
                    _add_answer(labels, mapper.scheme, question, key)
        else:
            parsed.ignored_results += 1
    return spans, labels, None


def _parse_labelstudio(decoded: Any, mapper: LabelMapper) -> ParsedImport:
    tasks = [decoded] if isinstance(decoded, dict) else decoded
    if not isinstance(tasks, list):
        raise ImportFormatError("Label Studio JSON must be a list of tasks.")
    parsed = ParsedImport(format="labelstudio", tool="labelstudio")
    errors: list[dict[str, Any]] = []
    for index, task in enumerate(tasks):
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            errors.append(
                {
                    "index": index,
                    "errors": {"data": ["A Label Studio task needs a data object."]},
                }
            )
            parsed.articles.append({})
            continue
        data = task["data"]
        meta = dict(data["meta"]) if isinstance(data.get("meta"), dict) else {}
        for key, value in data.items():
            if key not in ARTICLE_FIELDS:
                meta[key] = value
        article = {"text": data.get("text"), "meta": meta}
        for key in ("title", "language", "external_id"):
            if data.get(key) is not None:
                article[key] = data[key]
        parsed.articles.append(article)
        item_errors: list[str] = []
        for number, annotation in enumerate(task.get("annotations") or []):
            if not isinstance(annotation, dict):
                item_errors.append(f"annotations[{number}] must be an object")
                continue
            if annotation.get("was_cancelled"):
                continue
            spans, labels, problem = _ls_results(
                annotation.get("result", []), mapper, parsed, with_scores=False
            )
            if problem:
                item_errors.append(f"annotations[{number}]: {problem}")
                continue
            parsed.annotations.append(
                ImportedAnnotation(
                    index=index,
                    annotator=_annotator_name(annotation.get("completed_by")),
                    spans=spans,
                    labels=labels,
                )
            )
        for number, prediction in enumerate(task.get("predictions") or []):
            if not isinstance(prediction, dict):
                item_errors.append(f"predictions[{number}] must be an object")
                continue
            spans, labels, problem = _ls_results(
                prediction.get("result", []), mapper, parsed, with_scores=True
            )
            if problem:
                item_errors.append(f"predictions[{number}]: {problem}")
                continue
            default = prediction.get("score")
            for span in spans:
                if not isinstance(span.get("score"), int | float):
                    span["score"] = (
                        float(default) if isinstance(default, int | float) else 1.0
                    )
            parsed.predictions.append(
                ImportedPrediction(
                    index=index,
                    version=str(prediction.get("model_version") or "imported"),
                    spans=spans,
                    labels=labels,
                )
            )
        if item_errors:
            errors.append({"index": index, "errors": {"annotations": item_errors}})
    if errors:
        raise ArticleImportError(errors)
    return parsed


# --- doccano ------------------------------------------------------------------------


def _parse_doccano(items: list[Any], mapper: LabelMapper) -> ParsedImport:
    parsed = ParsedImport(format="doccano", tool="doccano")
    errors: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append(
                {"index": index, "errors": {"non_field_errors": ["Must be an object."]}}
            )
            parsed.articles.append({})
            continue
        article = {"text": item.get("text"), "meta": {}}
        for key in ("title", "language", "external_id"):
            if item.get(key) is not None:
                article[key] = item[key]
        if "external_id" not in article and item.get("id") is not None:
            article["meta"]["doccano_id"] = item["id"]
        if isinstance(item.get("meta"), dict):
            article["meta"].update(item["meta"])
        parsed.articles.append(article)
        spans: list[dict] = []
        labels: dict[str, Any] = {}
        problems: list[str] = []
        raw_spans = item.get("entities")
        raw_labels = item.get("label", [])
        if (
            raw_spans is None
            and isinstance(raw_labels, list)
            and any(isinstance(x, list) for x in raw_labels)
        ):
            raw_spans, raw_labels = raw_labels, item.get("cats", [])
        elif raw_spans is not None:
            raw_labels = item.get("cats", item.get("label", []))
        for raw in raw_spans or []:
            if isinstance(raw, list) and len(raw) == 3:
                start, end, name = raw
            elif isinstance(raw, dict):
                start, end, name = (
                    raw.get("start_offset"),
                    raw.get("end_offset"),
                    raw.get("label"),
                )
            else:
                problems.append(
                    f"span {raw!r} is neither [start, end, label] nor an object"
                )
                continue
            label = mapper.span(name)
            if label is not None:
                spans.append({"start": start, "end": end, "label": label})
        if not isinstance(raw_labels, list):
            raw_labels = [raw_labels]
        for name in raw_labels:
            if not isinstance(name, str):
                problems.append(f"document label {name!r} must be a string")
                continue
            question, _, choice = (
                name.partition(":") if ":" in name else (None, "", name)
            )
            mapped = mapper.choice(question, choice)
            if mapped is not None:
                _add_answer(labels, mapper.scheme, *mapped)
        if problems:
            errors.append({"index": index, "errors": {"label": problems}})
            continue
        if spans or labels:
            annotator = item.get("user") or item.get("annotator") or "doccano"
            parsed.annotations.append(
                ImportedAnnotation(
                    index=index,
                    annotator=_annotator_name(annotator),
                    spans=spans,
                    labels=labels,
                )
            )
    if errors:
        raise ArticleImportError(errors)
    return parsed


# --- checking against the texts and writing ---------------------------------------


def _fit_offsets(text: str, span: dict[str, Any]) -> dict[str, Any]:
    """Code-point offsets for ``span``; UTF-16 offsets converted when only they fit."""
    start, end, given = span.get("start"), span.get("end"), span.get("text")
    if (
        given is not None
        and isinstance(start, int)
        and isinstance(end, int)
        and text[start:end] != given
    ):
        try:
            cp_start = utf16_to_codepoint(text, start)
            cp_end = utf16_to_codepoint(text, end)
        except ValueError:
            return span
        if text[cp_start:cp_end] == given:
            return {**span, "start": cp_start, "end": cp_end}
    return span


def _check_annotations(
    parsed: ParsedImport, project: Project
) -> tuple[list[tuple[ImportedAnnotation, list, dict, str]], list[dict[str, Any]]]:
    scheme = project.parsed_scheme
    checked = []
    errors: dict[int, dict[str, list[str]]] = defaultdict(dict)
    seen: set[tuple[int, str]] = set()
    for item in parsed.annotations:
        text = parsed.articles[item.index].get("text") or ""
        key = (item.index, item.annotator)
        if key in seen:
            errors[item.index].setdefault("annotations", []).append(
                f"Two annotations by {item.annotator!r} on one article."
            )
            continue
        seen.add(key)
        fitted = [_fit_offsets(text, span) for span in item.spans]
        try:
            spans = parse_spans(
                [{k: v for k, v in s.items() if k != "score"} for s in fitted],
                text=text,
                label_keys=scheme.span_label_keys,
                allow_overlap=project.allow_overlapping_spans,
            )
        except SpanError as error:
            errors[item.index].setdefault("spans", []).extend(
                f"{item.annotator}: {message}" for message in error.errors
            )
            continue
        try:
            labels = validate_answers(scheme, item.labels, require_complete=False)
        except SchemeError as error:
            errors[item.index].setdefault("labels", []).extend(
                m for messages in error.errors.values() for m in messages
            )
            continue
        try:
            validate_answers(scheme, labels, require_complete=True)
            status = AnnotationStatus.SUBMITTED
        except SchemeError:
            status = AnnotationStatus.DRAFT
        checked.append((item, spans, labels, status))
    for prediction in parsed.predictions:
        text = parsed.articles[prediction.index].get("text") or ""
        fitted = [_fit_offsets(text, span) for span in prediction.spans]
        try:
            parse_spans(
                [{k: v for k, v in s.items() if k != "score"} for s in fitted],
                text=text,
                label_keys=scheme.span_label_keys,
                allow_overlap=True,
            )
        except SpanError as error:
            errors[prediction.index].setdefault("predictions", []).extend(error.errors)
            continue
        prediction.spans = [{**s, "text": text[s["start"] : s["end"]]} for s in fitted]
    return checked, [
        {"index": index, "errors": item_errors}
        for index, item_errors in sorted(errors.items())
    ]


def _merge_errors(*lists: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged: dict[int, dict[str, list[str]]] = defaultdict(dict)
    for errors in lists:
        for entry in errors:
            for key, messages in entry["errors"].items():
                merged[entry["index"]].setdefault(key, []).extend(messages)
    return [{"index": i, "errors": merged[i]} for i in sorted(merged)]


def _imported_user(tool: str, name: str):
    User = get_user_model()
    cleaned = _NAME_CLEAN.sub("_", name).strip("_") or "unknown"
    username = f"imported.{tool}.{cleaned}"[:USERNAME_MAX]
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, is_active=False)
        user.set_unusable_password()
        user.save()
    elif user.is_active:
        raise ValidationError(
            {
                "annotations": [
                    f"The username {username!r} belongs to an active account; "
                    "imported annotations are never attributed to one."
                ]
            }
        )
    return user


def _article_for(project: Project, item: dict[str, Any]) -> Article:
    external_id = item.get("external_id")
    if external_id not in (None, ""):
        return Article.objects.get(project=project, external_id=str(external_id))
    return (
        Article.objects.filter(
            project=project,
            external_id__isnull=True,
            content_hash=text_sha256(item["text"]),
        )
        .order_by("id")
        .first()
    )


@transaction.atomic
def import_apply(
    *,
    project: Project,
    parsed: ParsedImport,
    created_by=None,
    preannotate: bool = True,
) -> ImportSummary:
    """Write a parsed import all-or-nothing (articles, annotations, predictions).

    New articles are queued for pre-annotation after the commit unless
    ``preannotate`` is False (see ``articles_import``).
    """
    checked, errors = _check_annotations(parsed, project)
    try:
        result = articles_import(
            project=project,
            items=parsed.articles,
            created_by=created_by,
            preannotate=preannotate,
        )
    except ArticleImportError as error:
        raise ArticleImportError(_merge_errors(error.errors, errors)) from error
    if errors:
        raise ArticleImportError(errors)
    summary = ImportSummary(
        format=parsed.format,
        articles_created=result.created_count,
        articles_existing=result.existing,
        ignored_results=parsed.ignored_results,
        created_ids=[article.pk for article in result.created],
    )
    job = getattr(result, "preannotation_job", None)
    summary.preannotation_job = str(job.pk) if job is not None else None
    if not checked and not parsed.predictions:
        return summary
    articles: dict[int, Article] = {}
    indexes = {item.index for item, *_ in checked} | {
        p.index for p in parsed.predictions
    }
    for index in sorted(indexes):
        articles[index] = _article_for(project, parsed.articles[index])
    users: dict[str, Any] = {}
    for item, *_ in checked:
        if item.annotator not in users:
            users[item.annotator] = _imported_user(parsed.tool, item.annotator)
    for user in users.values():
        Membership.objects.get_or_create(
            project=project, user=user, defaults={"role": Role.ANNOTATOR}
        )
    summary.annotators = sorted(user.get_username() for user in users.values())
    existing = set(
        Annotation.objects.filter(
            article__in=[a.pk for a in articles.values()],
            annotator__in=[u.pk for u in users.values()],
        ).values_list("article_id", "annotator_id")
    )
    guideline = guideline_current(project=project)
    now = timezone.now()
    new_annotations = []
    span_lists = []
    for item, spans, labels, status in checked:
        article = articles[item.index]
        user = users[item.annotator]
        if (article.pk, user.pk) in existing:
            summary.annotations_existing += 1
            continue
        existing.add((article.pk, user.pk))
        new_annotations.append(
            Annotation(
                article=article,
                annotator=user,
                status=status,
                labels=labels,
                guideline_version=guideline,
                text_sha256=article.content_hash,
                submitted_at=now if status == AnnotationStatus.SUBMITTED else None,
            )
        )
        span_lists.append(spans)
    Annotation.objects.bulk_create(new_annotations, batch_size=500)
    AnnotationSpan.objects.bulk_create(
        (
            AnnotationSpan(
                annotation=annotation,
                start=span.start,
                end=span.end,
                label=span.label,
                text=span.text,
                origin=SpanOrigin.MANUAL,
            )
            for annotation, spans in zip(new_annotations, span_lists, strict=True)
            for span in spans
        ),
        batch_size=1000,
    )
    summary.annotations_created = len(new_annotations)
    predictions = []
    seen_predictions = set(
        Prediction.objects.filter(
            article__in=[a.pk for a in articles.values()], pipeline="labelstudio"
        ).values_list("article_id", "pipeline_version")
    )
    for prediction in parsed.predictions:
        article = articles[prediction.index]
        key = (article.pk, prediction.version)
        if key in seen_predictions:
            continue
        seen_predictions.add(key)
        predictions.append(
            Prediction(
                article=article,
                pipeline="labelstudio",
                pipeline_version=prediction.version,
                spans=sorted(
                    prediction.spans, key=lambda s: (s["start"], s["end"], s["label"])
                ),
                labels=prediction.labels,
            )
        )
    Prediction.objects.bulk_create(predictions, batch_size=500)
    summary.predictions_created = len(predictions)
    return summary


def import_data(
    *,
    project: Project,
    data: bytes | str | list,
    fmt: str | None = None,
    filename: str | None = None,
    label_mapping: dict[str, str | None] | None = None,
    created_by=None,
    preannotate: bool = True,
) -> ImportSummary:
    """Parse and write in one go (see the module doc); raises before writing anything."""
    parsed = parse_import(
        data, project=project, fmt=fmt, filename=filename, label_mapping=label_mapping
    )
    return import_apply(
        project=project, parsed=parsed, created_by=created_by, preannotate=preannotate
    )
