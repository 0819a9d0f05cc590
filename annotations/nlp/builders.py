"""The rule set of each label per language: lists, word families, structure.

``RULE_BUILDERS[label](lang)`` returns the :class:`patterns.LabelRules` one rule
component runs. Names come from gazetteers and from structure (``structure.py``);
bias lexicons match whole word families (``lexdata.word_family``), German
compounds and hyphenated compounds whose parts are in the lexicon, and widen
over an intensifier or a neighbouring loaded word; clickbait comes from sentence
structure (``clickbait.py``) as well as from its lexicon.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from functools import cache

from spacy.tokens import Doc, Span

from . import persons, structure
from .clickbait import find_clickbait
from .doccache import doc_text
from .lexdata import compound_parts, known_words, lemma_of, word_family
from .patterns import (
    LEGAL_FORMS,
    RESOURCES_DIR,
    AnchorRule,
    LabelRules,
    _read,
    _stop_words,
    analyst_view_rules,
    instrument_rules,
    lexicon_rules,
    money_rules,
    percent_rules,
)
from .terms import Lexicon, iter_lines

_SPEECH_VERBS = {
    "de": {"sagte", "sagt", "erklärte", "erklärt", "betonte", "betont", "meinte",
           "so", "kommentierte", "schrieb", "ergänzte", "warnte", "kritisierte"},
    "en": {"said", "says", "told", "added", "wrote", "warned", "noted", "explained",
           "commented", "argued", "according"},
}  # fmt: skip
_APPOINT_WORDS = {
    "de": {"ernannt", "bestellt", "beruft", "berief", "holt", "folgt", "nachfolger",
           "nachfolgerin", "autor", "autorin", "kontakt", "gruß"},
    "en": {"appointed", "named", "hired", "appoints", "names", "hires", "by",
           "succeeds", "replaces", "contact", "thanks"},
}  # fmt: skip
_ORG_PREPOSITIONS = {"de": {"von", "bei", "der"}, "en": {"at", "of", "from"}}
_GREETINGS = {
    "de": {"gruß", "grüße", "lg", "vg", "mfg", "danke", "dank"},
    "en": {"thanks", "cheers", "regards", "best", "thank"},
}
_TITLE_ENDINGS = {
    "de": ("chef", "chefin", "sprecher", "sprecherin", "vorstand", "vorständin",
           "analyst", "analystin", "analysten", "stratege", "strategin", "ökonom",
           "ökonomin", "leiter", "leiterin", "minister", "ministerin", "gründer",
           "gründerin", "schützer", "schützerin", "manager", "managerin", "direktor",
           "direktorin", "präsident", "präsidentin", "vorsitzender", "vorsitzende",
           "experten", "händler", "händlerin"),
    "en": ("analysts", "strategists", "economists"),
}  # fmt: skip


def _lines(lang: str, filename: str) -> list[str]:
    return [
        line.lower()
        for folder in ("common", lang)
        for line in iter_lines(RESOURCES_DIR / folder / filename)
    ]


def _titles(lang: str) -> list[str]:
    return [t for t in _lines(lang, "titles.txt") if "*" not in t]


@cache
def cues(lang: str) -> structure.Cues:
    titles = _titles(lang)
    single = {t for t in titles if " " not in t}
    return structure.Cues(
        lang=lang,
        stops=_stop_words(lang),
        person_stops=_stop_words(lang) | {w for t in titles for w in t.split()},
        legal_forms=frozenset(LEGAL_FORMS) | {"eG", "a. G.", "AS", "Cie", "LLP"},
        org_heads=frozenset(_lines(lang, "org_heads.txt")),
        descriptors=tuple(_lines(lang, "descriptors.txt")),
        titles=frozenset(single),
        title_endings=_TITLE_ENDINGS[lang],
        speech_verbs=frozenset(_SPEECH_VERBS[lang]),
        appoint_words=frozenset(_APPOINT_WORDS[lang]),
        org_prepositions=frozenset(_ORG_PREPOSITIONS[lang]),
        greetings=frozenset(_GREETINGS[lang]),
        first_names=frozenset(iter_lines(RESOURCES_DIR / "common" / "first_names.txt")),
    )


def org_rules(lang: str) -> LabelRules:
    rules = lexicon_rules("ORG", _read(lang, "orgs.txt"), 0.9, exact=True)
    lang_cues = cues(lang)

    def legal_form(doc, start: int, end: int) -> tuple[int, int] | None:
        first = structure.org_run_backward(doc, start, lang_cues)
        return (first, end) if first < start else None

    legal = tuple(sorted(lang_cues.legal_forms))
    rules.anchors.append(AnchorRule("legal_form", legal_form, phrases=legal))
    rules.finders = structure.org_finders(lang_cues)
    rules.post = [structure.org_short_mentions(lang_cues)]
    return rules


def person_rules(lang: str) -> LabelRules:
    rules = lexicon_rules("PERSON", _read(lang, "persons.txt"), 0.9, exact=True)
    lang_cues = cues(lang)
    titles = _titles(lang)
    comma_words = {"the", "der", "die", "des", "a", "an", "ein", "eine", "currently",
                   "formerly", "now", "zuletzt", "bisher", "derzeit"}  # fmt: skip

    def around_title(doc, start: int, end: int) -> tuple[int, int] | None:
        # title before the name: "CEO Tim Cook", "Autor: Jana Roth", "Dr. Jana Roth"
        i = end + 1 if end < len(doc) and doc[end].text in (",", ":") else end
        i = persons.skip_honorifics(doc, i)
        name_end = persons.name_forward(doc, i, lang_cues) if i < len(doc) else None
        if name_end is not None:
            return i, name_end
        # name before the title: "Tim Cook, CEO of Apple", "Jane Doe, currently CFO"
        j = start
        while j > 0 and doc[j - 1].lower_ in comma_words:
            j -= 1
        if j >= 3 and doc[j - 1].text == ",":
            k = j - 1
            first = k
            while (
                first > 0
                and k - first < 3
                and structure.is_name_token(doc[first - 1], lang_cues.person_stops)
            ):
                first -= 1
            if k - first >= 2:
                return first, k
        return None

    def first_name(doc, start: int, end: int) -> tuple[int, int] | None:
        name_end = persons.name_forward(doc, start, lang_cues)
        return (start, name_end) if name_end is not None else None

    rules.anchors.append(
        AnchorRule("title", around_title, phrases=tuple(titles), lower=True)
    )
    endings = "|".join(re.escape(e) for e in lang_cues.title_endings)
    single = "|".join(re.escape(t) for t in sorted(lang_cues.titles))
    rules.anchors.append(
        AnchorRule(
            "title",
            around_title,
            # "Werftchef", "Vorstandssprecher"; "Deutsche-Bank-Chef", "Siemens-CEO"
            token_regex=rf"\w+(?:{endings})|[\w&.]+(?:-[\w&.]+)*-(?:{single})",
        )
    )
    rules.anchors.append(
        AnchorRule(
            "first_name", first_name, phrases=tuple(sorted(lang_cues.first_names))
        )
    )
    rules.finders = persons.person_finders(lang_cues)
    rules.post = [
        persons.person_coordination(lang_cues),
        persons.surname_mentions(lang_cues),
    ]
    return rules


# --- bias lexicons: word families, compounds, intensifiers --------------------------


def _single_words(lexicon: Lexicon) -> set[str]:
    return {p.lower() for p in lexicon.phrases if " " not in p and "-" not in p}


def family_rules(label: str, lang: str, score: float) -> LabelRules:
    """A lexicon whose words match their whole family and their compounds."""
    lexicon = _read(lang, f"{label.lower()}.txt")
    words = _single_words(lexicon)
    for phrase, weight in list(lexicon.phrases.items()):
        if " " in phrase:  # "fat cat" also as "fat-cat"
            lexicon.phrases.setdefault(phrase.replace(" ", "-"), weight)
    for form in word_family(lang, words):
        lexicon.phrases.setdefault(form, 1.0)
    rules = lexicon_rules(label, lexicon, score, exact=False)
    lemmas = {lemma_of(lang, w) for w in words} | words
    rules.word_tests.append(("compound", _compound_test(lang, lemmas), 1.0))
    rules.post = [_widen(lang)]
    return rules


def _compound_test(lang: str, lemmas: set[str]) -> Callable[[str], bool]:
    stems = tuple(w[:-1] for w in lemmas if len(w) >= 6 and w.endswith("e"))

    def known(part: str) -> bool:
        return len(part) >= 4 and (part in lemmas or lemma_of(lang, part) in lemmas)

    def test(word: str) -> bool:
        if len(word) < 7 or (not word.isalpha() and "-" not in word):
            return False
        if "-" in word:
            parts = [p for p in word.split("-") if p]
            return any(known(p) or p in stems for p in parts)
        if lang != "de":
            return False
        if any(known(head) or known(mod) for mod, head in compound_parts(lang, word)):
            return True
        # a loaded stem before a known word: "Abzock|masche", "Zocker|bude"
        vocabulary = known_words(lang)
        return any(
            (word[:cut] in lemmas or word[:cut] in stems)
            and (word[cut:] in vocabulary or lemma_of(lang, word[cut:]) in vocabulary)
            for cut in range(5, len(word) - 2)
        )

    return test


@cache
def _intensifiers(lang: str) -> frozenset[str]:
    return frozenset(_lines(lang, "intensifiers.txt"))


def _widen(lang: str) -> Callable[[Doc, list[Span]], structure.Found]:
    """Join neighbouring hits and take in an intensifier or a hyphenated part."""

    def post(doc: Doc, found: list[Span]) -> structure.Found:
        intensifiers = _intensifiers(lang)
        for span in found:
            start, end = span.start, span.end
            while start > 0 and doc[start - 1].lower_ in intensifiers:
                start -= 1
            while _hyphen_joined(doc, end):
                end += 2
            while (
                start >= 2
                and doc[start - 1].text == "-"
                and _hyphen_joined(doc, start - 2)
            ):
                start -= 2
            if (start, end) != (span.start, span.end):
                yield start, end, "widened"
        for left, right in itertools.pairwise(found):
            if right.start == left.end and not doc[left.end - 1].is_punct:
                yield left.start, right.end, "joined"

    return post


def _hyphen_joined(doc: Doc, end: int) -> bool:
    """``doc[end]`` is a hyphen glued to the words on both sides (``Fat-cat``)."""
    return (
        end + 1 < len(doc)
        and doc[end].text == "-"
        and not doc[end - 1].whitespace_
        and not doc[end].whitespace_
        and doc[end + 1].is_alpha
    )


def clickbait_rules(lang: str) -> LabelRules:
    rules = lexicon_rules("CLICKBAIT", _read(lang, "clickbait.txt"), 0.75, exact=False)

    def sentences(doc: Doc) -> structure.Found:
        for start, end, rule in find_clickbait(doc_text(doc), lang):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None and len(span):
                yield span.start, span.end, rule

    rules.finders = [sentences]
    return rules


RULE_BUILDERS: dict[str, Callable[[str], LabelRules]] = {
    "ORG": org_rules,
    "PERSON": person_rules,
    "INSTRUMENT": instrument_rules,
    "MONEY": money_rules,
    "PERCENT": percent_rules,
    "ANALYST_VIEW": analyst_view_rules,
    "LOADED": lambda lang: family_rules("LOADED", lang, 0.7),
    "EXAGGERATION": lambda lang: family_rules("EXAGGERATION", lang, 0.7),
    "SPECULATION": lambda lang: lexicon_rules(
        "SPECULATION", _read(lang, "speculation.txt"), 0.7, exact=False
    ),
    "CLICKBAIT": clickbait_rules,
}


def polarity_rules(lang: str) -> list[LabelRules]:
    """Positive and negative sentiment evidence (weights from the files), each
    word with its whole family (``steigen`` → ``stieg``, ``gestiegen``)."""
    rules = []
    for label, filename in (
        ("POSITIVE", "polarity_positive.txt"),
        ("NEGATIVE", "polarity_negative.txt"),
    ):
        lexicon = _read(lang, filename)
        for word, weight in list(lexicon.phrases.items()):
            if " " not in word and "-" not in word:
                for form in word_family(lang, [word]):
                    lexicon.phrases.setdefault(form, weight)
        rules.append(lexicon_rules(label, lexicon, 1.0, exact=False))
    return rules
