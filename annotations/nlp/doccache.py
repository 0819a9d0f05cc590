"""Per-Doc caches shared by the rule components (text, lower-cased text, words).

spaCy rebuilds ``doc.text`` from the tokens and creates a Python object per
token on iteration; the rule components need both often, so they are computed
once per Doc and kept in ``doc.user_data`` until the last component drops them.
"""

from __future__ import annotations

import numpy
from spacy.attrs import LOWER, ORTH
from spacy.tokens import Doc

_TEXT_KEY = "_newsroom_text"
_LOWER_KEY = "_newsroom_lower"
_LOWERS_KEY = "_newsroom_lowers"
_WORDS_KEY = "_newsroom_words"


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per Doc (spaCy rebuilds it from the tokens)."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def doc_lower(doc: Doc) -> str:
    """The lower-cased text with the same offsets, computed once per Doc."""
    lowered = doc.user_data.get(_LOWER_KEY)
    if lowered is None:
        lowered = doc.user_data[_LOWER_KEY] = lower_same_length(doc_text(doc))
    return lowered


def doc_lowers(doc: Doc) -> tuple[numpy.ndarray, set[int]]:
    """LOWER hashes of the tokens and the set of distinct ones, once per Doc."""
    cached = doc.user_data.get(_LOWERS_KEY)
    if cached is None:
        lowers = doc.to_array(LOWER)
        cached = doc.user_data[_LOWERS_KEY] = (lowers, set(lowers.tolist()))
    return cached


def forget_texts(doc: Doc) -> None:
    """Drop the per-Doc caches (they need not travel with the Doc)."""
    for key in (_TEXT_KEY, _LOWER_KEY, _LOWERS_KEY, _WORDS_KEY):
        doc.user_data.pop(key, None)


def lower_same_length(text: str) -> str:
    """``text.lower()``, keeping every offset (rare characters stay as they are)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def doc_words(doc: Doc) -> tuple[list[str], numpy.ndarray]:
    """Token texts and their ORTH hashes, once per Doc (no Token objects)."""
    cached = doc.user_data.get(_WORDS_KEY)
    if cached is None:
        orths = doc.to_array(ORTH)
        strings = doc.vocab.strings
        cached = doc.user_data[_WORDS_KEY] = ([strings[o] for o in orths], orths)
    return cached
