"""predict(): exact offsets, skipped texts, failure isolation, document suggestions."""

import math

import pytest
import spacy
from spacy.language import Language

from annotations.nlp.registry import get_pipeline_spec
from annotations.nlp.scoring import SENTIMENT_CHOICES, bias_scores, sentiment_scores
from annotations.nlp.suggest import predict


@pytest.fixture(scope="module")
def fin_de():
    return get_pipeline_spec("fin-de")


@pytest.fixture(scope="module")
def fin_en():
    return get_pipeline_spec("fin-en")


def test_offsets_are_code_points_with_emoji_combining_marks_and_crlf(fin_de):
    """text[start:end] == span.text, also after emoji, combining marks and CRLF."""
    text = (
        "🚀🚀 Eilmeldung 👩‍👩‍👧\r\nDie Siemens-Aktie stieg um 3,5 Prozent.\r\n"
        "Cafe\u0301-Betreiber Zu\u0308rich: 2,3 Mrd. Euro 💶 und 25 Basispunkte.\r\n"
        "Horror-Zahlen 😱 bei der Commerzbank!"
    )
    [prediction] = predict(fin_de, [text])
    assert prediction.skipped_reason is None
    for span in prediction.spans:
        assert text[span.start : span.end] == span.text
    found = {(s.label, s.text, s.start) for s in prediction.spans}
    expected = [
        ("INSTRUMENT", "Siemens-Aktie"),
        ("PERCENT", "3,5 Prozent"),
        ("MONEY", "2,3 Mrd. Euro"),
        ("PERCENT", "25 Basispunkte"),
        ("LOADED", "Horror-Zahlen"),
        ("ORG", "Commerzbank"),
    ]
    for label, snippet in expected:
        assert (label, snippet, text.index(snippet)) in found


def test_empty_and_too_long_texts_are_marked_with_a_reason(fin_en):
    """Empty, whitespace-only, over-limit and non-text items are skipped, in order."""
    texts = ["", "  \r\n ", "x" * 500, "Apple shares rose 3%.", None]
    results = predict(fin_en, texts, max_chars=100)
    assert len(results) == len(texts)
    assert results[0].skipped_reason.startswith("empty")
    assert results[1].skipped_reason.startswith("empty")
    assert results[2].skipped_reason == "too_long: 500 characters, the limit is 100"
    assert results[3].skipped_reason is None
    assert ("PERCENT", "3%") in {(s.label, s.text) for s in results[3].spans}
    assert results[4].skipped_reason.startswith("not_text")
    assert results[0].spans == ()
    assert results[0].pipeline == "fin-en"
    assert results[0].pipeline_version == fin_en.version


@Language.component("newsroom_test_explode")
def _explode(doc):
    if "BOOM" in doc.text:
        raise ValueError("cannot handle BOOM")
    return doc


def test_one_failing_text_does_not_fail_the_batch():
    """A text the pipeline raises on gets an error reason; the others succeed."""
    nlp = spacy.blank("en")
    nlp.add_pipe("newsroom_test_explode")
    results = predict(nlp, ["fine one", "BOOM here", "fine two"], batch_size=8)
    assert [r.skipped_reason is None for r in results] == [True, False, True]
    assert results[1].skipped_reason == "error: ValueError: cannot handle BOOM"


def test_negative_article_sentiment_points_to_its_evidence(fin_de):
    """A profit warning and job cuts push sentiment negative; evidence says why."""
    text = (
        "Der Autozulieferer veröffentlicht eine Gewinnwarnung und kündigt einen "
        "massiven Stellenabbau an. Die Aktie fiel um 8 Prozent."
    )
    [prediction] = predict(fin_de, [text])
    sentiment = prediction.labels["sentiment"]
    assert list(sentiment) == list(SENTIMENT_CHOICES)
    assert math.isclose(sum(sentiment.values()), 1.0, abs_tol=1e-6)
    assert sentiment["very_negative"] + sentiment["negative"] > 0.8
    evidence = prediction.evidence["sentiment"]
    assert {"Gewinnwarnung", "Stellenabbau"} <= {s.text for s in evidence}
    assert all(s.label == "NEGATIVE" for s in evidence)
    for span in evidence:
        assert text[span.start : span.end] == span.text


