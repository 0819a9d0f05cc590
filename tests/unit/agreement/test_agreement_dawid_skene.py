"""Dawid-Skene on seeded synthetic data with known truth and error rates."""

import numpy as np
import pytest

from annotations.agreement import dawid_skene

CLASSES = ["negative", "neutral", "positive"]
PRIORS = np.array([0.3, 0.5, 0.2])


def confusion(accuracy):
    """Symmetric confusion: correct with ``accuracy``, else uniform over the rest."""
    k = len(CLASSES)
    matrix = np.full((k, k), (1 - accuracy) / (k - 1))
    np.fill_diagonal(matrix, accuracy)
    return matrix


ADVERSARY = np.array(  # mostly answers the "next" class: shifted labels
    [[0.1, 0.8, 0.1], [0.1, 0.1, 0.8], [0.8, 0.1, 0.1]]
)
TRUE_CONFUSION = {
    "good1": confusion(0.8),
    "good2": confusion(0.75),
    "good3": confusion(0.7),
    "noisy": confusion(1 / 3),
    "adversary": ADVERSARY,
}


def true_error_rate(matrix):
    return 1.0 - float(PRIORS @ np.diag(matrix))


def generate(seed, n_items=600, p_missing=0.1):
    rng = np.random.default_rng(seed)
    truth = rng.choice(len(CLASSES), size=n_items, p=PRIORS)
    ratings = []
    for item in range(n_items):
        for annotator, matrix in TRUE_CONFUSION.items():
            if rng.random() < p_missing:
                continue
            given = rng.choice(len(CLASSES), p=matrix[truth[item]])
            ratings.append((item, annotator, CLASSES[given]))
    return ratings, {item: CLASSES[t] for item, t in enumerate(truth)}


def majority_vote(ratings):
    votes = {}
    for item, _, value in ratings:
        votes.setdefault(item, []).append(value)
    # ties to the earlier class, as Dawid-Skene's arg-max
    return {
        item: max(CLASSES, key=lambda c, v=v: (v.count(c), -CLASSES.index(c)))
        for item, v in votes.items()
    }


def accuracy(labels, truth):
    return np.mean([labels[item] == truth[item] for item in truth])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_beats_majority_vote_and_recovers_error_rates(seed):
    ratings, truth = generate(seed, n_items=1000)
    result = dawid_skene(ratings, categories=CLASSES)
    assert result.converged
    ds_accuracy = accuracy(result.labels, truth)
    mv_accuracy = accuracy(majority_vote(ratings), truth)
    assert ds_accuracy > mv_accuracy + 0.1
    assert ds_accuracy > 0.85
    observed = {}
    for item, annotator, value in ratings:
        observed.setdefault(annotator, []).append(value != truth[item])
    for annotator, matrix in TRUE_CONFUSION.items():
        estimate = result.error_rate[annotator]
        sample_rate = np.mean(observed[annotator])
        assert estimate == pytest.approx(sample_rate, abs=0.03), annotator
        assert estimate == pytest.approx(true_error_rate(matrix), abs=0.05), annotator
    estimated = np.array(
        [[result.confusion["adversary"][t][g] for g in CLASSES] for t in CLASSES]
    )
    assert np.abs(estimated - ADVERSARY).max() < 0.1
    priors = np.array([result.priors[c] for c in CLASSES])
    assert np.abs(priors - PRIORS).max() < 0.05


def test_posteriors_are_distributions_and_labels_their_argmax():
    ratings, _ = generate(3, n_items=100)
    result = dawid_skene(ratings, categories=CLASSES)
    assert result.categories == tuple(CLASSES)
    for item, posterior in result.posteriors.items():
        assert sum(posterior.values()) == pytest.approx(1.0)
        assert result.labels[item] == max(posterior, key=posterior.get)
    for rows in result.confusion.values():
        for row in rows.values():
            assert sum(row.values()) == pytest.approx(1.0)
    assert sum(result.priors.values()) == pytest.approx(1.0)


def test_deterministic():
    ratings, _ = generate(4, n_items=150)
    first = dawid_skene(ratings)
    second = dawid_skene(list(ratings))
    assert first == second


def test_plain_em_log_likelihood_never_decreases():
    ratings, _ = generate(5, n_items=200)
    result = dawid_skene(ratings, smoothing=0.0, max_iter=50, tol=0.0)
    history = np.array(result.history)
    assert len(history) == 50
    assert not result.converged
    assert np.all(np.diff(history) >= -1e-8)
    assert result.log_likelihood == history[-1]


def test_max_iter_stops_early():
    ratings, _ = generate(6, n_items=100)
    result = dawid_skene(ratings, max_iter=2, tol=0.0)
    assert result.n_iter == 2
    assert not result.converged


def test_unanimous_annotators_keep_their_labels():
    ratings = [(i, a, CLASSES[i % 3]) for i in range(30) for a in "xyz"]
    result = dawid_skene(ratings, categories=CLASSES)
    assert result.labels == {i: CLASSES[i % 3] for i in range(30)}
    assert all(rate < 0.01 for rate in result.error_rate.values())


def test_invalid_input_raises():
    with pytest.raises(ValueError, match="single-choice"):
        dawid_skene([(1, "a", ["x"])])
    with pytest.raises(ValueError, match="no ratings"):
        dawid_skene([])
    with pytest.raises(ValueError, match="categories"):
        dawid_skene([(1, "a", "x")], categories=["y"])
    with pytest.raises(ValueError, match="max_iter"):
        dawid_skene([(1, "a", "x")], max_iter=0)
