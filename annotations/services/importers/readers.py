"""Reading import files and request bodies: decoding, format detection, parsing.

Imported by the package's ``apply`` module and its callers; imports the Label
Studio and doccano readers, the label mapper and the plain types. Pure: bytes in,
``ParsedImport`` out, no database access.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import ValidationError

from annotations.models import Project
from annotations.services.articles import ArticleImportError
from annotations.validation import json_problems

from .doccano import parse_doccano
from .labels import LabelMapper
from .labelstudio import parse_labelstudio
from .labelstudio_csv import is_labelstudio_csv, labelstudio_csv_tasks
from .parsed import ARTICLE_FIELDS, FORMATS, ImportFormatError, ParsedImport
from .rows import parse_rows

MAX_ANNOTATOR = 100


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
    except RecursionError as error:
        raise ImportFormatError("The JSON is nested too deeply.") from error


def refuse_unstorable(decoded: Any, lines: list[int]) -> None:
    """ArticleImportError naming every NUL or lone surrogate, per item and field.

    Checked on the decoded file before any reader looks at it, so no text that
    the database cannot store reaches an article, annotation or user name.
    Each problem is reported under its item's first-level field (the rest of
    the path leads the message).
    """
    items = decoded if isinstance(decoded, list) else [decoded]
    errors: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        problems = json_problems(item)
        if not problems:
            continue
        fields: dict[str, list[str]] = {}
        for path, message in problems:
            field = path[0] if path else "non_field_errors"
            rest = ".".join(path[1:])
            fields.setdefault(field, []).append(
                f"{rest}: {message}" if rest else message
            )
        entry: dict[str, Any] = {"index": index, "errors": fields}
        if index < len(lines):
            entry["line"] = lines[index]
        errors.append(entry)
    if errors:
        raise ArticleImportError(errors)


def _load_jsonl(text: str) -> tuple[list[Any], list[int]]:
    """The items of a JSON Lines text and the line of each.

    Lines end at ``\\n`` only (``\\r\\n`` too): U+2028, U+2029 and U+0085 are
    allowed raw inside JSON strings (doccano's export and ours write them so),
    which ``str.splitlines`` would cut apart.
    """
    items, lines = [], []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise ImportFormatError(
                f"Malformed JSON on line {number}, column {error.colno}: {error.msg}."
            ) from error
        except RecursionError as error:
            raise ImportFormatError(
                f"The JSON on line {number} is nested too deeply."
            ) from error
        lines.append(number)
    return items, lines


def _load_csv(text: str) -> tuple[list[dict[str, Any]], list[int]]:
    """Rows of a CSV text with a header (``text`` required) and the line of each."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "text" not in reader.fieldnames:
        raise ImportFormatError(
            "A CSV import needs a header row with a 'text' column "
            f"(found: {', '.join(reader.fieldnames or []) or 'no header'})."
        )
    rows, lines = [], []
    try:
        start = reader.line_num + 1
        for row in reader:
            if None in row:
                raise ImportFormatError(
                    f"CSV line {reader.line_num} has more cells than the header."
                )
            rows.append(row)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as error:
        raise ImportFormatError(f"Malformed CSV: {error}.") from error
    return rows, lines


def csv_articles(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Plain CSV rows as article items: other non-empty columns go into ``meta``."""
    items = []
    for row in rows:
        item: dict[str, Any] = {"meta": {}}
        for key, value in row.items():
            if value in (None, ""):
                continue
            if key in ARTICLE_FIELDS:
                item[key] = value
            else:
                item["meta"][key] = value
        items.append(item)
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
        line = stripped.split("\n", 1)[0]
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
    annotator: str | None = None,
) -> ParsedImport:
    """Read ``data`` (raw bytes/text, or an already decoded JSON list) into items.

    ``annotator`` names whoever made the annotations of items that name nobody
    (doccano lines without ``user``; for doccano the file name's stem is the
    fallback). Raises ImportFormatError for a file that cannot be read as ``fmt``,
    ValidationError for a bad ``annotator``, and ArticleImportError
    (``[{"index", "errors"}]``) for items that do not fit the scheme or their
    text, listing every unknown label.
    """
    if fmt is not None and fmt not in FORMATS:
        raise ImportFormatError(
            f"Unknown import format {fmt!r}; use one of {', '.join(FORMATS)}."
        )
    annotator = check_annotator(annotator)
    lines: list[int] = []
    if isinstance(data, list | dict):
        if fmt == "csv":
            raise ImportFormatError("A CSV import needs the file's text, not JSON.")
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
            decoded, lines = _load_csv(text)
        else:
            decoded, lines = _load_jsonl(text)
    refuse_unstorable(decoded, lines)
    mapper = LabelMapper(project.parsed_scheme, label_mapping or {})
    if fmt == "labelstudio":
        parsed = parse_labelstudio(decoded, mapper, default_annotator=annotator)
    elif fmt == "doccano":
        parsed = parse_doccano(
            decoded,
            mapper,
            default_annotator=annotator or _file_stem(filename) or "doccano",
        )
    elif fmt == "csv":
        parsed = parse_csv(decoded, lines, mapper, default_annotator=annotator)
    else:
        if not isinstance(decoded, list):
            raise ImportFormatError(
                "Expected a JSON list of articles "
                "([{title, text, language?, external_id?, meta?}, ...])."
            )
        parsed = parse_rows(decoded, mapper, fmt=fmt, default_annotator=annotator)
    parsed.lines = parsed.lines or lines
    mapper.raise_unknown()
    return parsed


def parse_csv(
    rows: list[dict[str, Any]],
    lines: list[int],
    mapper: LabelMapper,
    *,
    default_annotator: str | None,
) -> ParsedImport:
    """Plain CSV articles, or a Label Studio CSV export with its annotations."""
    if is_labelstudio_csv(rows):
        tasks, task_lines, warnings = labelstudio_csv_tasks(rows, lines, mapper)
        parsed = parse_labelstudio(tasks, mapper, default_annotator=default_annotator)
        parsed.format, parsed.lines = "csv", task_lines
        parsed.warnings += warnings
        return parsed
    return ParsedImport(format="csv", tool="", articles=csv_articles(rows))


def check_annotator(annotator: Any) -> str | None:
    """The caller's annotator name, stripped (None when not given)."""
    if annotator is None or annotator == "":
        return None
    if (
        not isinstance(annotator, str)
        or not annotator.strip()
        or len(annotator) > MAX_ANNOTATOR
        or "\x00" in annotator
    ):
        raise ValidationError(
            {
                "annotator": [
                    f"A name of 1 to {MAX_ANNOTATOR} characters (no NUL), e.g. anna."
                ]
            }
        )
    return annotator.strip()


def _file_stem(filename: str | None) -> str | None:
    """``anna`` for ``exports/anna.jsonl``: doccano writes one file per annotator."""
    if not filename:
        return None
    return PurePosixPath(filename.replace("\\", "/")).stem or None


class ImportBodyError(ValueError):
    """A JSON request body that is not UTF-8, not JSON or not a list: HTTP 400."""


@dataclass
class RequestBody:
    """What an HTTP import body holds: decoded items (or raw text), format, mapping."""

    data: bytes | list
    fmt: str | None
    label_mapping: Any


def read_request_body(
    raw: bytes, *, content_type: str, fmt: str | None, label_mapping: str | None
) -> RequestBody:
    """Read an import request: a JSON list, an ``{items, format?, label_mapping?}``
    object or one Label Studio task; other bodies (JSONL, doccano, CSV) stay bytes.

    ``label_mapping`` is the query parameter's JSON text (ValidationError when it is
    not JSON). Raises ImportBodyError for a JSON body that cannot be read.
    """
    mapping: Any = None
    if label_mapping:
        try:
            mapping = json.loads(label_mapping)
        except json.JSONDecodeError as error:
            raise ValidationError(
                {"label_mapping": [f"Not JSON: {error.msg}."]}
            ) from error
    media_type = content_type.split(";")[0].strip().lower()
    if media_type not in ("application/json", "") or fmt not in (
        None,
        "articles",
        "labelstudio",
    ):
        return RequestBody(data=raw, fmt=fmt, label_mapping=mapping)
    body = _json_body(raw)
    if isinstance(body, dict) and "items" in body:
        fmt = body.get("format") or fmt
        mapping = body.get("label_mapping", mapping)
        body = body["items"]
    if isinstance(body, dict) and "data" in body:
        body = [body]
    if not isinstance(body, list):
        raise ImportBodyError(
            "Expected a JSON list of articles (or an object with an items list)."
        )
    return RequestBody(data=body, fmt=fmt, label_mapping=mapping)


FORMAT_HINT = (
    "A JSON body must be one JSON document (a list of articles or tasks). For JSON "
    "Lines, doccano JSONL or CSV add ?format=jsonl, ?format=doccano or "
    "?format=csv (or send Content-Type application/x-ndjson or text/csv, or "
    "upload the file as multipart form data: curl -F file=@data.jsonl)."
)


def _json_body(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportBodyError("The body is not UTF-8 text.") from None
    except RecursionError:
        raise ImportBodyError("The JSON body is nested too deeply.") from None
    except json.JSONDecodeError as error:
        looks = ""
        if error.msg == "Extra data" and error.lineno > 1:
            looks = " It looks like JSON Lines (one object per line)."
        raise ImportBodyError(
            f"Malformed JSON at line {error.lineno}, column {error.colno}: "
            f"{error.msg}.{looks} {FORMAT_HINT}"
        ) from error
