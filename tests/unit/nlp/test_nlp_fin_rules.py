"""The built-in rule pipelines find the expected spans in German and English news."""

import pytest

from annotations.nlp.loader import get_nlp
from annotations.nlp.patterns import isin_checksum_ok
from annotations.nlp.registry import get_pipeline_spec
from annotations.nlp.suggest import predict

GERMAN = (
    "Siemens AG hebt Prognose an: Der Umsatz stieg um 3,5 Prozent auf 2,3 Mrd. Euro. "
    "Die Siemens-Aktie (SIE.DE, ISIN DE0007236101) kostete 210,50 € und in Zürich "
    "120 Franken. Die Brauerei Kühnlein GmbH erwartet zwei Milliarden Euro Umsatz. "
    "Finanzvorständin Ilka Brenner sagte, die Marge sei um -12% gefallen. "
    "Die EZB senkte den Leitzins um 25 Basispunkte; der DAX legte zu. "
    "Die Berenberg Bank stuft die Aktie von „Halten“ auf „Kaufen“ hoch und hebt das "
    "Kursziel von 200 auf 240 Euro an. Horror-Zahlen bei der Konkurrenz: Anleger "
    "sprechen von Abzocke, die Aktie explodierte und erlebte dann einen Rekord-Crash. "
    "Die Aktie dürfte sich verdoppeln, Insidern zufolge steht eine Übernahme an. "
    "Das müssen Anleger jetzt wissen!"
)
ENGLISH = (
    "Acme Widgets Inc. said revenue rose 4.5% to $45.10 a share, or € 2.5bn in total, "
    "and 1,234.50 dollars per unit. Apple (NASDAQ:AAPL) and $MSFT moved; the ISIN "
    "US0378331005 was quoted. Chief Executive Officer Ravi Okonkwo said margins fell "
    "-12% while the Fed cut rates by 25 basis points and the S&P 500 slipped. "
    "Mara Lindqvist, chief economist at the bank, disagreed. Morgan Stanley cut the "
    "stock to Underperform from Equal-weight and lowered its price target to $150. "
    "Critics slammed the board; one investor was slamming the plan. Shares are "
    "skyrocketing, in a bloodbath for shorts. The stock could soon crash. "
    "You won't believe what happened next."
)


def spans(lang, text, label=None):
    [prediction] = predict(get_pipeline_spec(f"fin-{lang}"), [text])
    return {(s.label, s.text) for s in prediction.spans if label in (None, s.label)}


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("MONEY", {"2,3 Mrd. Euro", "210,50 €", "120 Franken", "zwei Milliarden Euro"}),
        ("PERCENT", {"3,5 Prozent", "-12%", "25 Basispunkte"}),
        ("INSTRUMENT", {"Siemens-Aktie", "SIE.DE", "DE0007236101", "DAX"}),
        ("ORG", {"Siemens AG", "Brauerei Kühnlein GmbH", "EZB", "Berenberg Bank"}),
        ("PERSON", {"Ilka Brenner"}),
        ("LOADED", {"Horror-Zahlen", "Abzocke"}),
        ("EXAGGERATION", {"explodierte", "Rekord-Crash"}),
        ("SPECULATION", {"dürfte sich verdoppeln", "Insidern zufolge"}),
        ("CLICKBAIT", {"Das müssen Anleger jetzt wissen"}),
    ],
)
def test_fin_de_finds_expected_spans(label, expected):
    """Each German rule component finds its spans, with exact boundaries."""
    found = {text for _, text in spans("de", GERMAN, label)}
    assert expected <= found


