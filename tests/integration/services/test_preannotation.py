"""Pre-annotation service: idempotent batches, skipped articles, failures, installed pipelines."""

import threading

import pytest
import spacy
from django.core.exceptions import ValidationError
from django.db import connection
from spacy.language import Language

from annotations.choices import JobStatus
from annotations.models import Article, Job, Prediction
from annotations.nlp import loader
from annotations.services.articles import articles_import
from annotations.services.preannotation import (
    pipeline_spec_for_project,
    preannotate_batch,
    preannotation_schedule,
)
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

GERMAN = [
    {"external_id": "g1", "title": "Siemens", "text": "Die Siemens AG hebt die Prognose an. Der Umsatz stieg um 3,5 Prozent auf 2,3 Mrd. Euro."},
    {"external_id": "g2", "title": "Crash", "text": "Horror-Zahlen bei der Deutschen Bank: Die Aktie explodierte nicht, sie brach um 12 Prozent ein."},
    {"external_id": "g3", "title": "Leer", "text": "   "},
]  # fmt: skip


@Language.component("newsroom_test_fail_on_marker")
def explode_on_marker(doc):
    """A component that fails on one text, to prove a bad article does not sink its batch."""
    if "EXPLODE" in doc.text:
        raise ValueError("boom")
    return doc


def run_job(job):
    return preannotate_batch(job_id=str(job.pk), article_ids=job.params["article_ids"])


def test_import_schedules_a_job_for_the_new_articles(
    django_capture_on_commit_callbacks,
):
    project = ProjectFactory(language="de", pipeline="fin-de")
    with django_capture_on_commit_callbacks() as callbacks:
        result = articles_import(project=project, items=GERMAN)
    job = result.preannotation_job
    assert job.total == 3
    assert job.params["pipeline"] == "fin-de"
    assert sorted(job.params["article_ids"]) == sorted(result.created_ids)
    assert len(callbacks) == 1  # the enqueue runs only after commit


def test_batch_stores_predictions_and_marks_empty_articles():
    project = ProjectFactory(language="de", pipeline="fin-de")
    result = articles_import(project=project, items=GERMAN)
    run_job(result.preannotation_job)
    job = Job.objects.get(pk=result.preannotation_job.pk)
    assert (job.status, job.done, job.failed) == (JobStatus.DONE, 2, 1)
    siemens = Prediction.objects.get(article__external_id="g1")
    labels = {(s["label"], s["text"]) for s in siemens.spans}
    assert ("MONEY", "2,3 Mrd. Euro") in labels
    assert ("PERCENT", "3,5 Prozent") in labels
    text = siemens.article.text
    assert all(text[s["start"] : s["end"]] == s["text"] for s in siemens.spans)
    assert set(siemens.labels) >= {"sentiment", "bias"}
    empty = Article.objects.get(external_id="g3")
    assert empty.preannotation_skipped_reason.startswith("empty")
    assert not empty.predictions.exists()


def test_repeated_delivery_creates_nothing_new():
    project = ProjectFactory(language="de", pipeline="fin-de")
    job = articles_import(project=project, items=GERMAN).preannotation_job
    first = run_job(job)
    second = run_job(job)
    third = preannotate_batch(job_id=str(job.pk), article_ids=job.params["article_ids"])
    assert first.created == 2
    assert second.created == third.created == 0
    assert Prediction.objects.count() == 2
    job.refresh_from_db()
    assert (job.done, job.failed) == (2, 1)


