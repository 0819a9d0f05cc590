"""Shared OpenAPI pieces: error responses, file media types, the schema hook.

Imported by the API modules and URLs and by ``SPECTACULAR_SETTINGS`` (the
postprocessing hook); imports no models. The hook documents the contract's error shapes on every
operation in one place, so no view has to repeat 400/401/403/404 in a decorator.
"""

from __future__ import annotations

import threading
from typing import Any, Final

from drf_spectacular.views import SpectacularAPIView

#: ``{"field": ["message"]}``: DRF's validation errors; nested fields give nested
#: objects or lists, form-level errors come under ``non_field_errors`` or ``detail``.
VALIDATION_ERROR_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "description": 'Field errors: {"field": ["message"]} (nested fields nest).',
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {}},
            {"type": "object"},
            {"type": "string"},
        ]
    },
    "example": {"title": ["This field is required."]},
}

#: ``{"detail": "message"}``, sometimes with more keys (a 409's ``current_version``).
ERROR_DETAIL_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "description": 'An error as {"detail": "message"}; 409s may add context keys.',
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "additionalProperties": True,
    "example": {"detail": "Not found."},
}

VALIDATION_ERROR: Final = "ValidationError"
ERROR_DETAIL: Final = "ErrorDetail"

#: status -> (component, description); the statuses every operation may answer.
ALWAYS: Final[dict[str, tuple[str, str]]] = {
    "400": (VALIDATION_ERROR, "Invalid input (query, path or body)."),
    "401": (ERROR_DETAIL, "No or invalid credentials (expired or rotated token)."),
    "403": (ERROR_DETAIL, "A member whose role may not do this."),
    "404": (ERROR_DETAIL, "Not found, or not visible to the caller (outsiders)."),
    "429": (ERROR_DETAIL, "Token clients above API_TOKEN_RATE."),
}
#: Statuses of operations that take a body (and so may conflict or be too big).
WITH_BODY: Final[dict[str, tuple[str, str]]] = {
    "409": (ERROR_DETAIL, "Conflicts with the stored state (stale version, ...)."),
    "413": (ERROR_DETAIL, "The request body is larger than the limit."),
}

#: Media types of export and release files, by file name ending (longest first).
FILE_MEDIA_TYPES: Final[tuple[tuple[str, str], ...]] = (
    (".tar.gz", "application/gzip"),
    (".zip", "application/zip"),
    (".jsonl", "application/x-ndjson"),
    (".json", "application/json"),
    (".conll", "text/plain"),
    (".txt", "text/plain"),
)
TEXT_TYPES: Final = frozenset({"text/plain"})
#: What a streamed export answers, by format (each exporter's ``media_type``
#: without parameters; tests/api/test_schema.py checks them against the registry).
EXPORT_MEDIA_TYPES: Final[tuple[str, ...]] = (
    "application/x-ndjson",  # jsonl, doccano
    "text/plain",  # conll
    "application/gzip",  # spacy, hf (.tar.gz)
    "application/json",  # labelstudio
)


def file_media_type(name: str) -> str:
    """The Content-Type of a stored export or release file, from its name.

    ``application/octet-stream`` for an unknown ending; text types say UTF-8.
    """
    lowered = name.lower()
    for ending, media_type in FILE_MEDIA_TYPES:
        if lowered.endswith(ending):
            return (
                f"{media_type}; charset=utf-8"
                if media_type in TEXT_TYPES
                else (media_type)
            )
    return "application/octet-stream"


def file_media_types() -> list[str]:
    """Every media type a file download may have (documented on the endpoints)."""
    return sorted({media_type for _ending, media_type in FILE_MEDIA_TYPES})


def file_responses() -> dict[tuple[int, str], Any]:
    """``extend_schema`` responses of a file download: JSON files as JSON, the rest
    as bytes."""
    from drf_spectacular.types import OpenApiTypes

    return {
        (200, media): OpenApiTypes.ANY
        if media == "application/json"
        else (OpenApiTypes.BINARY)
        for media in file_media_types()
    }


def _error_response(component: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {"$ref": f"#/components/schemas/{component}"}
            }
        },
    }


def _is_free_form(response: dict[str, Any]) -> bool:
    """A response documented without a body or as a bare ``object`` (gets the shape)."""
    if "content" not in response:
        return True
    content = response.get("content") or {}
    schema = (content.get("application/json") or {}).get("schema") or {}
    return schema.get("type") == "object" and not schema.get("properties")


def postprocess_error_responses(result, generator, request, public):
    """drf-spectacular hook: the contract's error shapes on every operation.

    Keeps responses a view documents itself (the import's per-item errors), but
    gives the shape to bare ``object`` ones and to descriptions without a body
    (keeping the description); 409/413 only where the operation takes a body.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[VALIDATION_ERROR] = VALIDATION_ERROR_SCHEMA
    schemas[ERROR_DETAIL] = ERROR_DETAIL_SCHEMA
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            wanted = dict(ALWAYS)
            if "requestBody" in operation or method != "get":
                wanted.update(WITH_BODY)
            for status_code, (component, description) in wanted.items():
                known = responses.get(status_code)
                if known is None or _is_free_form(known):
                    said = (known or {}).get("description") or description
                    responses[status_code] = _error_response(component, said)
    return result


class SchemaApi(SpectacularAPIView):
    """``/api/v1/schema/``, generated by one thread at a time.

    drf-spectacular resolves its extension classes lazily on the first generation;
    two threads doing that at once (gthread workers, two clients at start-up)
    made one of them a 500, found by the fuzzing job.
    """

    _lock = threading.Lock()

    def _get_schema_response(self, request):
        with self._lock:
            return super()._get_schema_response(request)
