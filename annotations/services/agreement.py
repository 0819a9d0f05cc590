"""Agreement figures of a project, assembled from the database and cached.

``agreement_for_viewer`` is what the API and the dashboard call: it returns the
contract's agreement response (plus extra keys, below) with annotators shown as
usernames to admins/reviewers and as stable pseudonyms to everyone else.

Caching: the figures are stored in ``AgreementSnapshot`` together with a
watermark of what they were computed from (``selectors.agreement
.agreement_watermark``: counts and latest changes of annotations, gold,
articles and the project). A read computes the watermark (three aggregate
queries); when it equals the latest snapshot's, the stored figures are served,
else they are recomputed and stored. Snapshots double as the history behind
"agreement over time": a recomputation within the same clock hour as the
latest snapshot replaces it, otherwise a new snapshot is added, so history has
at most one point per hour.

Decisions (where the issue is silent):

- Only submitted annotations count; items (articles) with fewer than two
  submitted annotations are left out of every agreement figure (contract), but
  not of progress, label distribution, lead time or acceptance.
- Cohen's kappa between annotators is unweighted for every question (ordinal
  questions get Krippendorff's ordinal alpha at project level).
- Token alpha per span label uses a simple regex tokeniser (``\\w+`` or one
  non-space character), language-independent and deterministic; on projects
  with more than 2,000 pairable articles it is computed on a sample of 2,000
  of them seeded with the project id (an estimate; pairwise F1 always uses
  every article).
- Dawid–Skene runs per single-choice question on the items with two or more
  submitted answers; ``posteriors`` (and ``labels``) are given for contested
  items only (where annotators disagree), at most the 1,000 most uncertain
  ones (lowest top posterior), rounded to 4 decimals: elsewhere the posterior
  is practically one-hot on the agreed label. ``n_contested`` counts them all.
  The cap keeps the cached snapshot small enough to load in well under a
  second on large projects.
- Lead time: median of ``lead_time_ms`` over submitted annotations, ignoring
  0 (not recorded).

Extra keys beside the contract's ``questions``, ``spans``, ``annotators`` and
``computed_at``: ``dawid_skene``, ``progress``, ``label_distribution``,
``confusion``, ``levels``, ``lead_time``, ``preannotation``, ``calibration``,
``summary`` and ``annotator_order``.
"""

from __future__ import annotations

import random
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime
from itertools import combinations
from typing import Any

from django.db import transaction
from django.utils import timezone

from annotations.agreement import (
    agreement_levels,
    dawid_skene,
    gold_agreement,
    pairwise_cohen_kappa,
    question_agreement,
    span_agreement,
    span_gold_agreement,
    token_alpha,
)
from annotations.choices import AnnotationStatus, JobKind, JobStatus, SpanOrigin
from annotations.models import AgreementSnapshot, Article, Job, Project
from annotations.selectors.agreement import (
    ProjectWork,
    agreement_snapshot_latest,
    agreement_watermark,
    annotator_key,
    annotator_labels,
    project_work,
    question_ratings,
)
from annotations.services.jobs import job_claim, job_create, job_fail, job_finish

TOKEN = re.compile(r"\w+|\S")
TOKEN_ALPHA_SAMPLE = 2000
POSTERIOR_DIGITS = 4
POSTERIOR_LIMIT = 1000


def agreement_for_viewer(
    *,
    project: Project,
    role: str | None,
    include_posteriors: bool = True,
    allow_stale: bool = False,
) -> dict[str, Any]:
    """The agreement response for a viewer with ``role`` (names or pseudonyms)."""
    data = agreement_current(project=project, allow_stale=allow_stale)
    if not include_posteriors:
        data = {
            **data,
            "dawid_skene": {
                key: {k: v for k, v in value.items() if k != "posteriors"}
                for key, value in data.get("dawid_skene", {}).items()
            },
        }
    ids = [int(key[1:]) for key in data.get("annotator_order", [])]
    labels = annotator_labels(project=project, role=role, user_ids=ids)
    return rename_annotators(data, labels)


