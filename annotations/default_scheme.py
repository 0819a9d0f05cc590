"""The default scheme for financial news (German and English), as a one-click template.

Grounded in Financial PhraseBank, SemEval-2017 Task 5, BABE/MBIC and the
SemEval-2020 Task 11 propaganda techniques; see docs/scheme.md. ``bias`` and
``opinion`` keep BABE's values so BABE's raw labels can be imported unchanged.
"""

from __future__ import annotations

from copy import deepcopy

# key, shortcut, colour, English name/description, German name/description
_SPAN_LABELS = [
    ("ORG", "1", "#1f77b4", "Organisation",
     "Company, bank, fund, regulator, exchange, authority, research firm.",
     "Organisation",
     "Unternehmen, Bank, Fonds, Aufsicht, Börse, Behörde, Analysehaus."),
    ("PERSON", "2", "#ff7f0e", "Person",
     "A named person: executive, analyst, politician.",
     "Person",
     "Namentlich genannte Person: Vorstand, Analyst, Politiker."),
    ("INSTRUMENT", "3", "#2ca02c", "Instrument",
     "Tradable security or index: ticker, ISIN, \"X shares\", index name.",
     "Wertpapier",
     "Wertpapier oder Index: Ticker, ISIN, „X-Aktie“, Indexname."),
    ("MONEY", "4", "#17becf", "Money",
     "An amount of money with its currency, including prices and targets.",
     "Geldbetrag",
     "Geldbetrag mit Währung, auch Kurse und Kursziele."),
    ("PERCENT", "5", "#9467bd", "Percent",
     "A percentage or percentage-point change.",
     "Prozent",
     "Prozentangabe oder Veränderung in Prozentpunkten."),
    ("ANALYST_VIEW", "6", "#8c564b", "Analyst view",
     "A rating or price target attributed to an analyst or bank.",
     "Analystenurteil",
     "Einstufung oder Kursziel eines Analysten oder einer Bank."),
    ("LOADED", "7", "#d62728", "Loaded language",
     "Emotionally charged or judgmental wording where neutral wording exists.",
     "Wertende Sprache",
     "Emotional aufgeladene oder wertende Wortwahl, obwohl eine neutrale möglich wäre."),
    ("EXAGGERATION", "8", "#e377c2", "Exaggeration",
     "Overstating or minimising size or certainty.",
     "Übertreibung",
     "Über- oder Untertreibung von Ausmaß oder Gewissheit."),
    ("SPECULATION", "9", "#bcbd22", "Speculation",
     "A claim about future prices or events without a source; unsourced reports.",
     "Spekulation",
     "Aussage über künftige Kurse oder Ereignisse ohne Quelle; Gerüchte ohne Beleg."),
    ("CLICKBAIT", "0", "#7f7f7f", "Clickbait",
     "A headline or teaser device that withholds information or pushes the reader to act.",
     "Clickbait",
     "Reißerische Überschrift oder Teaser, der Information zurückhält oder zum Handeln drängt."),
]  # fmt: skip

_QUESTIONS = [
    {
        "key": "sentiment",
        "level": "ordinal",
        "multiple": False,
        "required": True,
        "name": {"en": "Sentiment (investor view)", "de": "Stimmung (Anlegersicht)"},
        "choices": [
            ("very_negative", "very negative", "sehr negativ"),
            ("negative", "negative", "negativ"),
            ("neutral", "neutral", "neutral"),
            ("positive", "positive", "positiv"),
            ("very_positive", "very positive", "sehr positiv"),
        ],
    },
    {
        "key": "bias",
        "level": "nominal",
        "multiple": False,
        "required": True,
        "name": {"en": "Media bias", "de": "Verzerrung"},
        "choices": [
            ("non_biased", "non-biased", "unverzerrt"),
            ("biased", "biased", "verzerrt"),
        ],
    },
    {
        "key": "opinion",
        "level": "ordinal",
        "multiple": False,
        "required": False,
        "name": {"en": "Opinion", "de": "Meinung"},
        "choices": [
            ("factual", "entirely factual", "rein sachlich"),
            (
                "somewhat_opinionated",
                "somewhat factual but also opinionated",
                "überwiegend sachlich aber meinungsbehaftet",
            ),
            ("opinion", "expresses the writer's opinion", "Meinung des Autors"),
        ],
    },
]

