"""``source=predictions``: every stored prediction (pipeline, version, scores,
document suggestions, evidence) through the one export pipeline, in every format
that can hold them; our importers read them back."""

from __future__ import annotations

import io
import json
import tarfile

import pytest
from django.core.exceptions import ValidationError

from annotations.models import Prediction
from annotations.selectors.export_rows import export_rows
from annotations.selectors.exports import ExportFilters, export_count
from annotations.services.exports import export_stream
from annotations.services.importers import import_data
from tests.factories import TEXT, ArticleFactory, ProjectFactory, span
from tests.unit.exporters.nasty import load_hf_archive

pytestmark = pytest.mark.django_db

PREDICTIONS = ExportFilters(source="predictions")
LABEL_SCORES = {
    "sentiment": {"negative": 0.7, "neutral": 0.2, "positive": 0.1},
    "bias": {"non_biased": 0.4, "biased": 0.6},
}
EVIDENCE = [
    {
        "question": "sentiment",
        "spans": [{**span(TEXT, "cut", "EVIDENCE"), "score": 1.5}],
    }
]


def predict(article, pipeline="fin-en", version="1.0", scores=(0.9, 0.55)):
    """A stored prediction as pre-annotation writes it."""
    return Prediction.objects.create(
        article=article,
        pipeline=pipeline,
        pipeline_version=version,
        spans=[
            {**span(TEXT, "Siemens", "ORG"), "score": scores[0], "source": "rules"},
            {**span(TEXT, "Deutsche Bank", "ORG"), "score": scores[1]},
        ],
        labels=LABEL_SCORES,
        evidence=EVIDENCE,
    )


@pytest.fixture
def predicted(project):
    first = ArticleFactory(project=project, text=TEXT, external_id="p-1")
    second = ArticleFactory(project=project, text=TEXT, external_id="p-2")
    ArticleFactory(project=project, text=TEXT, external_id="p-3")  # none
    predict(first)
    predict(first, pipeline="en_core_web_sm", version="3.8.0", scores=(0.5, 0.25))
    predict(second)
    return first, second


def exported(project, fmt, filters=PREDICTIONS) -> bytes:
    return b"".join(export_stream(project=project, fmt=fmt, filters=filters))


def test_jsonl_rows_carry_pipeline_version_scores_and_evidence(project, predicted):
    lines = [json.loads(line) for line in exported(project, "jsonl").splitlines()]
    assert [(r["external_id"], r["pipeline"]) for r in lines] == [
        ("p-1", "en_core_web_sm"),
        ("p-1", "fin-en"),
        ("p-2", "fin-en"),
    ]
    row = lines[1]
    assert row["pipeline_version"] == "1.0"
    assert row["spans"] == [
        {"start": 0, "end": 7, "label": "ORG", "text": "Siemens", "score": 0.9},
        {
            "start": 34,
            "end": 47,
            "label": "ORG",
            "text": "Deutsche Bank",
            "score": 0.55,
        },
    ]
    assert row["labels"] == {"bias": "biased", "sentiment": "negative"}
    assert row["label_scores"] == LABEL_SCORES
    assert row["evidence"] == EVIDENCE
    assert row["guideline_version"] is None
    assert "annotator" not in row
    assert export_count(project=project, filters=PREDICTIONS) == 2


def test_labels_filter_and_updated_since(project, predicted):
    from django.utils import timezone

    only = ExportFilters(source="predictions", labels=("PERCENT",))
    rows = list(export_rows(project=project, filters=only))
    assert len(rows) == 3
    assert all(not row.spans for row in rows)
    later = ExportFilters(
        source="predictions", updated_since=timezone.now() + timezone.timedelta(1)
    )
    assert list(export_rows(project=project, filters=later)) == []
    assert export_count(project=project, filters=later) == 0


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        (ExportFilters(source="predictions", statuses=("submitted",)), "status"),
        (ExportFilters(source="predictions", guideline_version=1), "guideline_version"),
    ],
)
def test_filters_predictions_do_not_have_are_refused(project, filters, field):
    with pytest.raises(ValidationError) as caught:
        exported(project, "jsonl", filters)
    assert field in caught.value.message_dict


