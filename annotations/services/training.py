"""Train a spaCy pipeline on a project's gold, so a project (e.g. German) gets a statistical pre-annotator.

``training_start`` checks there is enough gold, creates a ``TrainedPipeline``
row and a ``Job`` and queues the run after commit. ``training_run`` (in the
worker) exports the gold as the spaCy DocBin export (the same files a release
holds, same deterministic split), writes a config with ``spacy init config``,
trains with ``spacy train`` and evaluates the best model on the test split (on
dev when the test split is empty) with ``spacy evaluate``. spaCy runs as child
processes, so a crash or a memory spike never takes the worker down.

The result lives in ``settings.NEWSROOM_MODELS_DIR/<project id>/<name>-<version>``
and a project uses it with ``pipeline = "trained:<name>"`` (the newest finished
version); its labels are the scheme's own keys, so no mapping is needed, and
document cats (``question:choice``) become document suggestions.
"""

from __future__ import annotations

import io
import json
import logging
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from annotations.choices import JobKind, JobStatus
from annotations.models import Job, Project, TrainedPipeline
from annotations.selectors.exports import ExportFilters, export_count
from annotations.services.exports import export_stream
from annotations.services.jobs import (
    job_claim,
    job_create,
    job_enqueue,
    job_fail,
    job_finish,
)

logger = logging.getLogger(__name__)

TRAINED_PREFIX = "trained:"
MIN_GOLD_ARTICLES = 10
COMPONENTS = ("ner", "spancat", "textcat_multilabel")
DEFAULT_COMPONENTS = ("ner", "textcat_multilabel")


def models_dir() -> Path:
    return Path(getattr(settings, "NEWSROOM_MODELS_DIR", settings.VAR_DIR / "models"))


