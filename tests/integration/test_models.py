"""Invariants the database itself enforces, and the text lock on annotated articles."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from annotations.models import (
    Annotation,
    AnnotationSpan,
    Article,
    Membership,
    Prediction,
)
from annotations.models.article import text_sha256
from annotations.services.annotations import annotation_save
from tests.factories import ArticleFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_article_stores_content_hash():
    article = ArticleFactory(text="Gewinnwarnung bei Zalando 📉")
    assert article.content_hash == text_sha256("Gewinnwarnung bei Zalando 📉")


def test_article_text_may_change_until_annotated():
    article = ArticleFactory(text="Erste Fassung")
    article.text = "Zweite Fassung"
    article.save()
    annotation_save(article=article, annotator=UserFactory(), spans=[], labels={})
    article = Article.objects.get(pk=article.pk)
    article.text = "Dritte Fassung"
    with pytest.raises(
        ValidationError, match="cannot change once the article is annotated"
    ):
        article.save()
    assert Article.objects.get(pk=article.pk).text == "Zweite Fassung"
    # Other fields stay editable.
    article = Article.objects.get(pk=article.pk)
    article.title = "Neuer Titel"
    article.save()


def test_external_id_unique_per_project_but_not_across_projects():
    first = ArticleFactory(external_id="a-1")
    ArticleFactory(external_id="a-1")  # other project: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(external_id="a-1", project=first.project)
    # Many articles without an external id are fine.
    ArticleFactory(external_id=None, project=first.project)
    ArticleFactory(external_id=None, project=first.project)


def test_one_annotation_per_article_and_annotator():
    article, user = ArticleFactory(), UserFactory()
    Annotation.objects.create(article=article, annotator=user, text_sha256="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Annotation.objects.create(article=article, annotator=user, text_sha256="x")


def test_span_start_must_precede_end_in_the_database():
    annotation = Annotation.objects.create(
        article=ArticleFactory(), annotator=UserFactory(), text_sha256="x"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnotationSpan.objects.create(
            annotation=annotation, start=5, end=5, label="ORG", text=""
        )


def test_one_prediction_per_article_and_pipeline_version():
    article = ArticleFactory()
    Prediction.objects.create(article=article, pipeline="fin-en", pipeline_version="1")
    Prediction.objects.create(article=article, pipeline="fin-en", pipeline_version="2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Prediction.objects.create(
            article=article, pipeline="fin-en", pipeline_version="1"
        )


def test_membership_role_is_checked_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            project=ProjectFactory(), user=UserFactory(), role="boss"
        )


def test_project_overlap_range_is_checked():
    project = ProjectFactory()
    project.overlap = 11
    with pytest.raises(ValidationError, match="overlap"):
        project.full_clean()
