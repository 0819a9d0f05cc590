"""Clickbait from its structure: sentences that address the reader and push or tease.

A sentence (or its last clause, for ``…, so act fast``) is CLICKBAIT when at
least two kinds of cue meet: the reader is addressed (``Sie``/``you``, an
audience vocative ``Sparer,``/``Savers,``, a generic ``Wer …``), an imperative
(``Lesen Sie``, ``Einsteigen``, ``Click``), urgency (``jetzt``, ``now``,
``aufgepasst``) or a deadline (``bevor``, ``while you still can``), a teaser that
withholds (``erfahren Sie hier``, ``here's what``, ``guess which``, ``dieses
Geheimnis``, ``verrät``), self-advertising (``unser Gratis-Report``, ``our
experts``), a listicle (``Drei Aktien, die``) or a teaser question about buying
or timing (``Ist es zu spät für den Einstieg?``). A short imperative counts twice.
First-person posts (``ich``, ``I``) need one cue more. Pure Python over the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from .lexdata import lemma_table
from .structure import english_verbs

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"“”»«']?\s+|\n+")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mrd|Mio|Dr|Prof|Nr|bzw|ca|St|Co|Inc|Corp|Ltd|vs|etc|Jan|Feb|Aug|Sept?|Okt|Nov|Dez|[A-Z])\.|\d\.)$"
)
# "Sparer, …", "Savers: …", "Sparer aufgepasst" (not "Anleger, die …")
_VOCATIVE = re.compile(
    r"^\S+\s*(?:[,:](?!\s*(?:die|der|das|denen|who|that|which)\b)|aufgepasst)", re.I
)
_TRAILING = re.compile(r"[\s\W_]+$")
_LEADING = re.compile(r"^[\s\"'„“”»«‚‘’(\-–—]+")


@dataclass(frozen=True)
class Words:
    """Cue words of one language (lower case)."""

    address: re.Pattern[str]
    audience: frozenset[str]
    urgency: re.Pattern[str]
    deadline: re.Pattern[str]
    teaser: re.Pattern[str]
    advert: re.Pattern[str]
    listicle: re.Pattern[str]
    invest: re.Pattern[str]
    first_person: re.Pattern[str]
    asks_others: re.Pattern[str]
    demonstrative: re.Pattern[str]
    generic_who: re.Pattern[str]
    clause_break: re.Pattern[str]


WORDS = {
    "de": Words(
        address=re.compile(
            r"(?<!^)\b(?:Sie|Ihnen|Ihr(?:e[mnrs]?)?)\b|\b(?:du|dich|dir|dein\w*)\b|^Sie (?=werden|sollten|müssen|können)"
        ),
        audience=frozenset(
            {
                "anleger",
                "sparer",
                "aktionäre",
                "leute",
                "investoren",
                "trader",
                "mieter",
                "verbraucher",
                "kunden",
                "rentner",
                "kleinanleger",
            }
        ),
        urgency=re.compile(
            r"\b(?:jetzt|sofort|schnell|heute noch|achtung|aufgepasst|vorsicht|nicht verpassen|letzte chance)\b",
            re.I,
        ),
        deadline=re.compile(r"\b(?:bevor|solange|ehe)\b|zu spät", re.I),
        teaser=re.compile(
            r"\b(?:erfahren|lesen|klicken|sehen) sie (?:hier|jetzt|in)|\bverr(?:ät|aten)\b|\bgeheimnis|\bglauben, (?:welche|was|wie|wer)|^(?:so|warum|deshalb) \w+(?:en|t)\b|\bdas müssen\b|\bwas (?:\w+ )?jetzt\b",
            re.I,
        ),
        advert=re.compile(
            r"\bunser(?:e[nmrs]?)? (?:\w+[- ])?(?:report|analyse|studie|experten|premium|newsletter|depot)",
            re.I,
        ),
        listicle=re.compile(
            r"^(?:\d+|zwei|drei|vier|fünf|sieben|zehn) \w+, die\b", re.I
        ),
        invest=re.compile(
            r"\b(?:kaufen|verkaufen|einsteigen|einstieg|lohnt|lohnen|verdoppel\w*|zu spät|investieren)\b",
            re.I,
        ),
        first_person=re.compile(r"\b(?:ich|mir|mich|hab|habe)\b", re.I),
        asks_others=re.compile(r"\b(?:jemand|wer hat|weiß jemand)\b", re.I),
        demonstrative=re.compile(r"\b(?:diese[mnrs]?)\b", re.I),
        generic_who=re.compile(r"^wer\b", re.I),
        clause_break=re.compile(r",\s+(?:also|dann)\s+"),
    ),
    "en": Words(
        address=re.compile(
            r"\b(?:you|your|yours|you'll|you're|you've|you’ll|you’re)\b", re.I
        ),
        audience=frozenset(
            {
                "investors",
                "savers",
                "shoppers",
                "retirees",
                "traders",
                "folks",
                "guys",
                "homeowners",
                "renters",
                "customers",
                "shareholders",
            }
        ),
        urgency=re.compile(
            r"\b(?:now|today|fast|quick(?:ly)?|hurry|listen up|heads up|attention|warning|don't miss|last chance)\b|\bNOW\b",
            re.I,
        ),
        deadline=re.compile(
            r"\b(?:before it|while (?:you|it|they) (?:still )?can|too late|ends soon|limited)\b",
            re.I,
        ),
        teaser=re.compile(
            r"\bhere(?:'s|’s| is) (?:what|why|how|the)\b|\b(?:guess|believe|know) (?:which|what|who|how)\b|\breveal\w*|\bsecret\b|\bclick here\b|\bfind out\b|\bwhat happens\b|^(?:this|these) (?:one |\d+ )?\w+",
            re.I,
        ),
        advert=re.compile(
            r"\bour (?:\w+ )?(?:report|experts?|analysts?|newsletter|picks?|premium|guide)\b",
            re.I,
        ),
        listicle=re.compile(
            r"^(?:\d+|two|three|four|five|seven|ten) \w+ (?:to|that|you)\b", re.I
        ),
        invest=re.compile(
            r"\b(?:buy|sell|invest|get in|too late|double|worth it)\b", re.I
        ),
        first_person=re.compile(r"\b(?:i|i'm|i've|my|me)\b", re.I),
        asks_others=re.compile(r"\b(?:anyone|anybody|someone|has any ?one)\b", re.I),
        demonstrative=re.compile(
            r"\b(?:this|these) (?:one |\w+ )?(?:stock|mistake|trick|secret|crooks?|bank|company|share)\w*",
            re.I,
        ),
        generic_who=re.compile(r"^(?:whoever|anyone who)\b", re.I),
        clause_break=re.compile(r",?\s+(?:so|then)\s+"),
    ),
}


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of sentences and lines; abbreviations do not end a sentence."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if "\n" not in match.group() and _ABBREVIATION.search(
            text, start, match.start()
        ):
            continue
        if match.start() > start:
            yield start, match.start()
        start = match.end()
    if start < len(text):
        yield start, len(text)


@cache
def _verbs(lang: str) -> frozenset[str]:
    """Lower-case verb lemmas: German lower-case -n lemmas, English lemmas with -ing forms."""
    if lang == "de":
        from spacy.lang.de.stop_words import STOP_WORDS as stops

        return (
            frozenset(
                v
                for v in set(lemma_table("de").values())
                if v.islower() and v.endswith(("en", "ern", "eln")) and len(v) > 4
            )
            - stops
        )
    from spacy.lang.en.stop_words import STOP_WORDS as stops

    return english_verbs() - stops


def _imperative(clause: str, lang: str) -> bool:
    words = clause.split()
    if not words:
        return False
    first = words[0].strip(",.!?:").lower()
    if lang == "de":
        if len(words) > 1 and words[1].strip(",.!?") == "Sie" and first in _verbs("de"):
            return True
        return first in _verbs("de") and words[0][:1].isupper() and len(words) <= 6
    if first in ("don't", "don’t", "never"):
        return True
    return first in _verbs("en") and first not in ("is", "are", "was", "be", "have")


_WORD = re.compile(r"[\w'’]+")
# Words without which no cue can fire (a cheap look before the regexes run).
_CUE_WORDS = {
    "de": frozenset({
        "sie", "ihnen", "ihr", "ihre", "ihren", "ihrem", "ihrer", "ihres", "du", "dich",
        "dir", "dein", "deine", "deinen", "euch", "wer", "jetzt", "sofort", "schnell",
        "achtung", "aufgepasst", "vorsicht", "verpassen", "chance", "bevor", "solange",
        "ehe", "spät", "erfahren", "lesen", "klicken", "sehen", "verrät", "verraten",
        "geheimnis", "glauben", "müssen", "unser", "unsere", "unseren", "unserem",
        "unserer", "unseres", "zwei", "drei", "vier", "fünf", "sieben", "zehn",
    }),
    "en": frozenset({
        "you", "your", "yours", "you'll", "you're", "you've", "you’ll", "you’re", "now",
        "today", "fast", "quick", "quickly", "hurry", "listen", "heads", "attention",
        "warning", "late", "limited", "guess", "believe", "reveal", "reveals",
        "revealed", "revealing", "secret", "click", "happens", "report", "experts",
        "analysts", "newsletter", "picks", "premium", "whoever", "anyone", "two",
        "three", "four", "five", "seven", "ten",
    }),
}  # fmt: skip
# ...or one of these as the first word, or a clause break (", so …")
_FIRST_WORDS = {
    "de": frozenset({"so", "warum", "deshalb", "das", "was", "dieses", "diese"}),
    "en": frozenset({"this", "these", "here's", "here’s", "here", "find"}),
}


def _worth_scoring(sentence: str, lang: str, words: Words) -> bool:
    """A cheap look for anything that could make the sentence clickbait."""
    found = _WORD.findall(sentence.lower())
    if not found:
        return False
    return bool(
        "?" in sentence
        or found[0] in words.audience
        or found[0] in _FIRST_WORDS[lang]
        or found[0].isdigit()
        or not _CUE_WORDS[lang].isdisjoint(found)
        or words.clause_break.search(sentence)
        or _imperative(sentence, lang)
    )


def _score(clause: str, lang: str, words: Words) -> float:
    lowered = clause.lower()
    first = lowered.split()[0].strip(",:") if clause.split() else ""
    cues = 0.0
    address = bool(words.address.search(clause) or words.generic_who.search(clause))
    vocative = _VOCATIVE.match(clause) if first in words.audience else None
    cues += address or vocative is not None
    # the imperative may follow a vocative ("Investors, read …") or a clause
    # break ("…, so order today")
    tails = [clause[vocative.end() :].strip()] if vocative else []
    tails += [clause[b.end() :] for b in words.clause_break.finditer(clause)]
    imperative_at = next((t for t in [clause, *tails] if _imperative(t, lang)), None)
    if imperative_at is not None:
        short = len(imperative_at.split()) <= 6 and ":" not in imperative_at
        cues += 1 + short
    cues += bool(words.urgency.search(clause))
    cues += bool(words.deadline.search(clause))
    teaser = words.teaser.search(clause)
    cues += bool(teaser) + bool(teaser and teaser.group().lower().startswith("here"))
    cues += bool(words.advert.search(clause))
    cues += bool(words.listicle.search(clause))
    cues += bool(words.demonstrative.search(clause)) and (address or bool(vocative))
    if clause.rstrip().endswith("?") and words.invest.search(clause):
        cues += 2
    if len(clause.split()) <= 3 and clause.rstrip().endswith("!!"):
        cues += 1
    if words.first_person.search(clause) or words.asks_others.search(clause):
        cues -= 1
    return cues


def find_clickbait(text: str, lang: str) -> Iterator[tuple[int, int, str]]:
    """Character (start, end, rule) of clickbait sentences or final clauses."""
    words = WORDS[lang]
    for start, end in sentences(text):
        sentence = text[start:end]
        if not _worth_scoring(sentence, lang, words):
            continue
        if _score(sentence, lang, words) < 2:
            continue
        head, colon, _ = sentence.partition(": ")
        if colon and _score(head, lang, words) >= 2:
            end = start + len(head)  # "Sparer aufgepasst: Ab Juli …"
            sentence = head
        offset = _imperative_clause(sentence, lang, words)
        s, e = start + offset, end
        lead = _LEADING.match(text, s, e)
        if lead:
            s = lead.end()
        trail = _TRAILING.search(text, s, e)
        if trail:
            e = trail.start()
        if e > s:
            yield s, e, "clickbait_structure"


def _imperative_clause(sentence: str, lang: str, words: Words) -> int:
    """Offset of a final imperative clause (``…, so act fast``, ``If …, do``), else 0."""
    if _imperative(sentence, lang):
        return 0
    breaks = list(words.clause_break.finditer(sentence))
    if sentence.lower().startswith(_CONDITIONAL) and "," in sentence:
        breaks.append(re.compile(r",\s+").search(sentence))
    for found in sorted(breaks, key=lambda m: m.end(), reverse=True):
        if _imperative(sentence[found.end() :], lang):
            return found.end()
    return 0


_CONDITIONAL = ("if ", "wenn ", "falls ")