def training_start(
    *,
    project: Project,
    created_by=None,
    name: str = "",
    components: tuple[str, ...] = DEFAULT_COMPONENTS,
    max_epochs: int = 20,
    max_steps: int = 0,
) -> TrainedPipeline:
    """Queue training on the project's gold (adjudicated, else consensus)."""
    name = slugify(name or f"{project.slug}-{project.language}")[:100]
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(components) - set(COMPONENTS))
    if not components or unknown:
        errors["components"] = [
            f"Choose from {', '.join(COMPONENTS)}; unknown: {', '.join(unknown) or '(none given)'}."
        ]
    if not 1 <= max_epochs <= 200:
        errors["max_epochs"] = ["Must be between 1 and 200."]
    if max_steps < 0:
        errors["max_steps"] = ["Must not be negative."]
    available = export_count(project=project, filters=ExportFilters(source="gold"))
    if available < MIN_GOLD_ARTICLES:
        errors["gold"] = [
            f"Training needs at least {MIN_GOLD_ARTICLES} articles with gold or "
            f"consensus; this project has {available}."
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        number = TrainedPipeline.objects.filter(project=project, name=name).count() + 1
        job = job_create(
            kind=JobKind.TRAIN, project=project, created_by=created_by, total=3
        )
        model = TrainedPipeline.objects.create(
            project=project,
            name=name,
            version=f"v{number}",
            job=job,
            created_by=created_by,
            config={
                "components": list(components),
                "max_epochs": max_epochs,
                "max_steps": max_steps,
                "language": project.language,
            },
        )
        job.params = {"model": model.pk}
        job.save(update_fields=["params"])
        job_enqueue(job)
    return model


def training_run(*, job_id: str) -> None:
    """Export, train and evaluate; the TrainedPipeline row records the outcome."""
    if not job_claim(job_id=job_id):
        return
    job = Job.objects.select_related("project").get(pk=job_id)
    model = TrainedPipeline.objects.get(pk=job.params["model"])
    TrainedPipeline.objects.filter(pk=model.pk).update(status=JobStatus.RUNNING)
    try:
        evaluation, path = _train(job.project, model, job_id)
    except Exception as error:
        message = f"{type(error).__name__}: {error}"
        TrainedPipeline.objects.filter(pk=model.pk).update(
            status=JobStatus.FAILED, evaluation={"error": message[:2000]}
        )
        job_fail(job_id=job_id, error=message)
        logger.exception("training %s failed", model)
        return
    TrainedPipeline.objects.filter(pk=model.pk).update(
        status=JobStatus.DONE, evaluation=evaluation, path=str(path)
    )
    model.refresh_from_db()
    switched = _compare_and_maybe_switch(job.project, model)
    job_finish(
        job_id=job_id,
        result={"model": model.pk, "path": str(path), "switched": switched},
    )


def _compare_and_maybe_switch(project: Project, model: TrainedPipeline) -> bool:
    """Compare with the current pipeline, then switch if the project asks for it.

    A failure here never fails the training: the model stays usable and the
    evaluation says what went wrong.
    """
    from annotations.services.model_evaluation import model_evaluate
    from annotations.services.model_switch import model_auto_switch

    try:
        model_evaluate(project=project, model=model)
        return model_auto_switch(project_id=project.pk, model=model)
    except Exception as error:
        logger.exception("comparing %s failed", model)
        evaluation = {**model.evaluation, "comparison_error": f"{error}"[:2000]}
        TrainedPipeline.objects.filter(pk=model.pk).update(evaluation=evaluation)
        return False


def _spacy(*args: str, cwd: Path) -> None:
    result = subprocess.run(  # noqa: S603 - fixed spaCy CLI, our own arguments
        [sys.executable, "-m", "spacy", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=getattr(settings, "NEWSROOM_TRAINING_TIMEOUT", 2 * 60 * 60),
        check=False,
    )
    if result.returncode != 0:
        tail = (result.stderr or result.stdout)[-1500:]
        raise RuntimeError(f"spacy {args[0]} failed: {tail}")


def _train(project: Project, model: TrainedPipeline, job_id: str) -> tuple[dict, Path]:
    config = model.config
    target = models_dir() / str(project.pk) / f"{model.name}-{model.version}"
    with tempfile.TemporaryDirectory(prefix="newsroom-train-") as tmp:
        work = Path(tmp)
        data = b"".join(
            export_stream(
                project=project,
                fmt="spacy",
                filters=ExportFilters(source="gold"),
                names_visible=False,
            )
        )
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            archive.extractall(work, filter="data")
        notes = []
        if not _docbin_size(work / "dev.spacy"):
            # Few articles: the split left dev empty; spaCy needs one to pick
            # the best model, so it watches the training data (said in the result).
            shutil.copy(work / "train.spacy", work / "dev.spacy")
            notes.append("dev split empty: model selection used the training data")
        Job.objects.filter(pk=job_id).update(done=1)
        _spacy(
            "init", "config", "config.cfg",
            "--lang", config["language"],
            "--pipeline", ",".join(config["components"]),
            "--optimize", "efficiency",
            "--force",
            cwd=work,
        )  # fmt: skip
        overrides = [
            "--paths.train", "train.spacy",
            "--paths.dev", "dev.spacy",
            "--training.max_epochs", str(config["max_epochs"]),
            "--training.max_steps", str(config["max_steps"]),
            "--nlp.lang", config["language"],
        ]  # fmt: skip
        _spacy("train", "config.cfg", "--output", "output", *overrides, cwd=work)
        Job.objects.filter(pk=job_id).update(done=2)
        best = work / "output" / "model-best"
        test = "test.spacy" if _docbin_size(work / "test.spacy") else "dev.spacy"
        if test == "dev.spacy":
            notes.append("test split empty: evaluated on dev")
        _spacy("evaluate", str(best), test, "--output", "metrics.json", cwd=work)
        metrics = json.loads((work / "metrics.json").read_text())
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(best, target)
        manifest = json.loads((work / "manifest.json").read_text())
    Job.objects.filter(pk=job_id).update(done=3)
    return {
        "evaluated_on": test.removesuffix(".spacy"),
        "metrics": _plain_metrics(metrics),
        "alignment": manifest.get("alignment", manifest),
        "notes": notes,
    }, target


def _docbin_size(path: Path) -> int:
    from spacy.tokens import DocBin

    return len(DocBin().from_disk(path)) if path.exists() else 0


def _plain_metrics(metrics: dict[str, Any]) -> dict[str, Any]:
    """Keep the figures people read: precision/recall/F per label and the cats scores."""
    keep = ("ents_p", "ents_r", "ents_f", "ents_per_type", "spans_sc_p", "spans_sc_r",
            "spans_sc_f", "spans_sc_per_type", "cats_score", "cats_macro_f",
            "cats_micro_f", "speed")  # fmt: skip
    return {key: metrics[key] for key in keep if key in metrics}


def trained_pipeline_for(project: Project, name: str) -> TrainedPipeline:
    """The finished model ``name@version``, or the newest finished version of
    ``name``, in this project; ValidationError when there is none on disk."""
    base, _, version = name.partition("@")
    models = TrainedPipeline.objects.filter(
        project=project, name=base, status=JobStatus.DONE
    ).exclude(path="")
    if version:
        models = models.filter(version=version)
    model = models.order_by("-created_at", "-id").first()
    if model is None or not Path(model.path).is_dir():
        raise ValidationError(
            {"pipeline": [f"No finished trained pipeline {name!r} in this project."]}
        )
    return model


def pipeline_name(model: TrainedPipeline) -> str:
    """The project pipeline value that pins this model: ``trained:<name>@<version>``."""
    return f"{TRAINED_PREFIX}{model.name}@{model.version}"
