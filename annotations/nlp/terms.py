"""Read gazetteer and lexicon files (plain text, one term a line) into match terms.

Syntax of a line (see ``resources/README.md``):

* ``# ...`` is a comment; blank lines are ignored.
* ``{a,b,c}`` lists alternatives, so ``explodier{t,te,ten,en}`` stands for four
  words and ``slam{,s,med,ming}`` for four more; several groups multiply.
* ``*`` inside a word matches any further letters, digits or hyphens
  (``Horror*`` finds ``Horror-Zahlen`` and ``Horrorjahr``; ``*crash*`` finds
  ``Börsencrash``).
* ``re:`` starts a raw Python regular expression (matched case-insensitively
  when the file is case-insensitive).
* ``term | 2`` gives the term a weight (used by the polarity lexicons).

Pure Python: no spaCy here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path

from .errors import PipelineError

_BRACES = re.compile(r"\{([^{}]*)\}")
_WILDCARD = r"[\w\-]*"


@dataclass
class Lexicon:
    """Expanded terms of one label.

    ``phrases``: literal phrases. ``token_wildcards``: regexes a whole token must
    match (``Horror*``). ``regexes``: (pattern, weight, needs left word boundary)
    searched in the text (``zündet * Turbo``, ``re:`` lines).
    """

    phrases: dict[str, float] = field(default_factory=dict)
    token_wildcards: list[tuple[str, float]] = field(default_factory=list)
    regexes: list[tuple[str, float]] = field(default_factory=list)

    def merge(self, other: Lexicon) -> None:
        self.phrases.update(other.phrases)
        self.token_wildcards.extend(other.token_wildcards)
        self.regexes.extend(other.regexes)


def expand_braces(term: str) -> list[str]:
    """``"slam{,s,med}"`` → ``["slam", "slams", "slammed"]`` (cartesian product)."""
    parts = _BRACES.split(term)
    # split() alternates literal text and group contents
    choices = [[p] if i % 2 == 0 else p.split(",") for i, p in enumerate(parts)]
    expanded = ["".join(combo) for combo in product(*choices)]
    return [" ".join(e.split()) for e in expanded if e.strip()]


def wildcard_to_regex(term: str) -> str:
    """``Horror*`` → ``Horror[\\w\\-]*``; a space matches any whitespace."""
    body = _WILDCARD.join(re.escape(p) for p in term.split("*"))
    return re.sub(r"\\ ", r"\\s+", body) + r"(?![\w])"


_SINGLE_TOKEN = re.compile(r"[\w*]+")
_LEADING_BOUNDARY = re.compile(r"^(?:\\b|\(\?<!\[\\w\]\))")


def strip_leading_boundary(pattern: str) -> str:
    """Drop a leading ``\\b``: the caller checks the left boundary (faster)."""
    return _LEADING_BOUNDARY.sub("", pattern, count=1)


def parse_line(line: str, *, where: str = "") -> Lexicon:
    """Parse one lexicon line; raise PipelineError with ``where`` on bad syntax."""
    lexicon = Lexicon()
    text = line.strip()
    if not text or text.startswith("#"):
        return lexicon
    weight = 1.0
    head, sep, raw_weight = text.rpartition(" | ")
    if sep:
        try:
            weight = float(raw_weight)
        except ValueError:
            if not text.startswith("re:"):  # in a regex " | " may be alternation
                raise PipelineError(
                    f"{where}: weight {raw_weight!r} is not a number"
                ) from None
        else:
            if weight <= 0:
                raise PipelineError(f"{where}: weight must be positive")
            text = head.strip()
    if text.startswith("re:"):
        pattern = strip_leading_boundary(text[3:].strip())
        _check_regex(pattern, where)
        lexicon.regexes.append((pattern, weight))
        return lexicon
    if text.count("{") != text.count("}"):
        raise PipelineError(f"{where}: unbalanced braces in {text!r}")
    for term in expand_braces(text):
        if "*" in term:
            if term.strip("*- ") == "":
                raise PipelineError(f"{where}: wildcard term {term!r} has no letters")
            if _SINGLE_TOKEN.fullmatch(term):
                body = _WILDCARD.join(re.escape(p) for p in term.split("*"))
                lexicon.token_wildcards.append((body, weight))
            else:
                lexicon.regexes.append((wildcard_to_regex(term), weight))
        else:
            lexicon.phrases[term] = weight
    return lexicon


def parse_lines(lines: Iterable[str], *, source: str) -> Lexicon:
    lexicon = Lexicon()
    for number, line in enumerate(lines, start=1):
        lexicon.merge(parse_line(line, where=f"{source}:{number}"))
    return lexicon


def read_lexicon(path: Path) -> Lexicon:
    """Read one resource file; a missing file is an empty lexicon."""
    if not path.is_file():
        return Lexicon()
    with path.open(encoding="utf-8") as fh:
        return parse_lines(fh, source=path.name)


def iter_lines(path: Path) -> Iterator[str]:
    """Non-comment, non-blank lines of a plain list file (no expansion)."""
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                yield stripped


def _check_regex(pattern: str, where: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise PipelineError(f"{where}: invalid regular expression: {exc}") from None
