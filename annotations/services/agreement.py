"""Agreement figures of a project, computed from the database and cached.

The figures are built by the leaf package ``annotations.agreement_report``
(typed ``AgreementReport``, pure functions on ``ProjectWork``) from the rows
``selectors.agreement.project_work`` reads; this module caches them and
names the annotators for a viewer. ``agreement_for_viewer`` is what the API
calls: it returns the contract's agreement response (plus extra keys, below)
with annotators shown as usernames to admins/reviewers and as stable
pseudonyms to everyone else; ``agreement_report_for_viewer`` gives the
dashboard the same figures as a typed report.

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

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from annotations.agreement_report import (
    AgreementReport,
    agreement_report_build,
    report_inputs,
    token_alpha_sample,
)
from annotations.choices import JobKind, JobStatus
from annotations.job_states import blocks_new_run
from annotations.models import AgreementSnapshot, Job, Project
from annotations.selectors.agreement import (
    agreement_snapshot_latest,
    agreement_watermark,
    annotator_labels,
    article_texts,
    project_work,
)
from annotations.services.jobs import (
    job_claim,
    job_create,
    job_enqueue,
    job_fail,
    job_finish,
    job_state_of,
)


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
        refresh = agreement_refresh_state(project=project)
        return {**latest.data, "stale": True, "refresh": refresh}
    data = agreement_compute(project=project)
    agreement_snapshot_store(project=project, watermark=watermark, data=data)
    return data


def agreement_recompute_schedule(*, project: Project) -> Job | None:
    """Queue one background recomputation; None when a live one is queued or running.

    Only a job that shows signs of life blocks a new one (``job_states
    .blocks_new_run``): a silent one (its worker was killed, its message lost)
    is marked failed and replaced, so an orphan never freezes the figures.
    """
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        active = Job.objects.filter(
            project=project,
            kind=JobKind.AGREEMENT,
            status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
        )
        for other in active:
            if blocks_new_run(job_state_of(other)):
                return None
            job_fail(
                job_id=str(other.pk),
                error="Superseded: no sign of life; a new recomputation replaced it.",
            )
        job = job_create(kind=JobKind.AGREEMENT, project=project, total=1)
        job_enqueue(job)
    return job


def agreement_refresh_state(*, project: Project) -> str:
    """The finer state of the latest recomputation ("" when there is none)."""
    job = (
        Job.objects.filter(project=project, kind=JobKind.AGREEMENT)
        .order_by("-created_at")
        .first()
    )
    return job_state_of(job) if job is not None else ""


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
    """Compute every figure from the database (no cache): the report's JSON."""
    return agreement_report_compute(project=project, now=now).to_dict()


def agreement_report_compute(
    *, project: Project, now: datetime | None = None
) -> AgreementReport:
    """The typed report, computed now from the database (no cache)."""
    inputs = report_inputs(project_work(project=project))
    sample = token_alpha_sample(inputs.span_rows, seed=project.pk)
    return agreement_report_build(
        inputs,
        scheme=project.parsed_scheme,
        overlap=project.overlap,
        token_texts=article_texts(article_ids=sample),
        now=now or timezone.now(),
    )


def agreement_report_for_viewer(
    *, project: Project, role: str | None
) -> AgreementReport:
    """The dashboard's figures: typed, renamed for ``role``, stale ones served at once.

    Without Dawid–Skene posteriors; see ``agreement_current(allow_stale=True)``.
    """
    return AgreementReport.from_dict(
        agreement_for_viewer(
            project=project, role=role, include_posteriors=False, allow_stale=True
        )
    )
