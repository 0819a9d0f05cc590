"""Training a spaCy pipeline on a project's gold, then pre-annotating with it."""

import random
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from annotations.choices import JobStatus, Role
from annotations.models import Job, Prediction, TrainedPipeline
from annotations.nlp import loader
from annotations.services.preannotation import preannotate_batch, preannotation_schedule
from annotations.services.training import training_run, training_start
from tests.factories import ArticleFactory, GoldAnnotationFactory, ProjectFactory

pytestmark = pytest.mark.django_db

COMPANIES = [
    "Kestrel AG",
    "Nordlicht SE",
    "Weserkraft GmbH",
    "Alpenbank AG",
    "Lindqvist AG",
]
PEOPLE = ["Anna Berger", "Jonas Keller", "Mara Vogt"]


def gold_articles(project, reviewer, n, seed=7):
    rng = random.Random(seed)
    for i in range(n):
        company, person = rng.choice(COMPANIES), rng.choice(PEOPLE)
        text = f"{company} meldet Zahlen. Vorstand {person} ist zufrieden. ({i})"
        article = ArticleFactory(project=project, text=text, language="de")
        spans = [
            {"start": 0, "end": len(company), "label": "ORG", "text": company},
            {
                "start": text.index(person),
                "end": text.index(person) + len(person),
                "label": "PERSON",
                "text": person,
            },
        ]
        GoldAnnotationFactory(
            article=article,
            reviewer=reviewer,
            spans=spans,
            labels={"sentiment": "positive", "bias": "non_biased"},
        )


@pytest.fixture
def project_with_gold(settings, tmp_path):
    settings.NEWSROOM_MODELS_DIR = tmp_path / "models"
    project = ProjectFactory(language="de", slug="de-train")
    from tests.factories import MembershipFactory, UserFactory

    reviewer = UserFactory()
    MembershipFactory(project=project, user=reviewer, role=Role.REVIEWER)
    gold_articles(project, reviewer, 24)
    return project


def test_too_little_gold_is_refused_with_a_count():
    project = ProjectFactory()
    with pytest.raises(ValidationError, match="at least 10 articles") as caught:
        training_start(project=project)
    assert "has 0" in str(caught.value)


def test_unknown_component_is_refused(project_with_gold):
    with pytest.raises(ValidationError, match="unknown: parser"):
        training_start(project=project_with_gold, components=("parser",))


def test_train_evaluate_and_preannotate_with_the_result(project_with_gold):
    project = project_with_gold
    model = training_start(
        project=project, name="de-ner", components=("ner",), max_epochs=3, max_steps=60
    )
    assert (model.version, model.status) == ("v1", JobStatus.QUEUED)
    training_run(job_id=str(model.job_id))
    model.refresh_from_db()
    job = Job.objects.get(pk=model.job_id)
    assert job.status == JobStatus.DONE, job.error
    assert model.status == JobStatus.DONE
    assert Path(model.path, "config.cfg").is_file()
    metrics = model.evaluation["metrics"]
    assert "ORG" in metrics["ents_per_type"]
    assert set(metrics["ents_per_type"]) <= {"ORG", "PERSON"}
    assert model.evaluation["evaluated_on"] in {"test", "dev"}
    assert 0.0 <= metrics["ents_f"] <= 1.0

    # The comparison with the current pipeline ran on the same held-out split:
    # the trained side's figures are the ones ``spacy evaluate`` measured.
    comparison = model.evaluation["comparison"]
    assert comparison["split"] == model.evaluation["evaluated_on"]
    assert comparison["pipelines"]["trained"]["pipeline"] == "trained:de-ner@v1"
    assert comparison["pipelines"]["current"]["pipeline"] == "fin-de"
    for label, figures in metrics["ents_per_type"].items():
        ours = comparison["spans"][label]["trained"]
        assert ours["recall"] == pytest.approx(figures["r"]), label
        assert (ours["precision"] or 0.0) == pytest.approx(figures["p"]), label
    assert job.result["switched"] is False  # automatic switch is off by default

    loader.clear_cache()
    project.pipeline = "trained:de-ner"
    project.save()
    article = ArticleFactory(
        project=project,
        text="Kestrel AG meldet Zahlen. Vorstand Anna Berger ist zufrieden.",
    )
    job = preannotation_schedule(project=project, article_ids=[article.pk])
    assert job.params["pipeline"] == "trained:de-ner"
    assert job.params["version"].startswith("v1+")
    preannotate_batch(job_id=str(job.pk), article_ids=[article.pk])
    prediction = Prediction.objects.get(article=article)
    labels = {s["label"] for s in prediction.spans}
    assert labels <= {"ORG", "PERSON"}
    assert all(
        article.text[s["start"] : s["end"]] == s["text"] for s in prediction.spans
    )
    assert TrainedPipeline.objects.filter(project=project).count() == 1


def test_trained_pipeline_must_exist(project_with_gold):
    project_with_gold.pipeline = "trained:nothing-yet"
    with pytest.raises(ValidationError, match="No finished trained pipeline"):
        preannotation_schedule(project=project_with_gold)
