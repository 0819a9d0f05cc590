"""Agreement, gold, assignment and calibration endpoints: shapes and the role matrix."""

import pytest

from annotations.choices import Role
from annotations.models import Assignment, GoldAnnotation
from annotations.selectors.agreement import annotator_pseudonym
from annotations.services.assignments import assignment_assign
from tests.factories import ArticleFactory, annotate, span, team

pytestmark = pytest.mark.django_db

TEXT = "Siemens shares rose 5% after Deutsche Bank upgraded them to buy."


@pytest.fixture
def worked(project, members):
    anna, ben = team(project, ["anna", "ben"])
    articles = ArticleFactory.create_batch(2, project=project, text=TEXT)
    for article, (a, b) in zip(
        articles, [("positive", "positive"), ("negative", "neutral")], strict=True
    ):
        annotate(
            article,
            anna,
            [span(article.text, "Siemens", "ORG")],
            {"sentiment": a, "bias": "biased"},
        )
        annotate(article, ben, labels={"sentiment": b, "bias": "non_biased"})
    return {"articles": articles, "anna": anna, "ben": ben}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.ADMIN, 200),
        (Role.REVIEWER, 200),
        (Role.ML_ENGINEER, 200),
        (Role.ANNOTATOR, 403),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_agreement_access(login_as, api_client, project, worked, role, expected):
    login_as(role)
    response = api_client.get(f"/api/v1/projects/{project.pk}/agreement/")
    assert response.status_code == expected


def test_agreement_shape_names_and_dawid_skene(api_client, project, members, worked):
    api_client.force_authenticate(members[Role.REVIEWER])
    body = api_client.get(f"/api/v1/projects/{project.pk}/agreement/").json()
    assert set(body) >= {
        "questions",
        "spans",
        "annotators",
        "computed_at",
        "dawid_skene",
    }
    sentiment = body["questions"]["sentiment"]
    assert set(sentiment) == {
        "krippendorff_alpha",
        "fleiss_kappa",
        "percent_agreement",
        "level",
        "n_items",
        "n_annotators",
    }
    assert sentiment["n_items"] == 2
    assert set(body["spans"]["ORG"]) >= {
        "pairwise_f1",
        "pairwise_f1_overlap",
        "n_items",
    }
    anna = worked["anna"].username
    ben = worked["ben"].username
    assert body["annotators"][anna]["n_submitted"] == 2
    assert "sentiment" in body["annotators"][anna]["cohen_kappa"][ben]
    ds = body["dawid_skene"]["sentiment"]
    assert set(ds["annotators"]) == {anna, ben}
    assert 0 <= ds["annotators"][anna]["error_rate"] <= 1
    contested = str(worked["articles"][1].pk)
    assert set(ds["posteriors"]) == {contested}
    without = api_client.get(
        f"/api/v1/projects/{project.pk}/agreement/?posteriors=false"
    ).json()
    assert "posteriors" not in without["dawid_skene"]["sentiment"]


def test_ml_engineers_see_pseudonyms_only(api_client, project, members, worked):
    api_client.force_authenticate(members[Role.ML_ENGINEER])
    body = api_client.get(f"/api/v1/projects/{project.pk}/agreement/").json()
    text = str(body)
    assert worked["anna"].username not in text
    assert worked["ben"].username not in text
    pseudonym = annotator_pseudonym(project_id=project.pk, user_id=worked["anna"].pk)
    assert body["annotators"][pseudonym]["n_submitted"] == 2
    assert pseudonym in body["dawid_skene"]["sentiment"]["annotators"]


def gold_body(article, **extra):
    return {
        "spans": [span(article.text, "Deutsche Bank", "ORG")],
        "labels": {"sentiment": "positive", "bias": "biased"},
        "status": "submitted",
        **extra,
    }


@pytest.mark.parametrize(
    ("role", "post", "get"),
    [
        (Role.ADMIN, 201, 200),
        (Role.REVIEWER, 201, 200),
        (Role.ML_ENGINEER, 403, 200),
        (Role.ANNOTATOR, 404, 404),  # annotators cannot even open an unassigned article
        ("outsider", 404, 404),
        ("anonymous", 401, 401),
    ],
)
def test_gold_access(login_as, api_client, project, worked, role, post, get):
    article = worked["articles"][0]
    login_as(role)
    url = f"/api/v1/articles/{article.pk}/gold/"
    assert api_client.post(url, gold_body(article), format="json").status_code == post
    if not GoldAnnotation.objects.filter(article=article).exists():
        login_as(Role.REVIEWER).post(url, gold_body(article), format="json")
        login_as(role)
    assert api_client.get(url).status_code == get


def test_annotator_who_annotated_still_gets_403_for_gold(api_client, project, members):
    article = ArticleFactory(project=project, text=TEXT)
    annotate(article, members[Role.ANNOTATOR])
    api_client.force_authenticate(members[Role.ANNOTATOR])
    url = f"/api/v1/articles/{article.pk}/gold/"
    assert api_client.get(url).status_code == 403
    assert api_client.post(url, gold_body(article), format="json").status_code == 403


