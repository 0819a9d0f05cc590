"""Bulk actions of the article manager that the page tests do not reach: pre-annotate again."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from annotations.models import Article, Prediction
from annotations.prediction_confidence import prediction_min_score
from annotations.services.article_bulk import articles_preannotate_again
from annotations.services.articles import articles_import
from annotations.services.preannotation import preannotate_batch
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

ITEMS = [
    {
        "external_id": "g1",
        "text": "Die Siemens AG hebt die Prognose um 3,5 Prozent an.",
    },
    {"external_id": "g2", "text": "Die Deutsche Bank streicht Stellen."},
]


def run(job) -> None:
    preannotate_batch(job_id=str(job.pk), article_ids=job.params["article_ids"])


def test_preannotate_again_replaces_the_current_versions_predictions():
    project = ProjectFactory(language="de", pipeline="fin-de")
    result = articles_import(project=project, items=ITEMS)
    run(result.preannotation_job)
    first = Prediction.objects.get(article__external_id="g1")
    assert first.min_score == prediction_min_score(first.spans, first.labels)
    g1 = Article.objects.get(external_id="g1")
    job = articles_preannotate_again(
        project=project, article_ids=[g1.pk], created_by=UserFactory()
    )
    assert job.params["article_ids"] == [g1.pk]
    assert not Prediction.objects.filter(article=g1).exists()  # dropped, queued again
    assert Prediction.objects.filter(article__external_id="g2").count() == 1
    run(job)
    again = Prediction.objects.get(article=g1)
    assert again.pk != first.pk
    assert again.spans == first.spans


def test_preannotate_again_refuses_an_unusable_pipeline_and_drops_nothing():
    project = ProjectFactory(language="de", pipeline="fin-de")
    result = articles_import(project=project, items=ITEMS)
    run(result.preannotation_job)
    project.pipeline = "fin-xx"
    project.save(update_fields=["pipeline"])
    ids = list(Article.objects.filter(project=project).values_list("pk", flat=True))
    with pytest.raises(ValidationError, match="Unknown pipeline"):
        articles_preannotate_again(project=project, article_ids=ids, created_by=None)
    assert Prediction.objects.filter(article__project=project).count() == 2
