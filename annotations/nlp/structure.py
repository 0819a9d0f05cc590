"""Organisations from structure and context, not only from lists.

Token-level finders (``doc`` → ``(start, end, rule)`` token spans) and
post-steps (``doc, spans found`` → more spans) used by ``patterns.org_rules``
and ``patterns.person_rules``:

* a descriptor noun before a name: ``Der Flugzeugzulieferer Aerotec Nordhausen``,
  ``regional lender Cumberland Trust Bancorp``;
* a name ending in an organisation head word: ``Grauwald Pharma``,
  ``First Prairie Bank``, ``Hellmann Fördertechnik``;
* role cues: ``Analysten von X``, ``strategist … at X``, ``X CEO Jane Doe``,
  ``X shares``, ``Aktie der X``;
* later short mentions of an organisation (``Solvia`` after ``Solvia Bank``).

Persons are in ``persons.py``; both share the token tests and the per-word flags.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

import numpy
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span

from .doccache import doc_words
from .lexdata import forms_by_lemma, is_known_noun, known_words

Found = Iterator[tuple[int, int, str]]
_NAME_CHARS = frozenset("-'’.")
HONORIFICS = frozenset(
    {"dr.", "prof.", "dr.-ing.", "mr.", "mrs.", "ms.", "sir", "lady"}
)
_CONNECTORS = frozenset({"&", "of", "de", "del", "la"})
_APOSTROPHES = ("'", "’")
LEADING_HEADS = frozenset(
    {"Grupo", "Groupe", "Gruppo", "Banca", "Banco", "Banque", "Caixa", "Stichting",
     "Fundación", "Fundação", "Compagnie", "Compañía"}
)  # fmt: skip


@dataclass(frozen=True)
class Cues:
    """Everything the finders of one language need (sets are lower case)."""

    lang: str
    stops: frozenset[str]  # stop words
    person_stops: frozenset[str]  # stop words and the words of titles
    legal_forms: frozenset[str]  # exact case
    org_heads: frozenset[str]
    descriptors: tuple[str, ...]  # German: noun endings; English: whole words
    titles: frozenset[str]
    title_endings: tuple[str, ...]
    speech_verbs: frozenset[str]
    appoint_words: frozenset[str]
    org_prepositions: frozenset[str]
    greetings: frozenset[str]
    first_names: frozenset[str]


# --- token tests -------------------------------------------------------------


def is_name_token(token, stops: frozenset[str]) -> bool:
    text = token.text
    return (
        len(text) > 1
        and text[0].isupper()
        and any(c.islower() for c in text)
        and all(c.isalpha() or c in _NAME_CHARS for c in text)
        and token.lower_ not in stops
        and token.lower_ not in HONORIFICS
    )


def is_title(token, cues: Cues) -> bool:
    return title_word(token.text, cues)


def title_word(text: str, cues: Cues) -> bool:
    lowered = text.lower()
    return lowered in cues.titles or (
        len(lowered) > 5 and lowered.endswith(cues.title_endings)
    )


def is_descriptor(token, cues: Cues) -> bool:
    return descriptor_word(token.text, cues)


def descriptor_word(text: str, cues: Cues) -> bool:
    lowered = text.lower()
    if cues.lang == "de":
        return text[:1].isupper() and lowered.endswith(cues.descriptors)
    return text.islower() and lowered in cues.descriptors


def is_org_head(token, cues: Cues) -> bool:
    return org_head_word(token.text, cues)


def org_head_word(text: str, cues: Cues) -> bool:
    if not text[:1].isupper():
        return False
    lowered = text.lower()
    if cues.lang == "de":
        return lowered in cues.org_heads or any(
            lowered.endswith(h) and len(lowered) > len(h) + 3
            for h in ("technik", "werke", "logistik", "fonds")
        )
    return lowered in cues.org_heads


# --- which tokens can start a finder (decided once per distinct word) -------------

DESCRIPTOR, ORG_HEAD, LEAD, TITLE, ORG_PREP, SHARES, SPEECH, APPOINT = (
    1 << n for n in range(8)
)
_FLAGS_CACHE: dict[tuple[str, int], int] = {}


def _flags_of(word: str, cues: Cues) -> int:
    lowered = word.lower()
    flags = 0
    flags |= DESCRIPTOR if descriptor_word(word, cues) else 0
    flags |= ORG_HEAD if org_head_word(word, cues) else 0
    flags |= LEAD if word in LEADING_HEADS else 0
    flags |= TITLE if title_word(word, cues) else 0
    flags |= ORG_PREP if lowered in cues.org_prepositions else 0
    if (cues.lang == "en" and word in ("shares", "stock")) or (
        cues.lang == "de" and lowered in ("aktie", "aktien")
    ):
        flags |= SHARES
    flags |= SPEECH if lowered in cues.speech_verbs else 0
    flags |= APPOINT if lowered in cues.appoint_words else 0
    return flags


def positions(doc: Doc, cues: Cues, mask: int) -> list[int]:
    """Token indices whose word has any of the ``mask`` flags."""
    _words, orths = doc_words(doc)
    key = f"_newsroom_flags_{cues.lang}"
    flags = doc.user_data.get(key)
    if flags is None:
        lang, strings = cues.lang, doc.vocab.strings
        values = []
        for orth in orths.tolist():
            value = _FLAGS_CACHE.get((lang, orth))
            if value is None:
                value = _flags_of(strings[orth], cues)
                if len(_FLAGS_CACHE) < 200_000:
                    _FLAGS_CACHE[(lang, orth)] = value
            values.append(value)
        flags = numpy.array(values, dtype=numpy.int32)
        doc.user_data[key] = flags
    return numpy.flatnonzero(flags & mask).tolist()


def sentence_initial(doc: Doc, i: int) -> bool:
    """First word of a sentence, line or headline (the blank pipeline has no parser)."""
    while i > 0 and doc[i - 1].text in ('"', "“", "„", "'", "(", "-", "–"):
        i -= 1
    if i == 0:
        return True
    before = doc[i - 1]
    return before.text in (".", "!", "?", ":", "…") or "\n" in before.text_with_ws


def _common_word(token, cues: Cues) -> bool:
    """A dictionary word that does not start a name (German noun, English word)."""
    if cues.lang == "de":
        return is_known_noun("de", token.text)
    return token.lower_ in known_words("en")


def is_org_part(token, cues: Cues) -> bool:
    text = token.text
    return (
        (text[:1].isupper() or text[:1].isdigit())
        and not token.is_punct
        and token.lower_ not in cues.stops
        and not text.endswith(_APOSTROPHES)
    ) or text in cues.legal_forms


def org_run_forward(doc: Doc, start: int, cues: Cues, limit: int = 5) -> int:
    """End of a capitalised organisation name starting at ``start`` (or start)."""
    i = start
    legal = False
    while i < len(doc) and i - start < limit:
        token = doc[i]
        if legal and token.text not in cues.legal_forms and token.text != "&":
            break  # a legal form ends the name ("GmbH & Co. KG" goes on)
        if token.lower_ in _CONNECTORS and i > start and i + 1 < len(doc):
            if not is_org_part(doc[i + 1], cues):
                break
            i += 1
            continue
        if not is_org_part(token, cues) or is_title(token, cues):
            break
        legal = token.text in cues.legal_forms
        i += 1
    return i


def org_run_backward(
    doc: Doc, end: int, cues: Cues, limit: int = 4, strict: bool = False
) -> int:
    """Start of the capitalised name tokens just before ``end`` (or end).

    Descriptors and titles end the run (``Biotechnologieunternehmen Vireon …``).
    ``strict`` (no legal form to vouch for the name): a leading common word is
    dropped (``Die Sparte Logistik`` is no name).
    """
    i = end
    while i > 0 and end - i < limit:
        token = doc[i - 1]
        if token.text == "&" and i - 1 > 0:
            i -= 1
            continue
        if (
            not is_org_part(token, cues)
            or is_descriptor(token, cues)
            or is_title(token, cues)
        ):
            break
        i -= 1
    while i < end and (
        doc[i].text == "&" or (strict and _leading_common(doc, i, cues))
    ):
        i += 1
    return i


_ARTICLES = frozenset(
    {"der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines",
     "einem", "einen", "unsere", "seine", "ihre", "diese", "dieser"}
)  # fmt: skip


def _leading_common(doc: Doc, i: int, cues: Cues) -> bool:
    """A common word that cannot start the name: ``die Sparte Logistik``,
    ``Solenne to Acquire Verdant`` (a verb in a title-case headline)."""
    token = doc[i]
    if cues.lang == "de":
        return i > 0 and doc[i - 1].lower_ in _ARTICLES and _common_word(token, cues)
    return (sentence_initial(doc, i) and _common_word(token, cues)) or (
        token.lower_ in english_verbs()
    )


@cache
def english_verbs() -> frozenset[str]:
    """Lemmas with an -ing form in the English lookup table (verbs)."""
    return frozenset(
        lemma for lemma, forms in forms_by_lemma("en").items()
        if any(f.endswith("ing") for f in forms)
    )  # fmt: skip


# --- ORG finders ------------------------------------------------------------------


def org_finders(cues: Cues) -> list[Callable[[Doc], Found]]:
    def descriptor_names(doc: Doc) -> Found:
        for i in positions(doc, cues, DESCRIPTOR):
            end = org_run_forward(doc, i + 1, cues)
            if end > i + 1 and not _only_person(doc, i + 1, end, cues):
                yield i + 1, end, "descriptor"

    def head_names(doc: Doc) -> Found:
        for i in positions(doc, cues, LEAD | ORG_HEAD):
            if doc[i].text in LEADING_HEADS:  # "Grupo Caudal", "Banca Adriatica"
                end = org_run_forward(doc, i + 1, cues, limit=3)
                if end > i + 1:
                    yield i, end, "org_head"
            if i and is_org_head(doc[i], cues):
                start = org_run_backward(doc, i, cues, limit=3, strict=True)
                if start < i:
                    yield start, i + 1, "org_head"

    def role_cues(doc: Doc) -> Found:
        for i in positions(doc, cues, ORG_PREP | TITLE | SHARES):
            token = doc[i]
            lowered = token.lower_
            if lowered in cues.org_prepositions:
                if _title_before(doc, i, cues):
                    yield from _org_after_preposition(doc, i, cues)
            elif (
                cues.lang == "en"
                and i
                and is_title(token, cues)
                and (token.text.islower() or token.text.isupper())
            ):
                start = org_run_backward(doc, i, cues)
                if start < i and not doc[i - 1].text.endswith(_APOSTROPHES):
                    yield start, i, "before_title"
            elif cues.lang == "en" and token.text in ("shares", "stock") and i:
                before = i - 1 if doc[i - 1].lower_ in ("'s", "’s") else i
                start = org_run_backward(doc, before, cues)
                if start < before:
                    yield start, before, "shares"
            elif (
                cues.lang == "de"
                and lowered in ("aktie", "aktien")
                and i + 2 < len(doc)
                and doc[i + 1].lower_ in ("von", "der", "des")
            ):
                end = org_run_forward(doc, i + 2, cues)
                if end > i + 2:
                    yield i + 2, end, "shares"

    return [descriptor_names, head_names, role_cues]


def _org_after_preposition(doc: Doc, i: int, cues: Cues) -> Found:
    """``Analysten von X``, ``Strategin bei der X``, ``analysts at X``."""
    j = i + 1
    if j < len(doc) and doc[j].lower_ in cues.stops:
        j += 1
    if j < len(doc) and is_descriptor(doc[j], cues):
        return  # the descriptor rule takes it
    end = org_run_forward(doc, j, cues)
    if end > j and not _only_person(doc, j, end, cues):
        yield j, end, "role_cue"


def _title_before(doc: Doc, i: int, cues: Cues) -> bool:
    """A title among the four tokens before ``i`` (from the per-word flags)."""
    flags = doc.user_data[f"_newsroom_flags_{cues.lang}"]
    return bool((flags[max(0, i - 4) : i] & TITLE).any())


def _only_person(doc: Doc, start: int, end: int, cues: Cues) -> bool:
    """A first name leading the run: a person, not an organisation."""
    return doc[start].text in cues.first_names and end - start <= 3


def org_short_mentions(cues: Cues) -> Callable[[Doc, list[Span]], Found]:
    """Later (or earlier) mentions without the legal form, or by the first word."""

    def post(doc: Doc, found: list[Span]) -> Found:
        aliases: set[tuple[str, ...]] = set()
        for span in found:
            words = [t.text for t in span]
            while len(words) > 1 and (
                words[-1] in cues.legal_forms or words[-1] in (",", "&", "Co.")
            ):
                words.pop()
            if len(words) < len(span):
                aliases.add(tuple(words))
            first = span[0]
            if (
                len(span) > 1
                and len(first.text) > 3
                and first.text[0].isupper()
                and not first.text.isupper()
                and first.lower_ not in cues.stops
                and not _common_word(first, cues)
                and not is_org_head(first, cues)
            ):
                aliases.add((first.text,))
        for alias in aliases:
            for start, end in occurrences(doc, alias):
                before = doc[start - 1] if start else None
                if before is not None and (
                    before.text in cues.first_names
                    or (is_title(before, cues) and end - start == 1)
                ):
                    continue  # "Bernd Pfalzgraf", "Geschäftsführer Pfalzgraf": a person
                yield start, end, "short_mention"

    return post


def occurrences(doc: Doc, words: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    """Token (start, end) of every exact occurrence of the word sequence."""
    texts, orths = doc_words(doc)
    n = len(words)
    first = get_string_id(words[0])
    for i in numpy.flatnonzero(orths == first).tolist():
        if i + n <= len(texts) and tuple(texts[i : i + n]) == words:
            yield i, i + n
