"""Rules that generalise: short texts written for these tests (not the eval corpus).

Names here are invented and absent from the gazetteers and first-name lists unless
a test says otherwise; each test pins one construction per label and language.
"""

import pytest

from annotations.nlp.registry import get_pipeline_spec
from annotations.nlp.suggest import predict


def found(lang: str, text: str, label: str) -> set[str]:
    [prediction] = predict(get_pipeline_spec(f"fin-{lang}"), [text])
    assert prediction.skipped_reason is None, prediction.skipped_reason
    for span in prediction.spans:
        assert text[span.start : span.end] == span.text
    return {s.text for s in prediction.spans if s.label == label}


# --- ORG from structure ------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # a descriptor noun before the name, German compounds as descriptors
        (
            "de",
            "Der Verpackungshersteller Quarzlicht Folien meldet Kurzarbeit.",
            "Quarzlicht Folien",
        ),
        ("de", "Die Onlinebank Veltrix hat neue Kunden gewonnen.", "Veltrix"),
        (
            "en",
            "Shares rose after chipmaker Orvanta Devices beat forecasts.",
            "Orvanta Devices",
        ),
        # a head word ending the name
        ("de", "Gestern legte Brückmann Logistik kräftig zu.", "Brückmann Logistik"),
        ("en", "The deal was led by Ashcombe Capital on Monday.", "Ashcombe Capital"),
        # a legal form; the descriptor before it is not part of the name
        (
            "de",
            "Das Biotechunternehmen Marvolin Bio GmbH plant den Börsengang.",
            "Marvolin Bio GmbH",
        ),
        ("en", "Analysts at Trevane & Holt raised their estimates.", "Trevane & Holt"),
        # a leading head word
        (
            "en",
            "The Spanish lender Banco Miravalle posted a profit.",
            "Banco Miravalle",
        ),
    ],
)
def test_org_from_structure(lang, text, expected):
    assert expected in found(lang, text, "ORG")


def test_org_short_mentions_follow_the_full_name():
    """After "Quellborn Energie AG", "Quellborn Energie" and "Quellborn" are ORG too."""
    text = (
        "Quellborn Energie meldet Zahlen. Die Quellborn Energie AG verdiente mehr. "
        "Quellborn will nun wachsen."
    )
    assert {"Quellborn Energie", "Quellborn Energie AG", "Quellborn"} <= found(
        "de", text, "ORG"
    )


def test_org_before_a_role_and_in_shares():
    """English "X CEO Jane Doe" and "X shares": X is an organisation."""
    text = "Tarnwell CEO Odile Brennan said Tarnwell shares were cheap."
    assert found("en", text, "ORG") == {"Tarnwell"}
    assert "Odile Brennan" in found("en", text, "PERSON")


def test_german_genitive_apostrophe_stays_outside_the_org():
    assert "Velmarin" not in found("de", "Velmarins Umsatz stieg.", "PERSON")
    orgs = found("de", "Die Velmarin Holding' Chef trat zurück.", "ORG")
    assert all(not o.endswith("'") for o in orgs)


def test_title_case_headline_verb_is_not_part_of_the_name():
    text = "Rowanfield Foods to Acquire Pellmoor Bakeries for $80 Million"
    assert not any(o.startswith("Acquire") for o in found("en", text, "ORG"))


# --- PERSON --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # role cues, German compound titles
        ("de", "Werftchefin Ilvy Mardorf kündigte Investitionen an.", "Ilvy Mardorf"),
        (
            "de",
            "Vorstandssprecher Jens-Ole Kastrup bestätigte die Ziele.",
            "Jens-Ole Kastrup",
        ),
        # speech verbs with unknown first names
        (
            "de",
            "Das sei ein Erfolg, sagte Oksana Bregović am Montag.",
            "Oksana Bregović",
        ),
        (
            "en",
            "Costs will fall, said Tadeusz Wilk, adding that demand is firm.",
            "Tadeusz Wilk",
        ),
        # honorifics stay outside
        ("de", "Geschäftsführer Dr. Ansgar Pohlmeyer sprach.", "Ansgar Pohlmeyer"),
        # hyphenated first name with a lower-case part
        ("en", "Analyst Soo-min Kang cut the estimate.", "Soo-min Kang"),
        # apposition with a title after the name
        (
            "en",
            "The board named Ifeoma Duru, currently Chief Operating Officer, as CEO.",
            "Ifeoma Duru",
        ),
        # coordination
        (
            "en",
            "The note was written by Lorcan Hale and Birte Solvang.",
            "Birte Solvang",
        ),
    ],
)
def test_person_from_role_and_context(lang, text, expected):
    assert expected in found(lang, text, "PERSON")