DEFAULT_GUIDELINES = {
    "en": """# Annotation guidelines: financial news

Read the whole article once before you mark anything.

## Spans
Mark the **minimal span** that carries the meaning. Spans may overlap: a
loaded phrase can contain a company name.

- **ORG**: companies, banks, funds, regulators, exchanges, research firms.
- **PERSON**: named people (executives, analysts, politicians).
- **INSTRUMENT**: tickers (SIE.DE, NASDAQ:AAPL), ISINs, "X shares", index names.
- **MONEY**: amounts with their currency, including prices and targets.
- **PERCENT**: percentages and percentage-point or basis-point changes.
- **ANALYST_VIEW**: a rating or price target attributed to an analyst or bank.
- **LOADED**: emotionally charged wording where a neutral word exists.
- **EXAGGERATION**: overstating or minimising size or certainty.
- **SPECULATION**: claims about the future without a source; unsourced reports.
- **CLICKBAIT**: teasers that withhold information or push the reader to act.

## Document questions
- **Sentiment**: the likely effect of the reported facts on the main company's
  share price, judged only from the text, as an investor would.
- **Bias**: does the wording show the writer's slant beyond the facts?
- **Opinion**: entirely factual, somewhat opinionated, or the writer's opinion.
""",
    "de": """# Annotationsrichtlinien: Finanznachrichten

Lesen Sie den ganzen Artikel einmal, bevor Sie etwas markieren.

## Spannen
Markieren Sie die **kleinste Spanne**, die die Bedeutung trägt. Spannen dürfen
sich überlappen: eine wertende Formulierung kann einen Firmennamen enthalten.

- **ORG**: Unternehmen, Banken, Fonds, Aufsicht, Börsen, Analysehäuser.
- **PERSON**: namentlich genannte Personen (Vorstände, Analysten, Politiker).
- **INSTRUMENT**: Ticker (SIE.DE, NASDAQ:AAPL), ISINs, „X-Aktie“, Indexnamen.
- **MONEY**: Geldbeträge mit Währung, auch Kurse und Kursziele.
- **PERCENT**: Prozentangaben, Prozentpunkte und Basispunkte.
- **ANALYST_VIEW**: Einstufung oder Kursziel eines Analysten oder einer Bank.
- **LOADED**: wertende Wortwahl, obwohl eine neutrale möglich wäre.
- **EXAGGERATION**: Über- oder Untertreibung von Ausmaß oder Gewissheit.
- **SPECULATION**: Aussagen über die Zukunft ohne Quelle; Gerüchte.
- **CLICKBAIT**: Teaser, die Information zurückhalten oder zum Handeln drängen.

## Fragen zum Dokument
- **Stimmung**: die wahrscheinliche Wirkung der berichteten Fakten auf den
  Aktienkurs des Hauptunternehmens, nur aus dem Text, aus Anlegersicht.
- **Verzerrung**: Zeigt die Wortwahl eine Färbung über die Fakten hinaus?
- **Meinung**: rein sachlich, teils meinungsbehaftet oder Meinung des Autors.
""",
}


def default_scheme(language: str = "en") -> dict:
    """The default financial-news scheme as JSON, with names in ``language`` (en or de)."""
    german = language == "de"
    return deepcopy(
        {
            "span_labels": [
                {
                    "key": key,
                    "name": de_name if german else en_name,
                    "description": de_desc if german else en_desc,
                    "color": color,
                    "shortcut": shortcut,
                }
                for key, shortcut, color, en_name, en_desc, de_name, de_desc in _SPAN_LABELS
            ],
            "questions": [
                {
                    "key": q["key"],
                    "name": q["name"]["de" if german else "en"],
                    "level": q["level"],
                    "multiple": q["multiple"],
                    "required": q["required"],
                    "choices": [
                        {"key": key, "name": de if german else en}
                        for key, en, de in q["choices"]
                    ],
                }
                for q in _QUESTIONS
            ],
        }
    )


def default_guidelines(language: str = "en") -> str:
    return DEFAULT_GUIDELINES["de" if language == "de" else "en"]
