"""The API's JSON parser: only storable text gets past the door.

DRF's parser accepts what ``json`` decodes: ``"\\u0000"`` (PostgreSQL refuses
it), lone surrogates (no database can encode them) and, deep enough, nesting
that overflows Python's recursion limit. Each of these was a 500 (issue 16);
here they are a 400 naming the field path (``annotations.validation``), before
any view sees the body. Imported by the settings (DEFAULT_PARSER_CLASSES).
"""

from __future__ import annotations

from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser

from annotations.validation import json_problems, nest_errors


class StorableJSONParser(JSONParser):
    """JSON whose every string and key is storable text; else 400 with paths."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError("JSON parse error - nested too deeply.") from error
        problems = json_problems(data)
        if problems:
            raise ValidationError(nest_errors(problems))
        return data
