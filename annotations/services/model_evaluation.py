"""Compare a trained pipeline with the project's current one on the same held-out gold.

Runs in the worker right after training (``services.training.training_run``). The
held-out articles are the gold rows (adjudicated, else consensus) an export would
write (``selectors.export_rows.export_rows_by_split``), whose deterministic split (``exporters.assign_split`` with the project's
seed and ratios, the split the training data came from) is ``test``; into ``dev`` when the
test split is empty, so the model never sees them in training. Both pipelines
predict those texts and ``model_loop.compare`` scores them; the result is stored
in ``TrainedPipeline.evaluation["comparison"]``.

Imports services (the export pipeline, pre-annotation's pipeline choice) and
the ``model_loop`` leaf; spaCy only inside the functions.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone

from annotations.model_loop import HeldOutDoc, SideOutput, compare
from annotations.models import Project, TrainedPipeline
from annotations.nlp.errors import PipelineError
from annotations.selectors.export_rows import export_rows_by_split
from annotations.selectors.exports import ExportFilters
from annotations.services.preannotation import pipeline_spec_for_project, trained_spec
from annotations.services.training import pipeline_name

logger = logging.getLogger(__name__)


def held_out_rows(project: Project) -> tuple[str, list[Any]]:
    """``(split, rows)``: the project's gold rows in the test split, else in dev."""
    by_split = export_rows_by_split(
        project=project, filters=ExportFilters(source="gold")
    )
    if by_split["test"]:
        return "test", by_split["test"]
    return "dev", by_split["dev"]


def _single_choice_answers(labels: dict[str, Any], questions: list[str]) -> dict:
    return {q: labels[q] for q in questions if isinstance(labels.get(q), str)}


def _side(spec_or_error, texts: list[str], keys: list[str]) -> SideOutput:
    """Run one pipeline over the texts (PipelineError becomes the side's error)."""
    from annotations.nlp import suggest

    if isinstance(spec_or_error, str):
        return SideOutput(pipeline="", version="", error=spec_or_error)
    spec = spec_or_error
    try:
        predictions = suggest.predict(spec, texts, span_labels=keys)
    except PipelineError as error:
        return SideOutput(spec.name, spec.version, error=str(error))
    return SideOutput(
        pipeline=spec.name,
        version=spec.version,
        spans=[[(s.start, s.end, s.label) for s in p.spans] for p in predictions],
        answers=[{q.question: q.best for q in p.questions} for p in predictions],
    )


def _current_spec(project: Project):
    try:
        return pipeline_spec_for_project(project)
    except PipelineError as error:
        return f"the current pipeline cannot run: {error}"


def model_compare(*, project: Project, model: TrainedPipeline) -> dict[str, Any]:
    """The comparison of ``model`` with the project's current pipeline (not stored)."""
    scheme = project.parsed_scheme
    keys = list(scheme.span_label_keys)
    questions = [q.key for q in scheme.questions if not q.multiple]
    split, rows = held_out_rows(project)
    docs = [
        HeldOutDoc(
            spans=tuple((s.start, s.end, s.label) for s in row.spans),
            answers=_single_choice_answers(row.labels, questions),
        )
        for row in rows
    ]
    texts = [row.text for row in rows]
    try:
        trained = trained_spec(project, pipeline_name(model))
    except PipelineError as error:
        trained = f"the trained pipeline cannot run: {error}"
    sides = {
        "current": _side(_current_spec(project), texts, keys),
        "trained": _side(trained, texts, keys),
    }
    result = compare(docs, sides, labels=keys, questions=questions)
    result.update(
        split=split,
        article_ids=[row.article_id for row in rows],
        computed_at=timezone.now().isoformat(),
    )
    return result


def model_evaluate(*, project: Project, model: TrainedPipeline) -> dict[str, Any]:
    """Compute the comparison and store it with the model; returns it."""
    comparison = model_compare(project=project, model=model)
    evaluation = {**(model.evaluation or {}), "comparison": comparison}
    TrainedPipeline.objects.filter(pk=model.pk).update(evaluation=evaluation)
    model.evaluation = evaluation
    logger.info(
        "compared %s with %s on %d %s articles: delta F1 %s",
        model,
        comparison["pipelines"]["current"]["pipeline"],
        comparison["n_articles"],
        comparison["split"],
        comparison["delta_f1"],
    )
    return comparison
