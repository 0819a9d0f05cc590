"""The model loop in the app: the comparison on held-out gold, switch and rollback,
automatic switch. A small entity-ruler pipeline on disk stands in for a trained
model here (training itself is covered in test_training and the worker test)."""

from pathlib import Path

import pytest
import spacy
from django.core.exceptions import ValidationError
from spacy.scorer import Scorer
from spacy.training import Example

from annotations.choices import JobStatus, Role
from annotations.exporters import assign_split
from annotations.models import Prediction, Project, TrainedPipeline
from annotations.nlp import loader, registry, suggest
from annotations.selectors.workspace import prediction_latest
from annotations.services.model_evaluation import model_evaluate
from annotations.services.model_switch import (
    model_auto_switch,
    model_rollback,
    model_switch,
)
from annotations.services.preannotation import preannotate_batch
from tests.factories import (
    ArticleFactory,
    GoldAnnotationFactory,
    MembershipFactory,
    ProjectFactory,
    UserFactory,
    span,
)

pytestmark = pytest.mark.django_db

COMPANIES = ["Kestrel AG", "Nordlicht SE", "Weserkraft GmbH", "Alpenbank AG"]
PEOPLE = ["Anna Berger", "Jonas Keller", "Mara Vogt"]
# The stand-in model knows two of the companies and one person.
KNOWN = [("ORG", "Kestrel AG"), ("ORG", "Nordlicht SE"), ("PERSON", "Anna Berger")]


def gold_project(n=40, slug="ml-loop"):
    """A German project whose gold was written for these tests."""
    project = ProjectFactory(language="de", slug=slug, pipeline="fin-de")
    reviewer = UserFactory()
    MembershipFactory(project=project, user=reviewer, role=Role.REVIEWER)
    add_gold(project, reviewer, n)
    return project


def add_gold(project, reviewer, n):
    for i in range(n):
        company, person = COMPANIES[i % 4], PEOPLE[i % 3]
        text = (
            f"{company} meldet für das Quartal {i} einen Gewinn. "
            f"Vorständin {person} zeigt sich zufrieden."
        )
        article = ArticleFactory(project=project, text=text, title=f"Meldung {i}")
        GoldAnnotationFactory(
            article=article,
            reviewer=reviewer,
            spans=[span(text, company, "ORG"), span(text, person, "PERSON")],
            labels={"sentiment": "positive", "bias": "non_biased"},
        )


def ruler_model(project, directory: Path, known=KNOWN, version="v1"):
    """A finished 'trained' model: an entity ruler saved with ``to_disk``."""
    nlp = spacy.blank(project.language)
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": label, "pattern": text} for label, text in known])
    path = directory / f"ruler-{version}"
    nlp.to_disk(path)
    return TrainedPipeline.objects.create(
        project=project,
        name="ruler",
        version=version,
        path=str(path),
        status=JobStatus.DONE,
    )


@pytest.fixture
def project(tmp_path):
    loader.clear_cache()
    return gold_project()


def spacy_scores(lang, texts, gold, predicted):
    """spaCy's own Scorer on the same spans: per type P/R/F."""
    nlp = spacy.blank(lang)
    examples = []
    for text, gold_spans, predicted_spans in zip(texts, gold, predicted, strict=True):
        docs = []
        for spans in (predicted_spans, gold_spans):
            doc = nlp.make_doc(text)
            doc.spans["sc"] = [
                doc.char_span(s, e, label=label, alignment_mode="strict")
                for s, e, label in spans
            ]
            docs.append(doc)
        examples.append(Example(*docs))
    return Scorer.score_spans(
        examples, "sc", getter=lambda doc, key: doc.spans[key], allow_overlap=True
    )["sc_per_type"]


