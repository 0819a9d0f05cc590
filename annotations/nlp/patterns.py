"""Regular expressions and resource lists behind each rule label, per language.

Everything here is plain data and ``re``; ``components.py`` turns it into spaCy
components. Changing this file changes the built-in pipelines' version
(``registry.py`` hashes it together with ``resources/``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .terms import Lexicon, read_lexicon

RESOURCES_DIR = Path(__file__).resolve().parent / "resources"
LANGUAGES = ("de", "en")

# Labels of the default scheme the rule pipelines produce, in scheme order.
RULE_LABELS = (
    "ORG",
    "PERSON",
    "INSTRUMENT",
    "MONEY",
    "PERCENT",
    "ANALYST_VIEW",
    "LOADED",
    "EXAGGERATION",
    "SPECULATION",
    "CLICKBAIT",
)
# Extra label for sentiment evidence (not a span label of the scheme).
POLARITY = "POLARITY"
# Labels an admin may extend with extra terms.
EXTENSIBLE_LABELS = (
    "ORG",
    "PERSON",
    "INSTRUMENT",
    "LOADED",
    "EXAGGERATION",
    "SPECULATION",
    "CLICKBAIT",
)

# (text, start, end) of a match → adjusted (start, end), or None to drop it.
Validator = Callable[[str, int, int], "tuple[int, int] | None"]


@dataclass(frozen=True)
class RegexRule:
    """A regex searched in the text (or in its lower-cased copy when ``lower``)."""

    name: str
    pattern: re.Pattern[str]
    left: re.Pattern[str] | None = None  # the char before the match must not match
    group: str | None = None  # named group holding the span, else the whole match
    validator: Validator | None = None
    weight: float = 1.0
    lower: bool = False


@dataclass(frozen=True)
class AnchorRule:
    """Find anchor tokens (phrases or a token regex), then let ``extend`` widen them.

    ``extend(doc, start, end)`` returns the span's token (start, end) or None; it
    runs only where an anchor matched, so its Python cost stays small.
    """

    name: str
    extend: Callable
    phrases: tuple[str, ...] = ()
    lower: bool = False  # match phrases on LOWER instead of ORTH
    token_regex: str | None = None  # fullmatch on the lower-cased token text


@dataclass
class LabelRules:
    """All rules of one label in one language."""

    label: str
    score: float
    gazetteer: dict[str, float] = field(default_factory=dict)  # case-sensitive
    lexicon: dict[str, float] = field(default_factory=dict)  # case-insensitive
    token_wildcards: list[tuple[str, float]] = field(default_factory=list)  # lower
    regexes: list[RegexRule] = field(default_factory=list)
    anchors: list[AnchorRule] = field(default_factory=list)
    # (rule name, test of a lower-cased word, weight): single-token hits, decided
    # once per distinct word (lemmas, compounds)
    word_tests: list[tuple[str, Callable[[str], object], float]] = field(
        default_factory=list
    )
    # doc → token (start, end, rule) spans found from structure (structure.py)
    finders: list[Callable] = field(default_factory=list)
    # (doc, spans kept so far) → more token (start, end, rule) spans
    post: list[Callable] = field(default_factory=list)


# --- shared pieces ------------------------------------------------------------
# Patterns start with a literal or a character class (never with a look-behind or
# \b) so that ``re`` can skip ahead quickly; the left word boundary is checked
# afterwards (``RegexRule.left``). Case-insensitive rules are written in lower
# case and run on the lower-cased text.

# a sign or digit first (a character class lets ``re`` skip ahead fast)
_NUM = r"[-+−±\d](?:(?<=[-+−±])\d|(?<=\d))\d*(?:[.,\u00a0\u202f']\d+)*"
_NUM_WORDS = (
    r"(?:eine?[nm]?|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf"
    r"|zwanzig|dreißig|fünfzig|hundert|a|an|one|two|three|four|five|six|seven"
    r"|eight|nine|ten|eleven|twelve|twenty|thirty|fifty|hundred|several"
    r"|mehrere|einige)"
)
_SCALE_WORD = (
    r"(?:Mrd\.?|Milliarden?|Mio\.?|Millionen|Million|Bio\.?|Billionen|Billion"
    r"|Tsd\.?|Tausend|billions?|millions?|trillions?|thousands?|bn|mn|mln|tn)"
)
_SCALE_ATTACHED = r"(?:bn|mn|mln|m|k|tn|b|M|B|K|Mrd\.?|Mio\.?)"
_CUR_SYMBOL = (
    r"(?:US\$|C\$|A\$|HK\$|S\$|NZ\$|\$|€|£|¥|₹|₣|CHF|EUR|USD|GBP|JPY|CNY|HKD|SEK"
    r"|NOK|DKK|PLN|CAD|AUD|sFr\.?|Fr\.)"
)
_CUR_WORD = (
    r"(?:Euro|Eurocent|Cent|Cents|US-Dollar|US\s?dollars?|Dollars?|dollars?"
    r"|Pfund(?:\s+Sterling)?|pounds?(?:\s+sterling)?|Pence|pence|Franken|francs?"
    r"|Rappen|Yen|yen|Yuan|yuan|Renminbi|Kronen|kronor|krona|kroner|Rubel|roubles?"
    r"|Rupien|rupees?|Lira|Złoty|Zloty|euros?|cents?|Bitcoin|EUR|USD|CHF|GBP|JPY|CNY"
    r"|HKD|SEK|NOK|DKK|CAD|AUD)"
)
_END = r"(?![\w])"
WORD = r"[\w]"  # left boundary classes: the character before a match must not be one
WORD_HYPHEN = r"[\w\-]"
NUMBER = r"[\w.,]"

MONEY_PATTERNS = (
    # 240p (pence, attached)
    rf"{_NUM}p(?![\w])",
    # $45.10 · € 2.5bn · US$ 3 billion · EUR 2,3 Mrd.
    rf"{_CUR_SYMBOL}\s?{_NUM}(?:\s?{_SCALE_ATTACHED}(?![\w])|\s{_SCALE_WORD}{_END})?",
    # 2,3 Mrd. Euro · 45 € · 120 Franken · 2.5bn euros · 10 Mio. EUR
    rf"{_NUM}(?:\s?{_SCALE_ATTACHED}|\s{_SCALE_WORD})?\s?(?:{_CUR_WORD}{_END}|[€$£¥])",
)
# zwei Milliarden Euro · two billion dollars: found at the scale word (lower-cased
# text), then widened to the number word before it
MONEY_WORD_PATTERN = rf"{_SCALE_WORD}\s+{_CUR_WORD}{_END}"
NUMBER_WORD_BEFORE = re.compile(rf"(?<![\w]){_NUM_WORDS}\s+$", re.IGNORECASE)

_PERCENT_UNIT = (
    r"(?:%|Prozentpunkte?n?|Prozent|v\.\s?H\.|percentage\s+points?|per\s?cent|percent"
    r"|pct|Basispunkte?n?|basis\s+points?|bps|Bp\.?|bp|Pp\.?|ppt|pp)"
)
PERCENT_PATTERN = rf"{_NUM}\s?{_PERCENT_UNIT}(?![\w])"
# zehn Prozent · ten percent (lower-cased text; widened like MONEY_WORD_PATTERN)
PERCENT_WORD_PATTERN = (
    r"(?:prozentpunkte|prozent|percentage\s+points|percent|per\s+cent"
    r"|basispunkte|basis\s+points)(?![\w])"
)

_EXCHANGES = (
    r"(?:NASDAQ|Nasdaq|NYSE|NYSEARCA|NYSEAMERICAN|AMEX|XETRA|Xetra|XETR|ETR|FRA|FWB"
    r"|LSE|LON|TSX|TSE|HKEX|HKG|SIX|SWX|EPA|AMS|EBR|BIT|BME|TYO|ASX|OTC|OTCMKTS|BATS"
    r"|STO|CPH|HEL|OSL|VIE|WSE|SHA|SHE|KRX|NSE|BSE)"
)
_TICKER_SUFFIX = (
    r"(?:DE|F|DU|MU|SG|BE|HM|L|PA|AS|MI|MC|SW|VX|ST|CO|HE|OL|BR|LS|VI|WA|T|HK|TO|AX"
    r"|SS|SZ|KS|NS|BO|N|O|OQ|DEX)"
)
# (name, pattern, left boundary)
INSTRUMENT_PATTERNS_COMMON = (
    (
        "exchange_ticker",
        rf"{_EXCHANGES}\s?:\s?[A-Z0-9][A-Z0-9.\-]{{0,9}}(?![\w])",
        WORD,
    ),
    ("cashtag", r"\$[A-Z]{1,5}(?:\.[A-Z])?(?![\w])", r"[\w$]"),
    ("wkn", r"WKN:?\s?(?P<span>[A-HJ-NP-Z0-9]{6})(?![\w])", WORD),
)
# single tokens: SIE.DE, VOW3.DE, 7203.T · ISINs (checked with their check digit)
SUFFIX_TICKER = re.compile(rf"[A-Z0-9]{{1,6}}[a-z]?\.{_TICKER_SUFFIX}")
ISIN = re.compile(r"[A-Z]{2}[A-Z0-9]{9}[0-9]")
INSTRUMENT_PATTERNS = {
    "de": (
        (
            "aktie_von",
            r"(?P<span>Aktien?\s+(?:von|der|des)\s+[A-ZÄÖÜ][\w&\-]*"
            r"(?:\s[A-ZÄÖÜ][\w&\-]*)?)(?![\w])",
            WORD,
        ),
    ),
    "en": (
        (
            "shares_of",
            r"(?P<span>(?:[Ss]hares|[Ss]tock)\s+(?:of|in)\s+[A-Z][\w&\-]*"
            r"(?:\s[A-Z][\w&\-]*)?)(?![\w])",
            WORD,
        ),
    ),
}
# A token ending in one of these makes "X-Aktie" an instrument (lower case).
AKTIE_WORD_PATTERN = (
    r"[\w&.\-]+-(?:vorzugsaktien?|stammaktien?|aktien?|vorzüge|papiere?|titel"
    r"|anleihen?|zertifikate?|optionsscheine?|anteilsscheine?|genussscheine?|adrs?)"
)
SHARES_WORDS = ("shares", "stock", "ADRs", "ADR", "stocks")

LEGAL_FORMS = (
    "AG", "SE", "KGaA", "GmbH", "mbH", "KG", "OHG", "GmbH & Co. KG",
    "GmbH & Co. KGaA", "AG & Co. KGaA", "SE & Co. KGaA", "Holding", "Holdings",
    "Group", "Gruppe", "Konzern", "Inc.", "Inc", "Incorporated", "Corp.", "Corp",
    "Corporation", "Co.", "Ltd.", "Ltd", "Limited", "LLC", "LLP", "LP", "PLC", "plc",
    "Plc", "N.V.", "NV", "S.A.", "SA", "S.p.A.", "SpA", "AB", "ASA", "A/S", "Oyj",
    "SAS", "Bancorp", "Partners", "Capital", "Securities", "Asset Management",
    "Advisors", "Investors",
)  # fmt: skip

ANALYST_ACTIONS = {
    "de": (
        r"(?:stuf(?:t|te|ten|en)|hochgestuft|heraufgestuft|abgestuft|herabgestuft"
        r"|heruntergestuft|eingestuft|hebt|hob|heben|hoben|senk(?:t|te|ten|en)"
        r"|bestätig(?:t|te|ten|en)|bekräftig(?:t|te|ten|en)|belässt|beließ|belassen"
        r"|nimmt|nahm|nehmen|starte(?:t|te|ten|n)|bewerte(?:t|te|ten|n)|empfiehlt"
        r"|empfahl|empfehlen|rät|riet|raten|sieht|sehen|bleib(?:t|en)|blieb)"
    ),
    "en": (
        r"(?:upgrad(?:e|es|ed|ing)|downgrad(?:e|es|ed|ing)|rais(?:e|es|ed|ing)"
        r"|lift(?:s|ed|ing)?|cut(?:s|ting)?|lower(?:s|ed|ing)?|reiterat(?:e|es|ed|ing)"
        r"|maintain(?:s|ed|ing)?|initiat(?:e|es|ed|ing)|start(?:s|ed|ing)?"
        r"|resum(?:e|es|ed|ing)|reaffirm(?:s|ed|ing)?|mov(?:e|es|ed|ing)"
        r"|rat(?:e|es|ed|ing)|kept|keep(?:s|ing)?|assign(?:s|ed|ing)?)"
    ),
}
_ACTION_PREP = {
    "de": r"(?:auf|mit|von|zum|zur|zu|bei|als)",
    "en": r"(?:to|at|as|with|from|a|an)",
}
_RATING_NOUN = {
    "de": r"(?:einstufung|votum|rating|empfehlung|anlageurteil|kaufempfehlung"
    r"|verkaufsempfehlung)",
    "en": r"(?:rating|recommendation|call|view|stance)",
}
_TARGET_WORDS = {
    "de": r"(?:kursziel(?:s|e|en)?|preisziel(?:s|e|en)?|kursziel-?\w+|ziel\s+für\s+die"
    r"\s+aktie|fairen\s+wert|fairer\s+wert)",
    "en": r"(?:price\s+target|target\s+price|price\s+objective|price\s+goal|pt|fair"
    r"\s+value(?:\s+estimate)?|\d+-month\s+target)",
}
_OPEN_Q = r"[„\"»'‚“]?"
_CLOSE_Q = r"[“\"«'‘”]?"
_MONEYISH = rf"(?:{_CUR_SYMBOL}\s?{_NUM}|{_NUM}(?:\s?(?:{_CUR_WORD}{_END}|[€$£]|{_CUR_SYMBOL}))?)"


def lower_pattern(pattern: str) -> str:
    """Lower-case a regex's literal letters but keep escapes (``\\S``, ``\\W``)."""
    out = []
    escaped = False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        else:
            out.append(char.lower())
    return "".join(out)


