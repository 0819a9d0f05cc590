"""Persons from structure and context: role cues, speech verbs, apposition.

Finders and post-steps for ``builders.person_rules`` (same shapes as
``structure.py``): a name after a title (``Werftchefin Ilvy Mardorf``), next to
a speech or appointment verb (``sagte Oksana Bregović``, ``appointed X``), joined
to a found person (``… and Birte Solvang``), a forum signature (``Gruß, Jannes``)
and later mentions of the surname. A German genitive or common noun after a name
ends it (``Ilka Brenners Aussage``); honorifics (``Dr.``) stay outside.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc, Span

from .lexdata import is_known_noun
from .structure import (
    APPOINT,
    HONORIFICS,
    SPEECH,
    Cues,
    Found,
    is_name_token,
    is_org_head,
    occurrences,
    positions,
)

_PARTICLES = frozenset({"von", "van", "de", "der", "den", "du", "zu", "di", "da", "le"})


def name_forward(doc: Doc, start: int, cues: Cues, min_tokens: int = 2) -> int | None:
    """End of a personal name starting at ``start`` (honorifics skipped by caller)."""
    stops, i, parts = cues.person_stops, start, 0
    while i < len(doc) and parts < 4:
        token = doc[i]
        if is_name_token(token, stops):
            if parts >= 2 and cues.lang == "de" and is_known_noun("de", token.text):
                break  # "Ilka Brenner Aussage": a common noun ends the name
            parts += 1
            i += 1
            if cues.lang == "de" and token.text.endswith(("s", "'")) and parts >= 2:
                nxt = doc[i] if i < len(doc) else None
                if nxt is not None and is_known_noun("de", nxt.text):
                    break  # genitive: "Ilka Brenners Aussage"
        elif token.text == "-" and not doc[i - 1].whitespace_ and i + 1 < len(doc):
            i += 1
            if doc[i].text.isalpha() and doc[i].text.islower():
                i += 1  # "Eun-ji"
        elif token.lower_ in _PARTICLES and parts and i + 1 < len(doc):
            if not is_name_token(doc[i + 1], stops):
                break
            i += 1
        elif len(token.text) == 2 and token.text[1] == "." and token.text[0].isupper():
            i += 1  # middle initial
        else:
            break
    while i > start and not is_name_token(doc[i - 1], stops):
        i -= 1
    return i if parts >= min_tokens else None


def skip_honorifics(doc: Doc, i: int) -> int:
    while i < len(doc) and doc[i].lower_ in HONORIFICS:
        i += 1
    return i


def person_finders(cues: Cues) -> list[Callable[[Doc], Found]]:
    def speech_and_appointment(doc: Doc) -> Found:
        orgs = _org_tokens(doc)
        for i in positions(doc, cues, SPEECH | APPOINT):
            token = doc[i]
            lowered = token.lower_
            if lowered in cues.speech_verbs or lowered in cues.appoint_words:
                start = i + 1
                if start < len(doc) and doc[start].text in (":", ","):
                    start += 1
                start = skip_honorifics(doc, start)
                end = name_forward(doc, start, cues) if start < len(doc) else None
                if end and not orgs & set(range(start, end)):
                    yield start, end, "cue_after"
            if lowered in cues.speech_verbs and i >= 2:
                start = i
                while (
                    start > 0
                    and i - start < 3
                    and is_name_token(doc[start - 1], cues.person_stops)
                ):
                    start -= 1
                if (
                    i - start >= 2
                    and not orgs & set(range(start, i))
                    and not any(is_org_head(t, cues) for t in doc[start:i])
                ):
                    yield start, i, "cue_before"

    def signature(doc: Doc) -> Found:
        n = len(doc)
        while n and (doc[n - 1].is_space or doc[n - 1].is_punct):
            n -= 1
        if (
            n >= 3
            and doc[n - 2].text == ","
            and is_name_token(doc[n - 1], cues.person_stops)
        ):
            window = {t.lower_ for t in doc[max(0, n - 6) : n - 2]}
            if window & cues.greetings:
                yield n - 1, n, "signature"

    return [speech_and_appointment, signature]


def _org_tokens(doc: Doc) -> set[int]:
    if "sc" not in doc.spans:
        return set()
    return {
        i
        for span in doc.spans["sc"]
        if span.label_ == "ORG"
        for i in range(span.start, span.end)
    }


def person_coordination(cues: Cues) -> Callable[[Doc, list[Span]], Found]:
    """``Anika Sorensen and Tomasz Wróbel``: a name joined to a found person."""

    def post(doc: Doc, found: list[Span]) -> Found:
        for span in found:
            j = span.end
            if j + 2 < len(doc) and doc[j].lower_ in ("and", "und", "&", "sowie"):
                end = name_forward(doc, j + 1, cues)
                if end:
                    yield j + 1, end, "coordination"

    return post


def surname_mentions(cues: Cues) -> Callable[[Doc, list[Span]], Found]:
    """Mentions of the surname (everything after the first name) of a full name."""

    def post(doc: Doc, found: list[Span]) -> Found:
        surnames = set()
        for span in found:
            if len(span) < 2:
                continue
            start = span.end - 1  # "Montgomery-Reyes" split by the tokenizer
            while (
                start - 2 > span.start
                and doc[start - 1].text == "-"
                and not doc[start - 2].whitespace_
            ):
                start -= 2
            surnames.add(tuple(t.text for t in doc[start : span.end]))
        for words in surnames:
            for start, end in occurrences(doc, words):
                yield start, end, "surname"

    return post