def test_comparison_uses_the_test_split_and_agrees_with_spacy(project, tmp_path):
    model = ruler_model(project, tmp_path)
    comparison = model_evaluate(project=project, model=model)

    seed = project.slug  # the export's split: seed = slug when split_seed is empty
    expected_ids = sorted(
        a.pk
        for a in project.articles.all()
        if assign_split(str(a.pk), seed=seed, ratios=(0.8, 0.1, 0.1)) == "test"
    )
    assert comparison["split"] == "test"
    assert sorted(comparison["article_ids"]) == expected_ids
    assert comparison["n_articles"] == len(expected_ids) > 0
    model.refresh_from_db()
    assert model.evaluation["comparison"] == comparison  # stored with the model

    articles = {a.pk: a for a in project.articles.all()}
    texts = [articles[pk].text for pk in comparison["article_ids"]]
    gold = [
        [(s.start, s.end, s.label) for s in articles[pk].gold.spans.all()]
        for pk in comparison["article_ids"]
    ]
    nlp = spacy.load(model.path)
    trained = [
        [(e.start_char, e.end_char, e.label_) for e in nlp(t).ents] for t in texts
    ]
    current = [  # the current side: fin-de run the same way
        [(s.start, s.end, s.label) for s in p.spans if s.label in ("ORG", "PERSON")]
        for p in suggest.predict(registry.get_pipeline_spec("fin-de"), texts)
    ]
    for side, predicted in (("trained", trained), ("current", current)):
        reference = spacy_scores("de", texts, gold, predicted)
        for label in ("ORG", "PERSON"):
            ours = comparison["spans"][label][side]
            theirs = reference.get(label)
            if theirs is None:  # spaCy lists only labels it saw
                assert ours["n_gold"] == ours["n_predicted"] == 0
                continue
            assert ours["recall"] == pytest.approx(theirs["r"]), (side, label)
            if ours["precision"] is not None:
                assert ours["precision"] == pytest.approx(theirs["p"]), (side, label)
    assert comparison["pipelines"]["current"]["pipeline"] == "fin-de"
    assert comparison["pipelines"]["trained"]["pipeline"] == "trained:ruler@v1"
    assert comparison["questions"]["sentiment"]["current"]["n"] == len(expected_ids)


def test_switch_and_rollback_record_history_and_change_what_is_shown(project, tmp_path):
    admin = UserFactory()
    model = ruler_model(project, tmp_path)
    article = project.articles.order_by("id").first()
    job = model_switch(project=project, model=model, user=admin, preannotate=False)
    assert job is None
    project.refresh_from_db()
    assert (project.pipeline, project.pipeline_previous) == (
        "trained:ruler@v1",
        "fin-de",
    )

    # Both pipelines predict the article; the page shows the active one's.
    for _ in range(2):
        from annotations.services.preannotation import preannotation_schedule

        job = preannotation_schedule(project=project, article_ids=[article.pk])
        preannotate_batch(job_id=str(job.pk), article_ids=[article.pk])
        if project.pipeline == "trained:ruler@v1":
            assert prediction_latest(article=article).pipeline == "trained:ruler@v1"
            model_rollback(project=project, user=admin, preannotate=False)
            project.refresh_from_db()
    assert (project.pipeline, project.pipeline_previous) == ("fin-de", "")
    article.refresh_from_db()
    assert prediction_latest(article=article).pipeline == "fin-de"
    assert Prediction.objects.filter(article=article).count() == 2  # nothing lost

    history = list(project.history.order_by("history_date")[:10])
    changes = [(h.pipeline, h.history_change_reason, h.history_user) for h in history]
    assert ("trained:ruler@v1", "switch to ruler v1", admin) in changes
    assert ("fin-de", "rollback to fin-de", admin) in changes

    with pytest.raises(ValidationError, match="Nothing to roll back to"):
        model_rollback(project=project, user=admin)


def test_switch_refuses_unusable_models(project, tmp_path):
    model = ruler_model(project, tmp_path)
    model_switch(project=project, model=model, preannotate=False)
    with pytest.raises(ValidationError, match="already uses ruler v1"):
        model_switch(project=project, model=model, preannotate=False)
    other = gold_project(n=2, slug="other-loop")
    with pytest.raises(ValidationError, match="another project"):
        model_switch(project=other, model=model, preannotate=False)
    queued = TrainedPipeline.objects.create(project=project, name="ruler", version="v2")
    with pytest.raises(ValidationError, match="No finished trained pipeline"):
        model_switch(project=project, model=queued, preannotate=False)
    project.refresh_from_db()
    assert project.pipeline == "trained:ruler@v1"


@pytest.mark.parametrize(
    ("enabled", "margin", "switched"),
    [(False, 0.0, False), (True, 0.0, None), (True, 1.0, False)],
)
def test_automatic_switch_follows_setting_and_margin(
    project, tmp_path, enabled, margin, switched
):
    Project.objects.filter(pk=project.pk).update(
        model_auto_switch=enabled, model_switch_margin=margin
    )
    # The ruler knows every company and person: it should beat the rules.
    everything = [("ORG", c) for c in COMPANIES] + [("PERSON", p) for p in PEOPLE]
    model = ruler_model(project, tmp_path, known=everything)
    comparison = model_evaluate(project=project, model=model)
    if switched is None:  # margin 0: switches exactly when trained F1 >= current F1
        switched = comparison["delta_f1"] >= 0
        assert switched, comparison["micro"]
    assert model_auto_switch(project_id=project.pk, model=model) is switched
    project.refresh_from_db()
    assert (project.pipeline == "trained:ruler@v1") is switched
    if enabled:
        model.refresh_from_db()
        assert model.evaluation["auto_switch"]["switched"] is switched