def _quoted_ratings(ratings: list[str]) -> str:
    words = sorted({w.lower() for w in ratings}, key=len, reverse=True)
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"[\s\-]?") for w in words)
    return f"(?:{alternatives})"


# --- validators ------------------------------------------------------------------


def isin_checksum_ok(code: str) -> bool:
    """ISO 6166 check digit (Luhn over the letters-to-digits expansion)."""
    if len(code) != 12 or not code[:2].isalpha() or not code[-1].isdigit():
        return False
    digits = "".join(str(int(ch, 36)) for ch in code[:-1])
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10 == int(code[-1])


def _number_word_before(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Widen "Milliarden Euro" to "zwei Milliarden Euro"; drop it without one."""
    match = NUMBER_WORD_BEFORE.search(text, max(0, start - 24), start)
    return (match.start(), end) if match else None


_LEADING_EXTRA = {
    "de": {"laut", "bei", "nach", "auch", "wie", "für", "mit", "trotz", "dank", "so"},
    "en": {"according", "shares", "stock", "while", "after", "as", "at", "says"},
}


@cache
def _stop_words(lang: str) -> frozenset[str]:
    if lang == "de":
        from spacy.lang.de.stop_words import STOP_WORDS
    else:
        from spacy.lang.en.stop_words import STOP_WORDS
    return frozenset(STOP_WORDS) | _LEADING_EXTRA.get(lang, set())


# --- per-label rules -----------------------------------------------------------


def _read(lang: str, filename: str) -> Lexicon:
    lexicon = read_lexicon(RESOURCES_DIR / "common" / filename)
    lexicon.merge(read_lexicon(RESOURCES_DIR / lang / filename))
    return lexicon


def _left(char_class: str | None) -> re.Pattern[str] | None:
    return re.compile(char_class) if char_class else None


def lexicon_regexes(
    name: str, regexes: list[tuple[str, float]], *, lower: bool
) -> list[RegexRule]:
    """Join wildcard and ``re:`` terms into one alternation per weight.

    (One pattern per weight: a named group per weight in a single pattern would
    stop ``re`` from skipping ahead on the first characters, which is slower.)
    """
    by_weight: dict[float, list[str]] = {}
    for pattern, weight in regexes:
        by_weight.setdefault(weight, []).append(
            lower_pattern(pattern) if lower else pattern
        )
    return [
        RegexRule(
            name=name,
            pattern=re.compile("|".join(patterns)),
            left=_left(WORD),
            weight=weight,
            lower=lower,
        )
        for weight, patterns in sorted(by_weight.items())
    ]


def lexicon_rules(
    label: str, lexicon: Lexicon, score: float, *, exact: bool
) -> LabelRules:
    """Rules from a lexicon: exact case (gazetteers) or any case (lexicons)."""
    rules = LabelRules(label=label, score=score)
    if exact:
        rules.gazetteer = dict(lexicon.phrases)
    else:
        rules.lexicon = dict(lexicon.phrases)
    rules.token_wildcards = [
        (p if exact else lower_pattern(p), w) for p, w in lexicon.token_wildcards
    ]
    rules.regexes = lexicon_regexes("lexicon", lexicon.regexes, lower=not exact)
    return rules


def money_rules(lang: str) -> LabelRules:
    rules = LabelRules(label="MONEY", score=0.95)
    for i, pattern in enumerate(MONEY_PATTERNS):
        rules.regexes.append(
            RegexRule(f"money_{i}", re.compile(pattern), _left(NUMBER))
        )
    rules.regexes.append(
        RegexRule(
            "money_words",
            re.compile(lower_pattern(MONEY_WORD_PATTERN)),
            _left(WORD),
            validator=_number_word_before,
            lower=True,
        )
    )
    return rules


def percent_rules(lang: str) -> LabelRules:
    rules = LabelRules(label="PERCENT", score=0.95)
    rules.regexes.append(
        RegexRule("percent", re.compile(PERCENT_PATTERN), _left(NUMBER))
    )
    rules.regexes.append(
        RegexRule(
            "percent_words",
            re.compile(PERCENT_WORD_PATTERN),
            _left(WORD),
            validator=_number_word_before,
            lower=True,
        )
    )
    return rules


# --- token helpers for anchors (called only where an anchor matched) -------------


def _is_capitalised(token, stops: frozenset[str]) -> bool:
    text = token.text
    return (
        bool(text)
        and (text[0].isupper() or text[0].isdigit() or text == "&")
        and token.lower_ not in stops
        and not token.is_punct
    ) or text == "&"


def _capitalised_backward(doc, end: int, stops: frozenset[str], limit: int) -> int:
    """Start of the run of capitalised tokens ending just before ``end``."""
    i = end
    while i > 0 and end - i < limit and _is_capitalised(doc[i - 1], stops):
        i -= 1
    while i < end and doc[i].text == "&":
        i += 1
    return i


def instrument_rules(lang: str) -> LabelRules:
    rules = lexicon_rules("INSTRUMENT", _read(lang, "indices.txt"), 0.85, exact=True)
    for name, pattern, left in INSTRUMENT_PATTERNS_COMMON:
        group = "span" if "?P<span>" in pattern else None
        rules.regexes.append(RegexRule(name, re.compile(pattern), _left(left), group))

    def ticker(doc, start: int, end: int) -> tuple[int, int] | None:
        return (start, end) if SUFFIX_TICKER.fullmatch(doc[start].text) else None

    def isin(doc, start: int, end: int) -> tuple[int, int] | None:
        code = doc[start].text
        ok = ISIN.fullmatch(code) and isin_checksum_ok(code)
        return (start, end) if ok else None

    rules.anchors.append(
        AnchorRule(
            "suffix_ticker", ticker, token_regex=lower_pattern(SUFFIX_TICKER.pattern)
        )
    )
    rules.anchors.append(
        AnchorRule("isin", isin, token_regex=lower_pattern(ISIN.pattern))
    )
    for name, pattern, left in INSTRUMENT_PATTERNS[lang]:
        rules.regexes.append(RegexRule(name, re.compile(pattern), _left(left), "span"))
    stops = _stop_words(lang)

    def x_aktie(doc, start: int, end: int) -> tuple[int, int] | None:
        # "Siemens-Aktie"; "Deutsche Bank-Aktie" takes the capitalised word before
        if not doc[start].text[:1].isupper():
            return None
        return _capitalised_backward(doc, start, stops, 2), end

    def x_shares(doc, start: int, end: int) -> tuple[int, int] | None:
        # "Tesla shares", "Apple's stock", "Deutsche Bank shares"
        i = start
        if i > 0 and doc[i - 1].lower_ in ("'s", "’s"):
            i -= 1
        first = _capitalised_backward(doc, i, stops, 3)
        return (first, end) if first < i else None

    if lang == "de":
        rules.anchors.append(
            AnchorRule("x_aktie", x_aktie, token_regex=AKTIE_WORD_PATTERN)
        )
    else:
        rules.anchors.append(
            AnchorRule("x_shares", x_shares, phrases=SHARES_WORDS, lower=False)
        )
    return rules


def analyst_view_rules(lang: str) -> LabelRules:
    ratings = list(_read(lang, "ratings.txt").phrases)
    rating = _quoted_ratings(ratings)
    action = ANALYST_ACTIONS[lang]
    prep = _ACTION_PREP[lang]
    target = _TARGET_WORDS[lang]
    noun = _RATING_NOUN[lang]
    tail = r"(?:\s+(?:hoch|herauf|herab|ab|zurück|ein|auf|an))?" if lang == "de" else ""
    moneyish = lower_pattern(_MONEYISH)
    from_word = "von" if lang == "de" else "from"
    patterns = {
        "rating_action": (
            rf"{action}(?:\s+\S+){{0,8}}?\s+"
            rf"(?:{from_word}\s+{_OPEN_Q}{rating}{_CLOSE_Q}\s+)?(?:{prep}\s+)?(?:(?:an?|the)\s+)?"
            rf"{_OPEN_Q}{rating}{_CLOSE_Q}{tail}(?![\w])"
        ),
        "rating_noun": rf"{noun}(?:\s+\S+){{0,4}}?\s+{_OPEN_Q}{rating}{_CLOSE_Q}(?![\w])",
        "rating_before_noun": rf"{rating}{_CLOSE_Q}[\s\-]{noun}(?![\w])",
        "quoted_rating": rf"[„\"»“]{rating}[“\"«”]",
        "price_target": (
            rf"{target}(?:\s+\S+){{0,6}}?\s+{moneyish}"
            rf"(?:\s+(?:auf|bis|to|from|von)\s+{moneyish})?"
        ),
    }
    rules = LabelRules(label="ANALYST_VIEW", score=0.85)
    for name, pattern in patterns.items():
        left = None if name == "quoted_rating" else _left(WORD)
        rules.regexes.append(RegexRule(name, re.compile(pattern), left, lower=True))
    return rules


NEGATORS = frozenset(
    {
        "kein", "keine", "keinen", "keiner", "keinem", "nicht", "nie", "ohne",
        "no", "not", "never", "without", "n't", "avoided", "avoids", "vermeidet",
        "vermied",
    }
)  # fmt: skip