def agreement_current(*, project: Project, allow_stale: bool = False) -> dict[str, Any]:
    """The project's figures with internal annotator keys, from cache when current.

    With ``allow_stale`` (the dashboard), an outdated snapshot is returned at
    once with ``"stale": True`` and a background job recomputes it, so a page
    never waits for a large project's figures; the API asks for current ones.
    Without any snapshot the figures are computed in the request.
    """
    watermark = agreement_watermark(project=project)
    latest = agreement_snapshot_latest(project=project)
    if latest is not None and latest.watermark == watermark:
        return latest.data
    if latest is not None and allow_stale:
        agreement_recompute_schedule(project=project)
        return {**latest.data, "stale": True}
    data = agreement_compute(project=project)
    agreement_snapshot_store(project=project, watermark=watermark, data=data)
    return data


def agreement_recompute_schedule(*, project: Project) -> Job | None:
    """Queue one background recomputation; None when one is already queued or running."""
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        if Job.objects.filter(
            project=project,
            kind=JobKind.AGREEMENT,
            status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
        ).exists():
            return None
        job = job_create(kind=JobKind.AGREEMENT, project=project, total=1)

        def enqueue() -> None:
            from annotations.tasks import agreement_recompute_task

            agreement_recompute_task.delay(str(job.pk))

        transaction.on_commit(enqueue)
    return job


def agreement_recompute_run(*, job_id: str) -> None:
    """The background half of ``agreement_current(allow_stale=True)``."""
    if not job_claim(job_id=job_id):
        return
    job = Job.objects.select_related("project").get(pk=job_id)
    try:
        project = job.project
        watermark = agreement_watermark(project=project)
        latest = agreement_snapshot_latest(project=project)
        if latest is None or latest.watermark != watermark:
            data = agreement_compute(project=project)
            agreement_snapshot_store(project=project, watermark=watermark, data=data)
    except Exception as error:
        job_fail(job_id=job_id, error=f"{type(error).__name__}: {error}")
        raise
    Job.objects.filter(pk=job_id).update(done=1)
    job_finish(job_id=job_id, result={"watermark": watermark})


@transaction.atomic
def agreement_snapshot_store(
    *,
    project: Project,
    watermark: str,
    data: dict[str, Any],
    now: datetime | None = None,
) -> AgreementSnapshot:
    """Store figures; replace the latest snapshot if it is from the same clock hour."""
    now = now or timezone.now()
    latest = agreement_snapshot_latest(project=project)
    hour = now.replace(minute=0, second=0, microsecond=0)
    if latest is not None and latest.computed_at >= hour:
        AgreementSnapshot.objects.filter(pk=latest.pk).update(
            watermark=watermark, data=data, computed_at=now
        )
        latest.refresh_from_db()
        return latest
    snapshot = AgreementSnapshot.objects.create(
        project=project, watermark=watermark, data=data
    )
    AgreementSnapshot.objects.filter(pk=snapshot.pk).update(computed_at=now)
    snapshot.computed_at = now
    return snapshot