def test_honorific_is_not_in_the_person_span():
    persons = found("de", "Geschäftsführer Dr. Ansgar Pohlmeyer sprach.", "PERSON")
    assert not any(p.startswith("Dr") for p in persons)


def test_german_genitive_does_not_run_into_the_next_noun():
    """'Ilka Brenners Aussage': the name ends before the common noun."""
    text = "Laut Finanzchefin Ilka Brenners Aussage bleibt die Prognose."
    persons = found("de", text, "PERSON")
    assert "Ilka Brenners" in persons
    assert not any("Aussage" in p for p in persons)


def test_hyphenated_surname_mentions_are_found_later():
    text = "The bank appointed Carys Whitby-Moore as chair. Whitby-Moore starts in May."
    persons = found("en", text, "PERSON")
    assert "Carys Whitby-Moore" in persons
    assert "Whitby-Moore" in persons


def test_forum_signature_is_a_person():
    assert "Jannes" in found(
        "de", "Weiß jemand, warum die Aktie fällt? Gruß, Jannes", "PERSON"
    )


def test_company_before_said_is_not_a_person():
    text = "Hallworth Mining said output fell."
    assert found("en", text, "PERSON") == set()
    assert "Hallworth Mining" in found("en", text, "ORG")


# --- MONEY, PERCENT: acronyms and attached scales ----------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "The unit earned £2.4m. Analysts expected more.", "£2.4m"),
        ("en", "It burned $45M last year.", "$45M"),
        ("en", "The target is 310p a share.", "310p"),
        ("de", "Der Konzern zahlt 3,2 Mrd. Euro.", "3,2 Mrd. Euro"),
    ],
)
def test_money_ends_where_the_amount_ends(lang, text, expected):
    assert expected in found(lang, text, "MONEY")


# --- LOADED: inflections, compounds, intensifiers ---------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # inflections through the lemma tables
        ("en", "Depositors were scammed twice.", "scammed"),
        ("en", "Bosses keep fleecing savers.", "fleecing"),
        ("de", "Die Aufsicht pennte wieder.", "pennte"),
        # German compounds built on a loaded word
        ("de", "Ein Kursbeben erschüttert Frankfurt.", "Kursbeben"),
        ("de", "Der Zocker-Fonds verlor alles.", "Zocker-Fonds"),
        ("de", "Anleger reden von einer Abzockmasche.", "Abzockmasche"),
        # hyphenated compounds in English
        ("en", "The scandal-ridden lender apologised.", "scandal-ridden"),
        # an intensifier joins the loaded word
        ("en", "The plan was utterly reckless.", "utterly reckless"),
        ("de", "Das Management handelte völlig dreist.", "völlig dreist"),
    ],
)
def test_loaded_word_families(lang, text, expected):
    assert expected in found(lang, text, "LOADED")


def test_loaded_needs_a_loaded_part_not_any_compound():
    assert found("de", "Die Kursentwicklung war ruhig.", "LOADED") == set()
    assert found("en", "Revenue rose in the third quarter.", "LOADED") == set()


# --- CLICKBAIT from structure -------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("de", "Anleger aufgepasst: Die Dividende sinkt.", "Anleger aufgepasst"),
        (
            "de",
            "Lohnt sich der Kauf der Aktie jetzt noch?",
            "Lohnt sich der Kauf der Aktie jetzt noch",
        ),
        (
            "de",
            "Sichern Sie sich jetzt unseren Sonderbericht!",
            "Sichern Sie sich jetzt unseren Sonderbericht",
        ),
        (
            "de",
            "Vier Titel, die Sie jetzt im Depot haben sollten.",
            "Vier Titel, die Sie jetzt im Depot haben sollten",
        ),
        (
            "en",
            "Investors, read this before Friday.",
            "Investors, read this before Friday",
        ),
        ("en", "Should you sell before the split?", "Should you sell before the split"),
        (
            "en",
            "Here's why the shares could double.",
            "Here's why the shares could double",
        ),
        ("en", "Supplies are running out, so order today.", "order today"),
    ],
)
def test_clickbait_forms(lang, text, expected):
    assert expected in found(lang, text, "CLICKBAIT")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("de", "Sie folgt auf den langjährigen Finanzchef."),
        ("de", "Anleger, die früh gekauft hatten, verdienten gut."),
        ("de", "Weiß jemand, ob die Hauptversammlung verschoben wird?"),
        ("en", "Did I miss the ex-dividend date?"),
        ("en", "The company said it would publish results on Tuesday."),
        ("en", "Key risks: trial delays and dilution."),
    ],
)
def test_plain_sentences_are_not_clickbait(lang, text):
    assert found(lang, text, "CLICKBAIT") == set()
