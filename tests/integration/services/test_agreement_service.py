"""The assembled agreement response on database data (services.agreement)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from annotations.agreement import (
    dawid_skene,
    pairwise_cohen_kappa,
    pairwise_span_f1,
    question_agreement,
)
from annotations.choices import Role, SpanOrigin
from annotations.models import AgreementSnapshot, Article
from annotations.selectors.agreement import (
    agreement_history,
    annotator_pseudonym,
)
from annotations.services import agreement as agreement_service
from annotations.services.adjudication import gold_save
from annotations.services.agreement import (
    agreement_current,
    agreement_for_viewer,
    agreement_snapshot_store,
)
from tests.factories import ArticleFactory, ProjectFactory, annotate, span, team

pytestmark = pytest.mark.django_db

TEXT = "Siemens shares rose 5% after Deutsche Bank upgraded them to buy."
SENTIMENT = ["very_negative", "negative", "neutral", "positive", "very_positive"]


@pytest.fixture
def project():
    return ProjectFactory(overlap=3)


@pytest.fixture
def three(project):
    return team(project, ["anna", "ben", "cem"])


def answers(sentiment, bias="non_biased"):
    return {"sentiment": sentiment, "bias": bias}


@pytest.fixture
def worked(project, three):
    """Four articles: three rated by all three, one by anna only."""
    anna, ben, cem = three
    arts = ArticleFactory.create_batch(4, project=project, text=TEXT)
    table = {
        0: ("positive", "positive", "very_positive"),
        1: ("negative", "negative", "negative"),
        2: ("neutral", "positive", "negative"),
    }
    for index, values in table.items():
        for user, value in zip(three, values, strict=True):
            spans = [span(arts[index].text, "Siemens", "ORG")]
            if user is not cem:
                spans.append(span(arts[index].text, "Deutsche Bank", "ORG"))
            annotate(
                arts[index],
                user,
                spans,
                answers(value, "biased" if user is ben else "non_biased"),
            )
    annotate(arts[3], anna, labels=answers("very_negative"))
    return arts


def expected_ratings(arts, three, table_only=True):
    values = {
        0: ("positive", "positive", "very_positive"),
        1: ("negative", "negative", "negative"),
        2: ("neutral", "positive", "negative"),
    }
    return [
        (arts[i].pk, f"@{user.pk}", v)
        for i, row in values.items()
        for user, v in zip(three, row, strict=True)
    ]


def test_questions_equal_the_agreement_functions_and_single_items_are_left_out(
    project, three, worked
):
    data = agreement_current(project=project)
    ratings = expected_ratings(worked, three)
    reference = question_agreement(ratings, "ordinal", SENTIMENT).as_dict()
    assert data["questions"]["sentiment"] == reference
    # The fourth article (one annotation) is not part of any agreement figure.
    assert data["questions"]["sentiment"]["n_items"] == 3
    assert data["questions"]["sentiment"]["n_annotators"] == 3
    assert data["questions"]["sentiment"]["level"] == "ordinal"
    assert data["questions"]["bias"]["level"] == "nominal"
    assert data["questions"]["opinion"]["n_items"] == 0
    assert data["questions"]["opinion"]["krippendorff_alpha"] is None


def test_pairwise_kappa_and_span_f1_equal_the_agreement_functions(
    project, three, worked
):
    data = agreement_current(project=project)
    anna, ben, _cem = three
    kappas = pairwise_cohen_kappa(expected_ratings(worked, three), SENTIMENT)
    a, b = f"@{anna.pk}", f"@{ben.pk}"
    assert data["annotators"][a]["cohen_kappa"][b]["sentiment"] == kappas[a][b].value
    assert data["annotators"][a]["n_submitted"] == 4
    span_rows = []
    for article in worked[:3]:
        for user in three:
            marked = [(0, 7, "ORG")]
            if user is not three[2]:
                start = TEXT.index("Deutsche Bank")
                marked.append((start, start + len("Deutsche Bank"), "ORG"))
            span_rows.append((article.pk, f"@{user.pk}", marked))
    f1 = pairwise_span_f1(span_rows, ["ORG"])["ORG"]
    assert data["spans"]["ORG"]["pairwise_f1"] == pytest.approx(f1.f1, abs=1e-12)
    assert data["spans"]["ORG"]["pairwise_f1_overlap"] == pytest.approx(
        f1.f1_overlap, abs=1e-12
    )
    assert data["spans"]["ORG"]["n_items"] == 3
    assert data["spans"]["PERSON"]["pairwise_f1"] is None
    assert data["spans"]["ORG"]["token_alpha"] is not None


def test_dawid_skene_is_exposed_for_single_choice_questions(project, three, worked):
    data = agreement_current(project=project)
    ds = data["dawid_skene"]["sentiment"]
    reference = dawid_skene(expected_ratings(worked, three), SENTIMENT)
    for user in three:
        key = f"@{user.pk}"
        assert ds["annotators"][key]["error_rate"] == pytest.approx(
            reference.error_rate[key]
        )
    # Posteriors only for contested items: articles 0 and 2, not the unanimous 1.
    assert set(ds["posteriors"]) == {str(worked[0].pk), str(worked[2].pk)}
    assert sum(ds["posteriors"][str(worked[0].pk)].values()) == pytest.approx(
        1, abs=1e-3
    )
    assert "opinion" not in data["dawid_skene"]  # nobody answered it


def test_one_annotator_gives_undefined_figures(project):
    (anna,) = team(project, ["anna"])
    for article in ArticleFactory.create_batch(3, project=project, text=TEXT):
        annotate(
            article, anna, [span(article.text, "Siemens", "ORG")], answers("positive")
        )
    data = agreement_current(project=project)
    for figures in data["questions"].values():
        assert figures["krippendorff_alpha"] is None
        assert figures["fleiss_kappa"] is None
        assert figures["percent_agreement"] is None
        assert figures["n_items"] == 0
    assert data["spans"]["ORG"] == {
        "pairwise_f1": None,
        "pairwise_f1_overlap": None,
        "n_items": 0,
        "token_alpha": None,
    }
    assert data["annotators"][f"@{anna.pk}"]["cohen_kappa"] == {}
    assert data["dawid_skene"] == {}


def test_one_category_gives_alpha_null_but_full_percent_agreement(project, three):
    for article in ArticleFactory.create_batch(3, project=project, text=TEXT):
        for user in three:
            annotate(article, user, labels=answers("neutral"))
    data = agreement_current(project=project)
    sentiment = data["questions"]["sentiment"]
    assert sentiment["krippendorff_alpha"] is None
    assert sentiment["fleiss_kappa"] is None
    assert sentiment["percent_agreement"] == 1.0
    assert sentiment["n_items"] == 3
    assert data["levels"]["sentiment"] == {"100": 3}


def test_names_for_reviewers_pseudonyms_for_ml_engineers(project, three, worked):
    anna = three[0]
    named = agreement_for_viewer(project=project, role=Role.REVIEWER)
    hidden = agreement_for_viewer(project=project, role=Role.ML_ENGINEER)
    assert anna.username in named["annotators"]
    pseudonym = annotator_pseudonym(project_id=project.pk, user_id=anna.pk)
    assert pseudonym in hidden["annotators"]
    assert not any(user.username in str(hidden) for user in three)
    assert "@" not in str(list(hidden["annotators"]))
    # Stable: the same pseudonym next time, different in another project.
    again = agreement_for_viewer(project=project, role=Role.ML_ENGINEER)
    assert pseudonym in again["annotators"]
    other = ProjectFactory()
    assert annotator_pseudonym(project_id=other.pk, user_id=anna.pk) != pseudonym


def test_figures_are_cached_until_annotations_change(
    project, three, worked, monkeypatch
):
    calls = []
    real = agreement_service.agreement_compute

    def counting(**kwargs):
        calls.append(1)
        return real(**kwargs)

    monkeypatch.setattr(agreement_service, "agreement_compute", counting)
    first = agreement_current(project=project)
    second = agreement_current(project=project)
    assert len(calls) == 1
    assert first == second
    annotate(worked[3], three[1], labels=answers("very_negative"))
    third = agreement_current(project=project)
    assert len(calls) == 2
    assert third["questions"]["sentiment"]["n_items"] == 4


def test_history_keeps_one_point_per_hour(project):
    base = timezone.now().replace(minute=5, second=0, microsecond=0)
    for minutes, alpha in ((0, 0.1), (20, 0.2), (70, 0.3)):
        agreement_snapshot_store(
            project=project,
            watermark=f"w{minutes}",
            data={"summary": {"questions": {"sentiment": alpha}}},
            now=base + timedelta(minutes=minutes),
        )
    history = agreement_history(project=project)
    assert [h.summary.questions["sentiment"] for h in history] == [0.2, 0.3]
    assert AgreementSnapshot.objects.filter(project=project).count() == 2


def test_gold_agreement_progress_and_calibration(project, three, worked):
    reviewer = team(project, ["rev"], Role.REVIEWER)[0]
    gold_save(
        article=worked[2],
        reviewer=reviewer,
        spans=[span(worked[2].text, "Siemens", "ORG")],
        labels=answers("neutral"),
        status="submitted",
    )
    Article.objects.filter(pk=worked[2].pk).update(is_calibration=True)
    data = agreement_current(project=project)
    anna, ben, _cem = three
    gold = data["annotators"][f"@{anna.pk}"]["gold"]
    assert gold["questions"]["sentiment"] == {
        "accuracy": 1.0,
        "cohen_kappa": None,
        "n_items": 1,
    }
    assert (
        data["annotators"][f"@{ben.pk}"]["gold"]["questions"]["sentiment"]["accuracy"]
        == 0.0
    )
    assert data["progress"]["articles"] == {
        "total": 4,
        "complete": 3,
        "in_progress": 1,
        "untouched": 0,
        "adjudicated": 1,
    }
    calibration = data["calibration"]
    assert calibration["calibration"]["n_articles"] == 1
    assert calibration["rest"]["n_articles"] == 3
    assert calibration["calibration"]["questions"]["sentiment"]["gold_accuracy"] == (
        pytest.approx(1 / 3)
    )
    assert calibration["rest"]["questions"]["sentiment"]["gold_accuracy"] is None


def test_label_distribution_confusion_lead_time_and_acceptance(project, three):
    anna, ben, _ = three
    article = ArticleFactory(project=project, text=TEXT)
    accepted = {
        **span(article.text, "Siemens", "ORG"),
        "origin": SpanOrigin.SUGGESTION_ACCEPTED,
    }
    annotate(article, anna, [accepted], answers("positive"), lead_time_ms=4000)
    annotate(
        article,
        ben,
        [span(article.text, "Siemens", "ORG")],
        answers("negative"),
        lead_time_ms=6000,
    )
    data = agreement_current(project=project)
    assert data["label_distribution"]["sentiment"]["positive"] == 1
    assert data["label_distribution"]["__spans__"]["ORG"] == 2
    matrix = data["confusion"]["sentiment"]["matrix"]
    assert matrix["positive"]["negative"] == 1
    assert matrix["negative"]["positive"] == 1
    assert data["lead_time"]["median_ms"] == 5000
    assert data["preannotation"]["acceptance_share"] == 0.5
    assert data["preannotation"]["origins"][SpanOrigin.MANUAL] == 1
