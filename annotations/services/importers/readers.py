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
from typing import Any

from django.core.exceptions import ValidationError

from annotations.models import Project

from .doccano import parse_doccano
from .labels import LabelMapper
from .labelstudio import parse_labelstudio
from .parsed import ARTICLE_FIELDS, FORMATS, ImportFormatError, ParsedImport


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
        parsed = parse_labelstudio(decoded, mapper)
    elif fmt == "doccano":
        parsed = parse_doccano(decoded, mapper)
    else:
        if not isinstance(decoded, list):
            raise ImportFormatError(
                "Expected a JSON list of articles "
                "([{title, text, language?, external_id?, meta?}, ...])."
            )
        parsed = ParsedImport(format=fmt, tool="", articles=decoded)
    mapper.raise_unknown()
    return parsed


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


def _json_body(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportBodyError("The body is not UTF-8 text.") from None
    except json.JSONDecodeError as error:
        raise ImportBodyError(
            f"Malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}."
        ) from error