def rename_annotators(value: Any, labels: dict[str, str]) -> Any:
    """Replace internal ``"@<id>"`` keys and values by the viewer's labels."""
    if isinstance(value, dict):
        return {
            labels.get(k, k) if isinstance(k, str) else k: rename_annotators(v, labels)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [rename_annotators(v, labels) for v in value]
    if isinstance(value, str) and value.startswith("@"):
        return labels.get(value, value)
    return value


def agreement_compute(*, project: Project, now: datetime | None = None) -> dict:
    """Compute every figure from the database (no cache)."""
    now = now or timezone.now()
    work = project_work(project=project)
    scheme = project.parsed_scheme
    submitted = [
        a for a in work.annotations if a["status"] == AnnotationStatus.SUBMITTED
    ]
    order = sorted({annotator_key(a["annotator_id"]) for a in work.annotations})

    questions: dict[str, dict] = {}
    kappas: dict[str, dict[str, dict[str, float | None]]] = defaultdict(dict)
    ds_results: dict[str, dict] = {}
    distribution: dict[str, dict[str, int]] = {}
    confusion: dict[str, dict] = {}
    levels: dict[str, dict[str, int]] = {}
    gold_by_annotator: dict[str, dict] = defaultdict(lambda: {"questions": {}})
    for question in scheme.questions:
        categories = list(question.choice_keys)
        ratings = question_ratings(submitted, question)
        questions[question.key] = question_agreement(
            ratings, question.level, categories
        ).as_dict()
        for a, others in pairwise_cohen_kappa(ratings, categories).items():
            for b, kappa in others.items():
                kappas[a].setdefault(b, {})[question.key] = kappa.value
        distribution[question.key] = _distribution(ratings, categories)
        gold_labels = {
            article_id: _gold_value(gold["labels"].get(question.key), question)
            for article_id, gold in work.gold.items()
        }
        gold_labels = {k: v for k, v in gold_labels.items() if v is not None}
        if gold_labels and ratings:
            for key, result in gold_agreement(ratings, gold_labels, categories).items():
                gold_by_annotator[key]["questions"][question.key] = {
                    "accuracy": result.accuracy,
                    "cohen_kappa": result.cohen_kappa,
                    "n_items": result.n_items,
                }
        if question.multiple:
            continue
        pairable = _pairable(ratings)
        confusion[question.key] = _confusion(pairable, categories)
        levels[question.key] = dict(
            Counter(level.bucket for level in agreement_levels(pairable).values())
        )
        if pairable:
            ds_results[question.key] = _dawid_skene(pairable, categories)

    span_rows = _span_rows(submitted, work)
    label_keys = list(scheme.span_label_keys)
    sample_rows, tokens = _token_sample(project, span_rows)
    alphas = token_alpha(sample_rows, tokens, label_keys) if sample_rows else {}
    spans = {
        label: {**result.as_dict(), "token_alpha": alphas.get(label)}
        for label, result in span_agreement(span_rows, None, label_keys).items()
    }
    gold_span_rows = [row for row in span_rows if row[0] in work.gold_spans]
    if gold_span_rows:
        for key, per_label in span_gold_agreement(
            gold_span_rows,
            {a: work.gold_spans[a] for a in {r[0] for r in gold_span_rows}},
            label_keys,
        ).items():
            gold_by_annotator[key]["spans"] = {
                label: {"f1": f1.f1, "f1_overlap": f1.f1_overlap}
                for label, f1 in per_label.items()
            }

    annotators = _annotators(work, order, kappas, gold_by_annotator)
    span_distribution = Counter(
        span[2]
        for annotation in submitted
        for span in work.spans.get(annotation["pk"], [])
    )
    distribution["__spans__"] = {
        label: span_distribution.get(label, 0) for label in label_keys
    }
    data = {
        "questions": questions,
        "spans": spans,
        "annotators": annotators,
        "computed_at": now.isoformat(),
        "annotator_order": order,
        "dawid_skene": ds_results,
        "progress": _progress(project, work),
        "label_distribution": distribution,
        "confusion": confusion,
        "levels": levels,
        "lead_time": _lead_time(submitted, order),
        "preannotation": _acceptance(submitted, work),
        "calibration": _calibration(project, work, submitted, span_rows),
    }
    data["summary"] = {
        "questions": {k: v["krippendorff_alpha"] for k, v in questions.items()},
        "spans": {k: v["pairwise_f1"] for k, v in spans.items()},
        "n_submitted": len(submitted),
    }
    return data


def _gold_value(value: Any, question) -> Any:
    if value is None or value == []:
        return None
    if question.multiple:
        return tuple(value) if isinstance(value, list) else (value,)
    return None if isinstance(value, list) else value


def _pairable(ratings: list[tuple]) -> list[tuple]:
    counts = Counter(row[0] for row in ratings)
    return [row for row in ratings if counts[row[0]] >= 2]


def _distribution(ratings: list[tuple], categories: list[str]) -> dict[str, int]:
    counts: Counter = Counter()
    for _, _, value in ratings:
        if isinstance(value, tuple):
            counts.update(value)
        else:
            counts[value] += 1
    return {choice: counts.get(choice, 0) for choice in categories}


def _confusion(pairable: list[tuple], categories: list[str]) -> dict[str, Any]:
    """Symmetric counts of answer pairs given by two annotators to the same item."""
    by_item: dict[Any, list] = defaultdict(list)
    for item, _, value in pairable:
        by_item[item].append(value)
    matrix = {a: dict.fromkeys(categories, 0) for a in categories}
    for values in by_item.values():
        for a, b in combinations(values, 2):
            if a in matrix and b in matrix:
                matrix[a][b] += 1
                matrix[b][a] += 1
    return {"categories": categories, "matrix": matrix}


def _dawid_skene(pairable: list[tuple], categories: list[str]) -> dict[str, Any]:
    result = dawid_skene(pairable, categories)
    by_item: dict[Any, set] = defaultdict(set)
    for item, _, value in pairable:
        by_item[item].add(value)
    contested = [item for item, values in by_item.items() if len(values) > 1]
    uncertain = sorted(
        contested, key=lambda item: (max(result.posteriors[item].values()), item)
    )[:POSTERIOR_LIMIT]
    return {
        "categories": list(result.categories),
        "priors": result.priors,
        "annotators": {
            annotator: {
                "error_rate": result.error_rate[annotator],
                "confusion": result.confusion[annotator],
            }
            for annotator in sorted(result.confusion)
        },
        "n_items": len(by_item),
        "n_contested": len(contested),
        "posteriors": {
            str(item): {
                c: round(p, POSTERIOR_DIGITS)
                for c, p in result.posteriors[item].items()
            }
            for item in uncertain
        },
        "labels": {str(item): result.labels[item] for item in uncertain},
        "n_iter": result.n_iter,
        "converged": result.converged,
    }


def _span_rows(submitted: list[dict], work: ProjectWork) -> list[tuple]:
    return [
        (
            annotation["article_id"],
            annotator_key(annotation["annotator_id"]),
            [span[:3] for span in work.spans.get(annotation["pk"], [])],
        )
        for annotation in submitted
    ]


def _token_sample(
    project: Project, span_rows: list[tuple]
) -> tuple[list[tuple], dict[int, list[tuple[int, int]]]]:
    """Rows and tokens of the pairable items token alpha is computed on.

    All pairable items up to ``TOKEN_ALPHA_SAMPLE``; beyond that a sample of
    that size seeded with the project id (token alpha is then an estimate).
    """
    counts = Counter(row[0] for row in span_rows)
    pairable = sorted(item for item, n in counts.items() if n >= 2)
    if len(pairable) > TOKEN_ALPHA_SAMPLE:
        pairable = sorted(
            random.Random(project.pk).sample(pairable, TOKEN_ALPHA_SAMPLE)  # noqa: S311
        )
    chosen = set(pairable)
    tokens: dict[int, list[tuple[int, int]]] = {}
    for offset in range(0, len(pairable), 2000):
        texts = Article.objects.filter(
            pk__in=pairable[offset : offset + 2000]
        ).values_list("pk", "text")
        for pk, text in texts:
            tokens[pk] = [m.span() for m in TOKEN.finditer(text)]
    return [row for row in span_rows if row[0] in chosen], tokens


def _annotators(work, order, kappas, gold_by_annotator) -> dict[str, dict]:
    counts: dict[str, Counter] = defaultdict(Counter)
    for annotation in work.annotations:
        counts[annotator_key(annotation["annotator_id"])][annotation["status"]] += 1
    result = {}
    for key in order:
        entry: dict[str, Any] = {
            "n_submitted": counts[key][AnnotationStatus.SUBMITTED],
            "n_drafts": counts[key][AnnotationStatus.DRAFT],
            "n_skipped": counts[key][AnnotationStatus.SKIPPED],
            "cohen_kappa": dict(sorted(kappas.get(key, {}).items())),
        }
        if key in gold_by_annotator:
            entry["gold"] = gold_by_annotator[key]
        result[key] = entry
    return result


def _progress(project: Project, work: ProjectWork) -> dict[str, Any]:
    submitted: Counter = Counter()
    touched: set[int] = set()
    for annotation in work.annotations:
        if annotation["status"] == AnnotationStatus.SUBMITTED:
            submitted[annotation["article_id"]] += 1
            touched.add(annotation["article_id"])
        elif annotation["status"] == AnnotationStatus.DRAFT:
            touched.add(annotation["article_id"])
    total = len(work.articles)
    complete = sum(1 for a in work.articles if submitted[a] >= project.overlap)
    in_progress = sum(
        1 for a in work.articles if a in touched and submitted[a] < project.overlap
    )
    return {
        "articles": {
            "total": total,
            "complete": complete,
            "in_progress": in_progress,
            "untouched": total - complete - in_progress,
            "adjudicated": len(work.gold),
        },
        "overlap": project.overlap,
    }


def _median(values: Iterable[int]) -> float | None:
    values = [v for v in values if v]
    return float(statistics.median(values)) if values else None


def _lead_time(submitted: list[dict], order: list[str]) -> dict[str, Any]:
    per_annotator: dict[str, list[int]] = defaultdict(list)
    for annotation in submitted:
        per_annotator[annotator_key(annotation["annotator_id"])].append(
            annotation["lead_time_ms"]
        )
    return {
        "median_ms": _median(a["lead_time_ms"] for a in submitted),
        "annotators": {key: _median(per_annotator.get(key, [])) for key in order},
    }


def _origin_counts(annotations: Iterable[dict], work: ProjectWork) -> dict[str, Any]:
    counts: Counter = Counter()
    for annotation in annotations:
        for span in work.spans.get(annotation["pk"], []):
            counts[span[3]] += 1
    total = sum(counts.values())
    suggested = (
        counts[SpanOrigin.SUGGESTION_ACCEPTED] + counts[SpanOrigin.SUGGESTION_EDITED]
    )
    return {
        "origins": {origin: counts.get(origin, 0) for origin in SpanOrigin.values},
        "n_spans": total,
        "acceptance_share": suggested / total if total else None,
    }


def _acceptance(submitted: list[dict], work: ProjectWork) -> dict[str, Any]:
    return _origin_counts(submitted, work)


def _calibration(
    project: Project, work: ProjectWork, submitted: list[dict], span_rows: list[tuple]
) -> dict[str, Any]:
    """Agreement, gold agreement and suggestion acceptance: calibration vs the rest.

    Calibration articles are shown without pre-annotations (anchoring control),
    so a lower acceptance is expected there; a clearly higher agreement with
    gold on the *rest* than on calibration articles hints that suggestions pull
    annotators towards them (or simply that suggestions are good: compare with
    the acceptance figures).
    """
    scheme = project.parsed_scheme
    result = {}
    for group, flag in (("calibration", True), ("rest", False)):
        ids = {a for a, info in work.articles.items() if info["is_calibration"] is flag}
        annotations = [a for a in submitted if a["article_id"] in ids]
        entry: dict[str, Any] = {
            "n_articles": len(ids),
            "n_submitted": len(annotations),
            "questions": {},
            "preannotation": _origin_counts(annotations, work),
        }
        for question in scheme.questions:
            ratings = question_ratings(annotations, question)
            alpha = question_agreement(
                ratings, question.level, list(question.choice_keys)
            ).krippendorff_alpha
            gold_hits = [
                _gold_value(work.gold[item]["labels"].get(question.key), question)
                == value
                for item, _, value in ratings
                if item in work.gold
                and _gold_value(work.gold[item]["labels"].get(question.key), question)
                is not None
            ]
            entry["questions"][question.key] = {
                "krippendorff_alpha": alpha,
                "gold_accuracy": sum(gold_hits) / len(gold_hits) if gold_hits else None,
                "n_gold": len(gold_hits),
            }
        rows = [row for row in span_rows if row[0] in ids]
        gold_rows = [row for row in rows if row[0] in work.gold_spans]
        f1s = []
        if gold_rows:
            for per_label in span_gold_agreement(
                gold_rows, {r[0]: work.gold_spans[r[0]] for r in gold_rows}
            ).values():
                f1s.extend(s.f1 for s in per_label.values() if s.f1 is not None)
        entry["span_gold_f1"] = sum(f1s) / len(f1s) if f1s else None
        result[group] = entry
    return result
