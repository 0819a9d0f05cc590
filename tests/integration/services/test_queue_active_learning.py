"""Active-learning queue order: the least confident prediction first (project setting)."""

import pytest

from annotations.choices import QueueOrder
from annotations.models import Prediction, Project
from annotations.services.model_switch import model_loop_settings_set
from annotations.services.preannotation import preannotate_batch, preannotation_schedule
from annotations.services.queue import assignment_next
from tests.factories import ArticleFactory, ProjectFactory, UserFactory, annotate

pytestmark = pytest.mark.django_db

# Texts written for this test: some plainly factual, some loaded or teasing, so
# the rules score them with different confidence.
TEXTS = [
    "Siemens AG reported revenue of EUR 2.1 billion, up 4% on the year.",
    "Shocking! You won't believe what this bank did to savers. Act now!",
    "Deutsche Bank cut 5% of jobs after a disastrous quarter, sources said.",
    "The company will publish its annual report on 14 March.",
    "Is this the end of cheap money? Investors brace for a brutal crash.",
    "BASF SE said chief executive Martin Brudermüller would step down.",
]


def stored_confidence(prediction: Prediction) -> float:
    """Recomputed from the stored scores: the mean of the span scores and of each
    question's best choice rescaled from chance (0) to certainty (1)."""
    parts = [s["score"] for s in prediction.spans]
    for choices in prediction.labels.values():
        chance = 1 / len(choices)
        parts.append((max(choices.values()) - chance) / (1 - chance))
    return sum(parts) / len(parts)


@pytest.fixture
def project():
    project = ProjectFactory(language="en", pipeline="fin-en", overlap=2)
    for index, text in enumerate(TEXTS):
        ArticleFactory(project=project, text=text, title=f"t{index}")
    job = preannotation_schedule(project=project)
    preannotate_batch(job_id=str(job.pk), article_ids=job.params["article_ids"])
    return project


def served_order(project: Project) -> list[int]:
    annotator = UserFactory()
    order = []
    while (article := assignment_next(project=project, user=annotator)) is not None:
        order.append(article.pk)
        annotate(article, annotator)
    return order


def test_least_confident_first_when_the_project_asks(project):
    model_loop_settings_set(
        project=project,
        auto_switch=False,
        margin=0.02,
        queue_order=QueueOrder.LEAST_CONFIDENT,
    )
    predictions = Prediction.objects.filter(article__project=project)
    confidence = {p.article_id: stored_confidence(p) for p in predictions}
    assert len(set(confidence.values())) > 2, confidence  # the order means something
    order = served_order(project)
    assert sorted(order) == sorted(confidence)
    assert [confidence[pk] for pk in order] == sorted(confidence.values())
    assert all(
        p.confidence == pytest.approx(confidence[p.article_id]) for p in predictions
    )


def test_default_order_is_import_order(project):
    assert served_order(project) == sorted(
        project.articles.values_list("pk", flat=True)
    )


def test_admin_priority_still_comes_first_and_unpredicted_articles_last(project):
    Project.objects.filter(pk=project.pk).update(queue_order=QueueOrder.LEAST_CONFIDENT)
    project.refresh_from_db()
    confidence = {
        p.article_id: stored_confidence(p)
        for p in Prediction.objects.filter(article__project=project)
    }
    most_confident = max(confidence, key=confidence.get)
    project.articles.filter(pk=most_confident).update(priority=5)
    unpredicted = ArticleFactory(project=project, text="No prediction yet.")
    # Another pipeline's newer, very unsure prediction is not the one shown: ignored.
    Prediction.objects.create(
        article_id=most_confident,
        pipeline="other",
        pipeline_version="1",
        confidence=0.0,
    )
    order = served_order(project)
    assert order[0] == most_confident
    assert order[-1] == unpredicted.pk
    rest = order[1:-1]
    assert [confidence[pk] for pk in rest] == sorted(confidence[pk] for pk in rest)
