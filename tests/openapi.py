"""Check real responses against the generated OpenAPI schema.

The judge is schemathesis' response validator (its own JSON-schema and
content-type reading of OpenAPI 3), not code of ours; we only add that the status
code and the media type must be documented, which that validator lets pass.
"""

from __future__ import annotations

import functools

import requests
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from schemathesis.core.transport import Response as SchemathesisResponse


@functools.cache
def openapi_schema() -> dict:
    """The schema drf-spectacular serves at /api/v1/schema/ (public view)."""
    return SchemaGenerator().get_schema(request=None, public=True)


@functools.cache
def _loaded():
    return schemathesis.openapi.from_dict(openapi_schema())


def _media_type(value: str) -> str:
    return value.split(";")[0].strip().lower()


def assert_matches_schema(response, path: str, method: str) -> None:
    """``response`` (Django test client) is what ``method path`` documents."""
    operation_schema = openapi_schema()["paths"][path][method.lower()]
    status = str(response.status_code)
    assert status in operation_schema["responses"], (
        f"{method.upper()} {path}: status {status} is not documented"
    )
    documented = operation_schema["responses"][status].get("content") or {}
    if response.streaming:
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    if documented:
        media = _media_type(response["Content-Type"])
        assert media in {_media_type(m) for m in documented}, (
            f"{method.upper()} {path} {status}: {media} not in {sorted(documented)}"
        )
    wrapped = SchemathesisResponse(
        status_code=response.status_code,
        headers={key: [value] for key, value in response.headers.items()},
        content=body,
        request=requests.Request(method.upper(), "http://testserver" + path).prepare(),
        elapsed=0.0,
        verify=False,
    )
    _loaded()[path][method.upper()].validate_response(wrapped)