def test_fin_de_analyst_views():
    """Rating changes and price targets are ANALYST_VIEW spans."""
    found = {text for _, text in spans("de", GERMAN, "ANALYST_VIEW")}
    assert any("„Kaufen“" in t and t.startswith("stuft") for t in found)
    assert "Kursziel von 200 auf 240 Euro" in found


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("MONEY", {"$45.10", "€ 2.5bn", "1,234.50 dollars", "$150"}),
        ("PERCENT", {"4.5%", "-12%", "25 basis points"}),
        ("INSTRUMENT", {"NASDAQ:AAPL", "$MSFT", "US0378331005", "S&P 500"}),
        ("ORG", {"Acme Widgets Inc.", "Apple", "Fed", "Morgan Stanley"}),
        ("PERSON", {"Ravi Okonkwo", "Mara Lindqvist"}),
        ("LOADED", {"slammed", "slamming", "bloodbath"}),
        ("EXAGGERATION", {"skyrocketing"}),
        ("SPECULATION", {"could soon crash"}),
        ("CLICKBAIT", {"You won't believe what happened next"}),
    ],
)
def test_fin_en_finds_expected_spans(label, expected):
    """Each English rule component finds its spans, with exact boundaries."""
    found = {text for _, text in spans("en", ENGLISH, label)}
    assert expected <= found


def test_fin_en_analyst_views():
    """A downgrade and a price-target cut are ANALYST_VIEW spans."""
    found = {text for _, text in spans("en", ENGLISH, "ANALYST_VIEW")}
    assert "cut the stock to Underperform" in found
    assert "price target to $150" in found


def test_neutral_factual_text_has_no_bias_spans():
    """Plain reporting gives no LOADED/EXAGGERATION/SPECULATION/CLICKBAIT span."""
    text = (
        "Die Deutsche Telekom hat im zweiten Quartal einen Umsatz von 28 Mrd. Euro "
        "erzielt. Der Vorstand bestätigte die Jahresziele. Die Hauptversammlung "
        "findet im Mai in Bonn statt."
    )
    labels = {label for label, _ in spans("de", text)}
    assert labels & {"LOADED", "EXAGGERATION", "SPECULATION", "CLICKBAIT"} == set()
    assert ("ORG", "Deutsche Telekom") in spans("de", text)


def test_invalid_isin_check_digit_is_not_an_instrument():
    """ISINs need a valid check digit; near misses are ignored."""
    assert isin_checksum_ok("DE0007236101") is True
    assert isin_checksum_ok("US0378331005") is True
    assert isin_checksum_ok("DE0007236102") is False
    found = spans("de", "Die ISIN DE0007236102 ist falsch.", "INSTRUMENT")
    assert found == set()


def test_inflected_loaded_forms_from_lexicon_patterns():
    """Brace and wildcard patterns cover inflections and compounds."""
    de = spans("de", "Der Kurs explodiert. Die Kurse explodieren. Ein Börsencrash.")
    assert {("EXAGGERATION", "explodiert"), ("EXAGGERATION", "explodieren")} <= de
    assert ("EXAGGERATION", "Börsencrash") in de
    en = spans("en", "He slams rivals. Stocks plunged. Prices plunging.")
    assert ("LOADED", "slams") in en
    assert {("EXAGGERATION", "plunged"), ("EXAGGERATION", "plunging")} <= en


def test_overlapping_spans_of_different_labels_are_kept():
    """An ORG inside an INSTRUMENT span: both are suggested (doc.spans['sc'])."""
    found = spans("en", "Acme Widgets Inc. shares rose.")
    assert ("ORG", "Acme Widgets Inc.") in found
    assert ("INSTRUMENT", "Acme Widgets Inc. shares") in found
    doc = get_nlp("fin-en")("Acme Widgets Inc. shares rose.")
    assert {span.label_ for span in doc.spans["sc"]} >= {"ORG", "INSTRUMENT"}


def test_surname_mentions_after_full_name():
    """Once a full name is found, later surname mentions are PERSON too."""
    text = "Finanzvorständin Ilka Brenner sprach. Später sagte Brenner, alles sei gut."
    found = predict(get_pipeline_spec("fin-de"), [text])[0].spans
    persons = [(s.text, s.start) for s in found if s.label == "PERSON"]
    assert ("Ilka Brenner", text.index("Ilka")) in persons
    assert ("Brenner", text.rindex("Brenner")) in persons