def test_gold_round_trip_with_optimistic_locking(api_client, project, members, worked):
    article = worked["articles"][0]
    api_client.force_authenticate(members[Role.REVIEWER])
    url = f"/api/v1/articles/{article.pk}/gold/"
    assert api_client.get(url).status_code == 404
    created = api_client.post(
        url, gold_body(article, status="draft", note="n"), format="json"
    )
    assert created.status_code == 201
    body = created.json()
    assert body["version"] == 1
    assert body["status"] == "draft"
    assert body["spans"] == [span(article.text, "Deutsche Bank", "ORG")]
    assert body["note"] == "n"
    assert api_client.post(url, gold_body(article), format="json").status_code == 409
    replaced = api_client.post(url, gold_body(article, version=1), format="json")
    assert replaced.status_code == 200
    assert replaced.json()["status"] == "submitted"
    stale = api_client.post(url, gold_body(article, version=1), format="json")
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    bad = api_client.post(
        url,
        {
            "spans": [{"start": 0, "end": 3, "label": "NOPE", "text": "Sie"}],
            "version": 2,
        },
        format="json",
    )
    assert bad.status_code == 400
    assert "spans" in bad.json()
    api_client.force_authenticate(members[Role.ML_ENGINEER])
    seen = api_client.get(url).json()
    assert seen["reviewer"] == annotator_pseudonym(
        project_id=project.pk, user_id=members[Role.REVIEWER].pk
    )
    assert seen["labels"] == {"sentiment": "positive", "bias": "biased"}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Answer “Media bias” before submitting the gold."),
        ("de", "Beantworten Sie „Media bias“, bevor Sie das Gold abgeben."),
    ],
)
def test_gold_refusal_names_the_question_in_the_readers_language(
    api_client, project, members, worked, language, message
):
    """Field keys stay the contract's; the message is words, not internal keys."""
    article = worked["articles"][0]
    api_client.force_authenticate(members[Role.REVIEWER])
    refused = api_client.post(
        f"/api/v1/articles/{article.pk}/gold/",
        {"spans": [], "labels": {"sentiment": "positive"}, "status": "submitted"},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert refused.status_code == 400
    assert refused.json() == {"labels": [message]}
    assert not GoldAnnotation.objects.filter(article=article).exists()


def test_admin_assigns_moves_and_releases(api_client, project, members):
    project.overlap = 1
    project.save()
    article = ArticleFactory(project=project)
    anna, ben = team(project, ["anna", "ben"])
    url = f"/api/v1/projects/{project.pk}/assignments/"
    api_client.force_authenticate(members[Role.REVIEWER])
    assert api_client.get(url).status_code == 403
    api_client.force_authenticate(members[Role.ADMIN])
    created = api_client.post(
        url, {"article": article.pk, "annotator": anna.username}, format="json"
    )
    assert created.status_code == 201
    assignment_id = created.json()["id"]
    assert created.json()["assigned_by"] == members[Role.ADMIN].username
    full = api_client.post(
        url, {"article": article.pk, "annotator": ben.username}, format="json"
    )
    assert full.status_code == 409
    outsider = api_client.post(
        url,
        {"article": article.pk, "annotator": members["outsider"].username},
        format="json",
    )
    assert outsider.status_code == 400
    moved = api_client.patch(
        f"{url}{assignment_id}/", {"annotator": ben.username}, format="json"
    )
    assert moved.status_code == 200
    assert moved.json()["annotator"] == ben.username
    listed = api_client.get(url).json()
    assert [a["annotator"] for a in listed] == [ben.username]
    released = api_client.delete(f"{url}{moved.json()['id']}/")
    assert released.status_code == 200
    assert Assignment.objects.get(pk=moved.json()["id"]).state == "released"


def test_assignment_list_filters_by_article_and_refuses_a_bad_id(login_as, project):
    first, second = ArticleFactory.create_batch(2, project=project)
    (anna,) = team(project, ["anna"])
    for article in (first, second):
        assignment_assign(article=article, annotator=anna, assigned_by=None)
    other = ArticleFactory()  # another project's article is never listed
    client = login_as(Role.ADMIN)
    url = f"/api/v1/projects/{project.pk}/assignments/"
    assert [a["article"] for a in client.get(url).json()] == [first.pk, second.pk]
    assert [a["article"] for a in client.get(url, {"article": second.pk}).json()] == [
        second.pk
    ]
    assert client.get(url, {"article": other.pk}).json() == []
    bad = client.get(url, {"article": "second"})
    assert bad.status_code == 400
    assert "article" in bad.json()
    missing = client.post(
        url, {"article": other.pk, "annotator": anna.username}, format="json"
    )
    assert missing.status_code == 400
    assert missing.json()["article"] == ["No such article in this project."]
    foreign = Assignment.objects.create(article=other, annotator=anna)
    assert client.delete(f"{url}{foreign.pk}/").status_code == 404


def test_calibration_endpoint_for_admins(api_client, project, members):
    ArticleFactory.create_batch(20, project=project)
    url = f"/api/v1/projects/{project.pk}/calibration/"
    api_client.force_authenticate(members[Role.ANNOTATOR])
    assert api_client.post(url, {"share": 0.5}, format="json").status_code == 403
    api_client.force_authenticate(members[Role.ADMIN])
    response = api_client.post(url, {"share": 0.5}, format="json")
    assert response.status_code == 200
    assert response.json()["calibration_share"] == 0.5
    assert 0 < response.json()["calibration_articles"] < 20
    assert api_client.post(url, {"share": 2}, format="json").status_code == 400