@pytest.mark.django_db(transaction=True)
def test_concurrent_delivery_creates_one_prediction_per_article():
    project = ProjectFactory(language="de", pipeline="fin-de")
    job = articles_import(project=project, items=GERMAN).preannotation_job
    pipeline_spec_for_project(project)  # warm the spec outside the threads
    errors = []

    def deliver():
        try:
            run_job(Job.objects.get(pk=job.pk))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Prediction.objects.filter(article__project=project).count() == 2
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_new_pipeline_version_keeps_old_predictions():
    project = ProjectFactory(language="de", pipeline="fin-de")
    run_job(articles_import(project=project, items=GERMAN).preannotation_job)
    project.pipeline_options = {"extra_terms": {"ORG": ["Prognose"]}}
    project.save()
    job = preannotation_schedule(project=project)
    assert job.params["version"] != Prediction.objects.first().pipeline_version
    run_job(job)
    assert Prediction.objects.filter(article__external_id="g1").count() == 2
    newest = Prediction.objects.get(
        article__external_id="g1", pipeline_version=job.params["version"]
    )
    assert ("ORG", "Prognose") in {(s["label"], s["text"]) for s in newest.spans}


def test_unknown_pipeline_is_a_clear_error_and_import_still_works():
    project = ProjectFactory(language="de", pipeline="fin-xx")
    with pytest.raises(ValidationError, match="Unknown pipeline 'fin-xx'"):
        preannotation_schedule(project=project)
    result = articles_import(project=project, items=GERMAN)
    assert result.created_count == 3
    assert result.preannotation_job is None
    assert "Unknown pipeline 'fin-xx'" in result.preannotation_error


@pytest.fixture
def installed_pipeline(tmp_path, settings):
    """A small pipeline on disk (entity ruler + a component failing on one text)."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "ORG", "pattern": "Acme Corp"},
            {"label": "GPE", "pattern": "Frankfurt"},
        ]
    )
    nlp.add_pipe("newsroom_test_fail_on_marker")
    path = tmp_path / "acme-pipeline"
    nlp.to_disk(path)
    settings.NEWSROOM_SPACY_PIPELINES = {"acme": str(path)}
    loader.clear_cache()
    yield "acme"
    loader.clear_cache()


def test_installed_pipeline_with_mapping_and_a_failing_article(installed_pipeline):
    project = ProjectFactory(
        language="en",
        pipeline=installed_pipeline,
        label_mapping={"ORG": "ORG", "GPE": None},
    )
    items = [
        {"external_id": "a", "text": "Acme Corp opens an office in Frankfurt."},
        {"external_id": "b", "text": "EXPLODE: Acme Corp results."},
        {"external_id": "c", "text": "Shares of Acme Corp rose."},
    ]
    job = articles_import(project=project, items=items).preannotation_job
    run_job(job)
    job.refresh_from_db()
    assert (job.done, job.failed, job.status) == (2, 1, JobStatus.DONE)
    spans = Prediction.objects.get(article__external_id="a").spans
    assert [(s["label"], s["text"]) for s in spans] == [
        ("ORG", "Acme Corp")
    ]  # GPE ignored
    failed = Article.objects.get(external_id="b")
    assert "boom" in failed.preannotation_skipped_reason


def test_mapping_to_a_label_the_scheme_lacks_is_refused(installed_pipeline):
    project = ProjectFactory(
        language="en", pipeline=installed_pipeline, label_mapping={"ORG": "COMPANY"}
    )
    with pytest.raises(ValidationError, match="COMPANY"):
        preannotation_schedule(project=project)


def test_installed_pipeline_needs_a_mapping(installed_pipeline):
    project = ProjectFactory(language="en", pipeline=installed_pipeline)
    with pytest.raises(ValidationError, match="needs a label mapping"):
        preannotation_schedule(project=project)


def test_schedule_refuses_articles_of_other_projects_before_anything_is_queued():
    project = ProjectFactory(language="en")
    mine = Article.objects.create(project=project, title="a", text="Apple Inc.")
    other = Article.objects.create(project=ProjectFactory(), title="b", text="B")
    with pytest.raises(ValidationError) as caught:
        preannotation_schedule(project=project, article_ids=[mine.pk, other.pk])
    assert caught.value.message_dict["article_ids"] == [
        f"Not articles of this project: [{other.pk}]"
    ]
    assert not Job.objects.exists()
    job = preannotation_schedule(project=project, article_ids=[mine.pk, mine.pk])
    assert job.params["article_ids"] == [mine.pk]
