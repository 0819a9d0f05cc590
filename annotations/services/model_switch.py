"""Switch pre-annotation to a trained model, roll back, and the model loop's settings.

``Project.pipeline`` is where the active pipeline is stored; a switch pins the
model's version (``trained:<name>@<version>``), so a later training never changes
the suggestions behind the admins' back. ``Project.pipeline_previous`` remembers
what the switch replaced, and a rollback returns to it (one step, then nothing is
left to roll back). Every change is a save of the project, so simple-history keeps
who switched what and why (the change reason).

After a switch or rollback the project's articles are pre-annotated with the now
active pipeline (articles that already have its predictions are counted as done
without work), and the annotation page shows the active pipeline's suggestions
first (``selectors.workspace.prediction_latest``).

Imported by views, the API and ``services.training`` (automatic switch).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from annotations.choices import QueueOrder
from annotations.model_loop import active_pipeline_name, beats
from annotations.models import Job, Project, TrainedPipeline
from annotations.services.preannotation import (
    pipeline_validate,
    preannotation_schedule,
)
from annotations.services.training import pipeline_name, trained_pipeline_for


def active_pipeline(project: Project) -> str:
    """The pipeline pre-annotation uses now (the language's built-in when unset)."""
    return active_pipeline_name(project.pipeline, project.language)


def _save(project: Project, *, user, reason: str, fields: list[str]) -> None:
    project._history_user = user  # simple-history: who made the change
    project._change_reason = reason[:100]
    project.full_clean()
    project.save(update_fields=[*fields, "updated_at"])


def _locked(project: Project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)


def _after_commit_preannotate(project: Project, user) -> Job:
    return preannotation_schedule(project=project, created_by=user)


@transaction.atomic
def model_switch(
    *,
    project: Project,
    model: TrainedPipeline,
    user=None,
    preannotate: bool = True,
    reason: str = "",
) -> Job | None:
    """Make ``model`` the project's pre-annotation pipeline (admins; one click).

    ValidationError when the model is not a finished model of this project or is
    already in use. Returns the queued pre-annotation job (None without one).
    """
    if model.project_id != project.pk:
        raise ValidationError({"model": ["This model belongs to another project."]})
    name = pipeline_name(model)
    trained_pipeline_for(project, name.removeprefix("trained:"))
    locked = _locked(project)
    if locked.pipeline == name:
        raise ValidationError(
            {"model": [f"Pre-annotation already uses {model.name} {model.version}."]}
        )
    locked.pipeline_previous = active_pipeline(locked)
    locked.pipeline = name
    pipeline_validate(locked)
    _save(
        locked,
        user=user,
        reason=reason or f"switch to {model.name} {model.version}",
        fields=["pipeline", "pipeline_previous"],
    )
    project.pipeline, project.pipeline_previous = name, locked.pipeline_previous
    return _after_commit_preannotate(locked, user) if preannotate else None


@transaction.atomic
def model_rollback(
    *, project: Project, user=None, preannotate: bool = True
) -> Job | None:
    """Return pre-annotation to the pipeline the last switch replaced (admins).

    ValidationError when there is nothing to roll back to or that pipeline can no
    longer run. Returns the queued pre-annotation job (None without one).
    """
    locked = _locked(project)
    previous = locked.pipeline_previous
    if not previous:
        raise ValidationError(
            {
                "pipeline": [
                    "Nothing to roll back to: no switch since the last rollback."
                ]
            }
        )
    locked.pipeline, locked.pipeline_previous = previous, ""
    pipeline_validate(locked)
    _save(
        locked,
        user=user,
        reason=f"rollback to {previous}",
        fields=["pipeline", "pipeline_previous"],
    )
    project.pipeline, project.pipeline_previous = previous, ""
    return _after_commit_preannotate(locked, user) if preannotate else None


def model_auto_switch(*, project_id: int, model: TrainedPipeline) -> bool:
    """After training: switch when the project allows it and the model beats the
    current pipeline by the project's margin; the decision is stored with the model."""
    project = Project.objects.get(pk=project_id)
    if not project.model_auto_switch:
        return False
    comparison = (model.evaluation or {}).get("comparison")
    switch, why = beats(comparison, project.model_switch_margin)
    if switch:
        model_switch(project=project, model=model, reason=f"automatic: {why}")
    evaluation = {**model.evaluation, "auto_switch": {"switched": switch, "why": why}}
    TrainedPipeline.objects.filter(pk=model.pk).update(evaluation=evaluation)
    model.evaluation = evaluation
    return switch


def model_loop_settings_set(
    *,
    project: Project,
    auto_switch: bool,
    margin: float,
    queue_order: str,
    user=None,
) -> Project:
    """Set the automatic switch, its margin and the annotators' queue order (admins)."""
    if queue_order not in QueueOrder.values:
        raise ValidationError(
            {"queue_order": [f"Choose one of {', '.join(QueueOrder.values)}."]}
        )
    with transaction.atomic():
        locked = _locked(project)
        locked.model_auto_switch = auto_switch
        locked.model_switch_margin = margin
        locked.queue_order = queue_order
        _save(
            locked,
            user=user,
            reason="model loop settings",
            fields=["model_auto_switch", "model_switch_margin", "queue_order"],
        )
    project.model_auto_switch, project.model_switch_margin = auto_switch, margin
    project.queue_order = queue_order
    return project
