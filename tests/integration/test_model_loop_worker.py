"""The model loop through a real Celery worker: train on generated gold, compare,
switch pre-annotation to the model, pre-annotate, roll back, pre-annotate again.

The gold is generated for this test (not the evaluation corpus). spaCy trains in
child processes of the worker; the comparison is checked against what
``spacy evaluate`` measured on the same held-out split.
"""

import pytest

from annotations.choices import JobStatus, Role
from annotations.models import Job, Prediction
from annotations.selectors.workspace import prediction_latest
from annotations.services.model_switch import model_rollback, model_switch
from annotations.services.training import training_start
from tests.factories import MembershipFactory, ProjectFactory, UserFactory
from tests.integration.services.test_model_loop import add_gold
from tests.integration.test_worker import wait_for_job

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_train_compare_switch_preannotate_rollback(celery_worker_process):
    project = ProjectFactory(language="de", slug="loop-worker", pipeline="fin-de")
    admin, reviewer = UserFactory(), UserFactory()
    MembershipFactory(project=project, user=admin, role=Role.ADMIN)
    MembershipFactory(project=project, user=reviewer, role=Role.REVIEWER)
    add_gold(project, reviewer, 30)

    model = training_start(
        project=project, created_by=admin, name="loop", components=("ner",),
        max_epochs=3, max_steps=80,
    )  # fmt: skip
    job = wait_for_job(Job.objects.get(pk=model.job_id), timeout=900)
    assert job.status == JobStatus.DONE, job.error
    model.refresh_from_db()
    comparison = model.evaluation["comparison"]
    assert comparison["split"] == model.evaluation["evaluated_on"]
    assert comparison["n_articles"] > 0
    assert comparison["pipelines"]["current"]["pipeline"] == "fin-de"
    metrics = model.evaluation["metrics"]["ents_per_type"]
    for label, figures in metrics.items():
        ours = comparison["spans"][label]["trained"]
        assert ours["recall"] == pytest.approx(figures["r"]), label
    assert job.result["switched"] is False

    articles = list(project.articles.order_by("id"))
    switch_job = model_switch(project=project, model=model, user=admin)
    switch_job = wait_for_job(switch_job, timeout=300)
    assert (switch_job.status, switch_job.done) == (JobStatus.DONE, len(articles))
    trained = f"trained:loop@{model.version}"
    assert Prediction.objects.filter(
        article__project=project, pipeline=trained
    ).count() == len(articles)
    shown = prediction_latest(article=articles[0])
    assert shown.pipeline == trained
    assert {s["label"] for s in shown.spans} <= {"ORG", "PERSON"}

    rollback_job = wait_for_job(model_rollback(project=project, user=admin), 300)
    assert rollback_job.status == JobStatus.DONE
    project.refresh_from_db()
    assert (project.pipeline, project.pipeline_previous) == ("fin-de", "")
    article = articles[0]
    article.refresh_from_db()
    assert prediction_latest(article=article).pipeline == "fin-de"
    # Nothing was lost: both pipelines' predictions are kept.
    assert Prediction.objects.filter(article__project=project).count() == 2 * len(
        articles
    )
    reasons = set(project.history.values_list("history_change_reason", flat=True))
    assert {"switch to loop v1", "rollback to fin-de"} <= reasons
