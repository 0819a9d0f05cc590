"""Shared data builders for the agreement tests (seeded, no files)."""

import math

import numpy as np
import pytest


def random_ratings(seed, n_items=40, n_annotators=6, n_categories=4, p_missing=0.3):
    """Ratings correlated with a hidden true label, with values missing at random.

    Returns ``(ratings, matrix)``: triples ``(item, annotator, value)`` and the
    annotators x items reliability matrix with ``nan`` for missing values.
    """
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, n_categories, size=n_items)
    skill = rng.uniform(0.3, 0.9, size=n_annotators)
    matrix = np.full((n_annotators, n_items), np.nan)
    ratings = []
    for a in range(n_annotators):
        for i in range(n_items):
            if rng.random() < p_missing:
                continue
            if rng.random() < skill[a]:
                value = int(truth[i])
            else:
                value = int(rng.integers(0, n_categories))
            matrix[a, i] = value
            ratings.append((f"item{i}", f"ann{a}", value))
    return ratings, matrix


def ratings_to_matrix(ratings):
    """Annotators x items matrix (float, ``nan`` missing) of numeric ratings."""
    items = sorted({r[0] for r in ratings})
    annotators = sorted({r[1] for r in ratings})
    matrix = np.full((len(annotators), len(items)), np.nan)
    for item, annotator, value in ratings:
        matrix[annotators.index(annotator), items.index(item)] = value
    return matrix


def is_nan(value):
    return isinstance(value, float) and math.isnan(value)


@pytest.fixture
def make_ratings():
    return random_ratings


@pytest.fixture
def to_matrix():
    return ratings_to_matrix
