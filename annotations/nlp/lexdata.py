"""Word families from spaCy's lookup lemmatizer tables (package ``spacy-lookups-data``).

The tables map an inflected form to its lemma (``abgestraft`` → ``abstrafen``,
``scammed`` → ``scam``). Inverted, they give every form of a lemma, so a lexicon
term matches its inflections without listing them; their lemmas form a
vocabulary of known words, used to split German compounds (``Kursbeben`` =
``Kurs`` + ``Beben``) and to tell common nouns from names. MIT licence (the
English table derives from WordNet 3.0, Princeton's licence); see
``resources/README.md``.

Pure Python and data; tables are loaded once per process.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from functools import cache
from importlib import resources

from .errors import PipelineError

LINKING = ("s", "es", "n", "en", "e", "-")  # German linking elements (Fugen)
MIN_PART = 3  # shortest compound part we trust


@cache
def lemma_table(lang: str) -> dict[str, str]:
    """``{form: lemma}`` of ``spacy-lookups-data`` for ``lang`` (case kept)."""
    try:
        data = resources.files("spacy_lookups_data") / "data"
        raw = (data / f"{lang}_lemma_lookup.json.gz").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise PipelineError(
            "the rule pipelines need the package spacy-lookups-data "
            f"(requirements/base.txt): {exc}"
        ) from exc
    return json.loads(gzip.decompress(raw))


@cache
def forms_by_lemma(lang: str) -> dict[str, tuple[str, ...]]:
    forms: dict[str, list[str]] = {}
    for form, lemma in lemma_table(lang).items():
        forms.setdefault(lemma.lower(), []).append(form.lower())
    return {lemma: tuple(sorted(set(f))) for lemma, f in forms.items()}


def lemma_of(lang: str, word: str) -> str:
    """The lower-cased lemma of ``word`` (the word itself when the table lacks it)."""
    table = lemma_table(lang)
    lemma = table.get(word) or table.get(word.lower()) or table.get(word.capitalize())
    return (lemma or word).lower()


def word_family(lang: str, words: Iterable[str]) -> set[str]:
    """Every lower-cased form sharing a lemma with one of ``words`` (and the words)."""
    forms = forms_by_lemma(lang)
    family: set[str] = set()
    for word in words:
        lowered = word.lower()
        family.add(lowered)
        family.update(forms.get(lemma_of(lang, word), ()))
        family.update(forms.get(lowered, ()))
    return family


@cache
def known_words(lang: str) -> frozenset[str]:
    """Lower-cased lemmas of the table: the words the language knows."""
    return frozenset(lemma.lower() for lemma in lemma_table(lang).values())


@cache
def known_nouns(lang: str) -> frozenset[str]:
    """Lower-cased capitalised lemmas (German: the common nouns)."""
    return frozenset(
        lemma.lower() for lemma in lemma_table(lang).values() if lemma[:1].isupper()
    )


def is_known_noun(lang: str, word: str) -> bool:
    """A German common noun (its lemma is a capitalised table lemma)."""
    return lemma_of(lang, word) in known_nouns(lang)


def compound_parts(lang: str, word: str) -> list[tuple[str, str]]:
    """Ways to read ``word`` as modifier + head, both known words (lower case).

    ``Kursbeben`` → ``[("kurs", "beben")]``; hyphens split first
    (``Abzock-Alarm`` → ``("abzock", "alarm")``, even when a part is unknown).
    """
    lowered = word.lower()
    if "-" in lowered.strip("-"):
        head_at = lowered.rindex("-")
        return [(lowered[:head_at], lowered[head_at + 1 :])]
    vocabulary = known_words(lang)
    splits = []
    for cut in range(MIN_PART, len(lowered) - MIN_PART + 1):
        modifier, head = lowered[:cut], lowered[cut:]
        if lemma_of(lang, head) not in vocabulary and head not in vocabulary:
            continue
        for link in ("", *LINKING):
            stem = modifier[: len(modifier) - len(link)] if link else modifier
            if (
                len(stem) >= MIN_PART
                and modifier.endswith(link)
                and (stem in vocabulary or lemma_of(lang, stem) in vocabulary)
            ):
                splits.append((stem, head))
                break
    return splits
