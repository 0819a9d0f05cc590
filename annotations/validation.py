"""Text rules every door applies before the database: NUL, lone surrogates, lengths.

PostgreSQL refuses NUL (U+0000) in ``text`` and ``jsonb`` columns, and a lone
UTF-16 surrogate (U+D800–U+DFFF, which JSON's ``"\\ud800"`` produces) cannot be
encoded for any database: both were server errors (issue 16). The column limits
are here too, so serializers, page forms and importers refuse the same values
with the same words. Pure: imported by the API (parsers, serializers), the page
views, the importers and ``scheme``; imports nothing of the project.
"""

from __future__ import annotations

from typing import Any

NUL_MESSAGE = "Must not contain the NUL character (\\u0000)."
SURROGATE_MESSAGE = (
    "Must not contain a lone surrogate (\\ud800-\\udfff); send valid Unicode."
)
KEY_SUFFIX = " (in a key)"
DEPTH_MESSAGE = "Nested too deeply (at most {depth} levels)."

# Column limits, as the models declare them.
MAX_SKIP_REASON = 500
MAX_SPAN_LABEL = 64
MAX_TITLE = 500
MAX_EXTERNAL_ID = 200
MAX_LANGUAGE = 16
MAX_CHANGELOG = 500
MAX_PROJECT_NAME = 200
MAX_PIPELINE = 200
MAX_USERNAME = 150
# PositiveIntegerField (version, offsets) and PositiveBigIntegerField (lead time).
MAX_POSITIVE_INT = 2**31 - 1
MAX_POSITIVE_BIGINT = 2**63 - 1
# JSON values (span attributes, article meta, schemes) nest at most this deep.
MAX_JSON_DEPTH = 32

Path = tuple[str, ...]


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored (NUL or a lone surrogate), or None."""
    if "\x00" in value:
        return NUL_MESSAGE
    if value.isascii():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE_MESSAGE
    return None


def text_errors(value: Any, *, max_length: int | None = None) -> list[str]:
    """Messages for a value meant for a text column: a string, storable, short enough."""
    if not isinstance(value, str):
        return ["Must be a string."]
    problem = text_problem(value)
    if problem:
        return [problem]
    if max_length is not None and len(value) > max_length:
        return [f"Ensure this field has no more than {max_length} characters."]
    return []


def json_problems(
    data: Any, *, max_depth: int = MAX_JSON_DEPTH
) -> list[tuple[Path, str]]:
    """Every string (value or key) in JSON ``data`` that cannot be stored, by path.

    A path is a tuple of object keys and list indices (as strings); a bad key
    is reported at its object's path. Nesting past ``max_depth`` is a problem
    of its own, so the recursion stays far from Python's limit.
    """
    problems: list[tuple[Path, str]] = []
    path: list[str] = []

    def walk(node: Any, depth: int) -> None:
        if depth >= max_depth:
            problems.append((tuple(path), DEPTH_MESSAGE.format(depth=max_depth)))
            return
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            if isinstance(key, str) and (problem := text_problem(key)):
                problems.append((tuple(path), problem + KEY_SUFFIX))
                continue
            if isinstance(value, str):  # leaves inline: most nodes are leaves
                if (not value.isascii() or "\x00" in value) and (
                    problem := text_problem(value)
                ):
                    problems.append(((*path, str(key)), problem))
            elif isinstance(value, dict | list):
                path.append(str(key))
                walk(value, depth + 1)
                path.pop()

    if isinstance(data, str):
        problem = text_problem(data)
        return [((), problem)] if problem else []
    if isinstance(data, dict | list):
        walk(data, 0)
    return sorted(problems)


def nest_errors(problems: list[tuple[Path, str]], *, root: str = "") -> Any:
    """``[(("spans", "0", "label"), msg)]`` → ``{"spans": {"0": {"label": [msg]}}}``.

    The API's one error shape for nested fields (as DRF's own ``ListField`` and
    ``DictField`` report them). A problem at the top (empty path) goes under
    ``root`` (``non_field_errors`` when not named).
    """
    tree: dict[str, Any] = {}
    for path, message in problems:
        full = path or (root or "non_field_errors",)
        node = tree
        for part in full[:-1]:
            child = node.setdefault(part, {})
            if isinstance(child, list):  # a message here already: keep both
                child = node[part] = {"non_field_errors": child}
            node = child
        leaf = node.setdefault(full[-1], [])
        if isinstance(leaf, dict):
            leaf.setdefault("non_field_errors", []).append(message)
        else:
            leaf.append(message)
    return tree


def flat_errors(problems: list[tuple[Path, str]]) -> list[str]:
    """The same problems as one line each (``meta.a.0.b: message``), for reports."""
    return [
        f"{'.'.join(path)}: {message}" if path else message
        for path, message in problems
    ]
