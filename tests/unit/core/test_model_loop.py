"""The model loop's arithmetic (annotations.model_loop), checked against scikit-learn."""

import random

import pytest
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

from annotations.model_loop import (
    HeldOutDoc,
    SideOutput,
    beats,
    chart_rows,
    compare,
)
from annotations.prediction_confidence import prediction_confidence

LABELS = ["ORG", "PERSON", "MONEY"]
CHOICES = ["positive", "neutral", "negative"]


def random_spans(rng, n):
    spans = set()
    for _ in range(n):
        start = rng.randrange(0, 40)
        spans.add((start, start + rng.randrange(1, 4), rng.choice(LABELS)))
    return tuple(sorted(spans))


def perturbed(rng, gold):
    """Keep most gold spans, shift some, add some."""
    kept = [s for s in gold if rng.random() < 0.7]
    shifted = [(s[0] + 1, s[1] + 1, s[2]) for s in gold if rng.random() < 0.2]
    return kept + shifted + list(random_spans(rng, rng.randrange(0, 3)))


def sklearn_label_scores(gold_docs, predicted_docs, label):
    """Exact-match P/R/F1 as binary classification over every candidate span."""
    y_true, y_pred = [], []
    for gold, predicted in zip(gold_docs, predicted_docs, strict=True):
        gold_set = {s for s in gold if s[2] == label}
        predicted_set = {s for s in predicted if s[2] == label}
        for span in gold_set | predicted_set:
            y_true.append(span in gold_set)
            y_pred.append(span in predicted_set)
    p, r, f, _ = precision_recall_fscore_support(
        y_true, y_pred, average="binary", zero_division=0
    )
    return p, r, f


@pytest.mark.parametrize("seed", range(5))
def test_compare_matches_sklearn_per_label_and_per_question(seed):
    rng = random.Random(seed)
    docs = [
        HeldOutDoc(
            spans=random_spans(rng, 5), answers={"sentiment": rng.choice(CHOICES)}
        )
        for _ in range(12)
    ]
    outputs = {}
    for side in ("current", "trained"):
        outputs[side] = SideOutput(
            pipeline=side,
            version="1",
            spans=[perturbed(rng, doc.spans) for doc in docs],
            answers=[{"sentiment": rng.choice(CHOICES)} for _ in docs],
        )
    result = compare(docs, outputs, labels=LABELS, questions=["sentiment"])
    assert result["n_articles"] == 12
    gold_docs = [doc.spans for doc in docs]
    for side, output in outputs.items():
        for label in LABELS:
            expected = sklearn_label_scores(gold_docs, output.spans, label)
            figures = result["spans"][label][side]
            got = (figures["precision"], figures["recall"], figures["f1"])
            assert got == pytest.approx(expected), (side, label)
        gold_answers = [doc.answers["sentiment"] for doc in docs]
        predicted = [a["sentiment"] for a in output.answers]
        question = result["questions"]["sentiment"][side]
        assert question["accuracy"] == pytest.approx(
            accuracy_score(gold_answers, predicted)
        )
        assert question["macro_f1"] == pytest.approx(
            f1_score(
                gold_answers,
                predicted,
                average="macro",
                labels=sorted(set(gold_answers) | set(predicted)),
            )
        )
    delta = result["micro"]["trained"]["f1"] - result["micro"]["current"]["f1"]
    assert result["delta_f1"] == pytest.approx(delta)


def test_a_side_that_cannot_run_has_an_error_and_no_figures():
    docs = [HeldOutDoc(spans=((0, 4, "ORG"),), answers={})]
    result = compare(
        docs,
        {
            "current": SideOutput("fin-de", "", error="cannot build"),
            "trained": SideOutput(
                "trained:x@v1", "v1", spans=[[(0, 4, "ORG")]], answers=[{}]
            ),
        },
        labels=["ORG"],
        questions=[],
    )
    assert result["pipelines"]["current"]["error"] == "cannot build"
    assert "current" not in result["spans"]["ORG"]
    assert result["spans"]["ORG"]["trained"]["f1"] == 1.0
    assert result["delta_f1"] is None
    assert beats(result, 0.0) == (False, "micro F1 undefined for one of the pipelines")


@pytest.mark.parametrize(
    ("current", "trained", "margin", "expected"),
    [(0.5, 0.6, 0.05, True), (0.5, 0.52, 0.05, False), (0.5, 0.5, 0.0, True)],
)
def test_beats_needs_the_margin(current, trained, margin, expected):
    comparison = {
        "n_articles": 3,
        "micro": {"current": {"f1": current}, "trained": {"f1": trained}},
    }
    switch, why = beats(comparison, margin)
    assert switch is expected
    assert f"{margin:.3f}" in why


def test_no_held_out_articles_never_switches():
    assert beats({"n_articles": 0, "micro": {}}, 0.0)[0] is False
    assert beats(None, 0.0)[0] is False


def test_confidence_is_the_mean_of_spans_and_rescaled_best_choices():
    spans = [{"score": 0.9}, {"score": 0.7}]
    two_way = {"bias": {"biased": 0.2, "non_biased": 0.8}}  # (0.8 - .5) / .5
    five_way = {"sentiment": dict.fromkeys("abcde", 0.2)}  # uniform: 0
    assert prediction_confidence(spans, {}) == pytest.approx(0.8)
    assert prediction_confidence([], two_way) == pytest.approx(0.6)
    assert prediction_confidence([], five_way) == pytest.approx(0.0)
    assert prediction_confidence(spans, {**two_way, **five_way}) == pytest.approx(
        (0.9 + 0.7 + 0.6 + 0.0) / 4
    )
    assert prediction_confidence([], {"sentiment": {"only": 0.7}}) == 0.7


def test_confidence_without_scores_is_none():
    assert prediction_confidence([{"score": None}, {"label": "ORG"}], {}) is None
    assert prediction_confidence([{"score": True}], {"q": "not scores"}) is None
    assert prediction_confidence([], {}) is None


def test_chart_bars_are_f1_in_per_cent():
    comparison = {
        "labels": ["ORG"],
        "spans": {"ORG": {"current": {"f1": 0.25}, "trained": {"f1": None}}},
        "micro": {"current": {"f1": 0.5}, "trained": {"f1": 1.0}},
    }
    rows = chart_rows(comparison)
    assert [row["label"] for row in rows] == ["ORG", "all"]
    assert [bar["width"] for bar in rows[0]["bars"]] == [25.0, 0.0]
    assert [bar["width"] for bar in rows[1]["bars"]] == [50.0, 100.0]