def test_label_studio_predictions_and_back(project, predicted):
    """Label Studio holds one score per result: the rest rides in meta.newsroom."""
    tasks = json.loads(exported(project, "labelstudio"))
    first = tasks[0]
    assert first["annotations"] == []
    assert [p["model_version"] for p in first["predictions"]] == [
        "en_core_web_sm@3.8.0",
        "fin-en@1.0",
    ]
    results = first["predictions"][1]["result"]
    assert [r.get("score") for r in results] == [0.9, 0.55, 0.7, 0.6]
    assert results[3]["value"] == {"choices": ["biased"]}
    assert first["predictions"][1]["score"] == pytest.approx(
        (0.9 + 0.55 + 0.6 + 0.7) / 4
    )
    other = ProjectFactory()
    summary = import_data(project=other, data=tasks)
    assert summary.predictions_created == 3
    assert _stored(other) == _stored(project)


def test_doccano_prediction_lines_and_back(project, predicted):
    lines = [json.loads(line) for line in exported(project, "doccano").splitlines()]
    assert lines[1]["label"] == [[0, 7, "ORG"], [34, 47, "ORG"]]
    assert lines[1]["span_scores"] == [0.9, 0.55]
    assert lines[1]["cats"] == ["sentiment:negative", "bias:biased"]
    assert (lines[1]["pipeline"], lines[1]["label_scores"]) == ("fin-en", LABEL_SCORES)
    other = ProjectFactory()
    import_data(project=other, data=exported(project, "doccano"), fmt="doccano")
    assert _stored(other) == _stored(project)


def test_jsonl_predictions_import_back(project, predicted):
    other = ProjectFactory()
    summary = import_data(project=other, data=exported(project, "jsonl"), fmt="jsonl")
    assert (summary.articles_created, summary.predictions_created) == (2, 3)
    assert summary.annotations_created == 0
    assert _stored(other) == _stored(project)


def test_spacy_docs_hold_scores_as_spacy_does(project, predicted):
    import spacy
    from spacy.tokens import DocBin

    docs = []
    with tarfile.open(fileobj=io.BytesIO(exported(project, "spacy"))) as tar:
        for member in tar.getmembers():
            if member.name.endswith(".spacy"):
                data = tar.extractfile(member).read()
                docs += DocBin().from_bytes(data).get_docs(spacy.blank("en").vocab)
    doc = next(d for d in docs if d.user_data["pipeline"] == "fin-en")
    assert doc.user_data["pipeline_version"] == "1.0"
    assert doc.spans["sc"].attrs["scores"] == [0.9, 0.55]
    assert doc.cats["sentiment:negative"] == 0.7
    assert doc.cats["bias:biased"] == 0.6
    assert len(docs) == 3


def test_hf_features_describe_the_prediction_columns(tmp_path, project, predicted):
    loaded = load_hf_archive(exported(project, "hf"), tmp_path)
    records = [r for split in loaded.values() for r in split]
    fin = next(r for r in records if r["pipeline"] == "fin-en" and r["id"])
    assert [s["score"] for s in fin["spans"]] == [0.9, 0.55]
    assert fin["label_scores"]["sentiment"]["negative"] == 0.7
    assert fin["label_scores"]["opinion"] == {
        "factual": None,
        "somewhat_opinionated": None,
        "opinion": None,
    }
    assert fin["sentiment"] == "negative"


def test_conll_carries_the_predicted_tags(project, predicted):
    text = exported(project, "conll").decode()
    assert text.count("-DOCSTART-") == 3
    assert "Siemens\tB-ORG" in text


def test_query_count_does_not_grow_with_articles(
    project, django_assert_max_num_queries
):
    for _ in range(30):
        predict(ArticleFactory(project=project, text=TEXT))
    # 3 chunks (predictions, articles) + the empty id probe + the scheme read
    with django_assert_max_num_queries(3 * 3 + 2):
        rows = list(export_rows(project=project, filters=PREDICTIONS, chunk_size=10))
    assert len(rows) == 30


def _stored(project) -> list[tuple]:
    return sorted(
        (
            p.article.external_id,
            p.pipeline,
            p.pipeline_version,
            json.dumps(
                [
                    {k: s[k] for k in ("start", "end", "label", "text", "score")}
                    for s in p.spans
                ]
            ),
            json.dumps(p.labels, sort_keys=True),
            json.dumps(p.evidence, sort_keys=True),
        )
        for p in Prediction.objects.filter(article__project=project)
    )
