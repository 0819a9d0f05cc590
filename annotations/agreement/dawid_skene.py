"""Dawid-Skene (1979) estimation of annotator confusion matrices by EM.

Model: each item has a latent true class k with prior ``prior[k]``; annotator a, shown
an item of class k, gives label l with probability ``confusion[a][k][l]``,
independently of the other annotators. Single-choice ratings only.

Algorithm (deterministic):

1. Initialise the posterior of each item with its vote shares (soft majority vote).
2. M-step: ``prior[k] = (sum_i T[i,k] + s) / (n_items + K*s)`` and
   ``confusion[a][k][l] = (sum_i T[i,k] * n[i,a,l] + s) / (sum_l' ... + K*s)`` where
   ``n[i,a,l]`` is 1 if annotator a gave item i label l, and ``s = smoothing``
   (default 0.01, an additive pseudo-count that keeps empty rows defined and avoids
   log 0; pass 0 for the plain maximum-likelihood estimate).
3. E-step: ``T[i,k] ∝ prior[k] * prod_{a,l} confusion[a][k][l] ** n[i,a,l]``.
4. Repeat 2-3 until the largest absolute change of any prior or confusion entry is
   below ``tol`` (``converged=True``) or ``max_iter`` M-steps were done.

``labels`` are posterior arg-maxes (ties to the earlier category), ``log_likelihood``
the marginal log-likelihood of the ratings under the final parameters. Items with a
single rating are used too. Categories are ``categories`` when given, else the sorted
distinct values. EM finds a local optimum; with the majority-vote start it stays on the
label permutation that the majority implies.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np

from annotations.agreement._ratings import group_ratings, ordered_values
from annotations.agreement.types import DawidSkeneResult


def dawid_skene(
    ratings: Iterable[Sequence[Any]],
    categories: Sequence[Hashable] | None = None,
    max_iter: int = 100,
    tol: float = 1e-6,
    smoothing: float = 0.01,
) -> DawidSkeneResult:
    """EM estimate of priors, per-annotator confusion matrices and item posteriors."""
    if max_iter < 1:
        raise ValueError("max_iter must be at least 1")
    if smoothing < 0:
        raise ValueError("smoothing must be non-negative")
    grouped, multi = group_ratings(ratings)
    if multi:
        raise ValueError("Dawid-Skene is defined for single-choice questions")
    if not grouped:
        raise ValueError("no ratings")
    classes = ordered_values(grouped, categories)
    class_index = {c: i for i, c in enumerate(classes)}
    annotators = list(dict.fromkeys(a for by_a in grouped.values() for a in by_a))
    annotator_index = {a: i for i, a in enumerate(annotators)}
    items = list(grouped)
    k = len(classes)

    counts = np.zeros((len(items), len(annotators), k))
    for row, by_annotator in enumerate(grouped.values()):
        for annotator, value in by_annotator.items():
            if value not in class_index:
                raise ValueError(f"value {value!r} is not in categories")
            counts[row, annotator_index[annotator], class_index[value]] = 1.0

    votes = counts.sum(axis=1)
    posterior = votes / votes.sum(axis=1, keepdims=True)
    prior, confusion = _m_step(posterior, counts, smoothing)
    converged = False
    history: list[float] = []
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        new_prior, new_confusion = _m_step(posterior, counts, smoothing)
        posterior, log_likelihood = _e_step(new_prior, new_confusion, counts)
        history.append(log_likelihood)
        change = max(
            float(np.abs(new_prior - prior).max()),
            float(np.abs(new_confusion - confusion).max()),
        )
        prior, confusion = new_prior, new_confusion
        if n_iter > 1 and change < tol:
            converged = True
            break

    error = 1.0 - np.einsum("k,akk->a", prior, confusion)
    return DawidSkeneResult(
        categories=tuple(classes),
        priors={c: float(prior[i]) for i, c in enumerate(classes)},
        confusion={
            a: {
                c: {d: float(confusion[ai, ci, di]) for di, d in enumerate(classes)}
                for ci, c in enumerate(classes)
            }
            for ai, a in enumerate(annotators)
        },
        posteriors={
            item: {c: float(posterior[row, ci]) for ci, c in enumerate(classes)}
            for row, item in enumerate(items)
        },
        labels={
            item: classes[int(np.argmax(posterior[row]))]
            for row, item in enumerate(items)
        },
        error_rate={a: float(error[ai]) for ai, a in enumerate(annotators)},
        n_iter=n_iter,
        converged=converged,
        log_likelihood=history[-1],
        history=tuple(history),
    )


def _m_step(
    posterior: np.ndarray, counts: np.ndarray, smoothing: float
) -> tuple[np.ndarray, np.ndarray]:
    k = posterior.shape[1]
    prior = (posterior.sum(axis=0) + smoothing) / (posterior.shape[0] + k * smoothing)
    joint = np.einsum("ik,ial->akl", posterior, counts) + smoothing
    totals = joint.sum(axis=2, keepdims=True)
    uniform = np.full_like(joint, 1.0 / k)
    confusion = np.divide(joint, totals, out=uniform, where=totals > 0)
    return prior, confusion


def _e_step(
    prior: np.ndarray, confusion: np.ndarray, counts: np.ndarray
) -> tuple[np.ndarray, float]:
    tiny = np.finfo(float).tiny
    log_joint = np.log(np.maximum(prior, tiny))[None, :] + np.einsum(
        "ial,akl->ik", counts, np.log(np.maximum(confusion, tiny))
    )
    top = log_joint.max(axis=1, keepdims=True)
    log_norm = top + np.log(np.exp(log_joint - top).sum(axis=1, keepdims=True))
    return np.exp(log_joint - log_norm), float(log_norm.sum())