def test_positive_article_sentiment(fin_en):
    """Beating estimates and raising guidance is positive."""
    text = "Nvidia beats expectations and raises guidance; it also announced a buyback."
    [prediction] = predict(fin_en, [text])
    q = {q.question: q for q in prediction.questions}["sentiment"]
    assert q.best in {"positive", "very_positive"}
    assert {"beats expectations", "raises guidance"} <= {s.text for s in q.evidence}


def test_negation_flips_polarity(fin_de):
    """'keine Gewinnwarnung' is not negative evidence."""
    [prediction] = predict(fin_de, ["Das Unternehmen sieht keine Gewinnwarnung."])
    [span] = prediction.evidence["sentiment"]
    assert span.text == "Gewinnwarnung"
    assert span.label == "POSITIVE"
    assert span.source.endswith(":negated")


def test_bias_score_comes_from_loaded_and_clickbait_spans(fin_de):
    """Loaded, exaggerated and clickbait wording make the article look biased."""
    biased_text = (
        "Horror-Zahlen! Die Aktie explodiert, Anleger sprechen von Abzocke. "
        "Das müssen Anleger jetzt wissen."
    )
    factual = "Die Deutsche Telekom legte ihre Quartalszahlen vor. Der Umsatz lag bei 28 Mrd. Euro."
    biased, neutral = predict(fin_de, [biased_text, factual])
    assert biased.labels["bias"]["biased"] > 0.8
    assert {"Horror-Zahlen", "Abzocke", "explodiert"} <= {
        s.text for s in biased.evidence["bias"]
    }
    assert {s.label for s in biased.evidence["bias"]} >= {"LOADED", "CLICKBAIT"}
    assert neutral.labels["bias"]["non_biased"] > 0.8
    assert neutral.evidence["bias"] == ()


def test_span_label_filter_and_questions_switch(fin_en):
    """span_labels keeps only scheme labels; with_questions=False skips scores."""
    text = "Apple shares slammed: -12% in a bloodbath."
    [prediction] = predict(
        fin_en, [text], span_labels={"PERCENT"}, with_questions=False
    )
    assert {s.label for s in prediction.spans} == {"PERCENT"}
    assert prediction.questions == ()


def test_prediction_to_dict_has_the_contract_shape(fin_en):
    """to_dict gives pipeline, version, spans, labels and evidence."""
    [prediction] = predict(fin_en, ["Tesla shares plunge 12% after a profit warning."])
    data = prediction.to_dict()
    assert {"pipeline", "pipeline_version", "spans", "labels", "evidence"} <= set(data)
    assert {"start", "end", "label", "text", "score"} <= set(data["spans"][0])
    assert set(data["labels"]) == {"sentiment", "bias"}
    assert {e["question"] for e in data["evidence"]} == {"sentiment", "bias"}


def test_scoring_functions_sum_to_one_and_order_sensibly():
    """No evidence is neutral and unbiased; strong evidence moves the scores."""
    empty = sentiment_scores(0, 0)
    assert max(empty, key=empty.get) == "neutral"
    assert math.isclose(sum(empty.values()), 1.0, abs_tol=1e-6)
    strong_negative = sentiment_scores(0, 8)
    assert max(strong_negative, key=strong_negative.get) == "very_negative"
    mild_positive = sentiment_scores(1, 0)
    assert max(mild_positive, key=mild_positive.get) == "positive"
    assert bias_scores(0, 1500)["non_biased"] > 0.85
    assert bias_scores(5, 1500)["biased"] > 0.9
    assert bias_scores(1, 15000)["biased"] < bias_scores(1, 1500)["biased"]


def test_batch_size_must_be_positive(fin_en):
    """A zero batch size is a programming error."""
    with pytest.raises(ValueError, match="batch_size"):
        predict(fin_en, ["x"], batch_size=0)
