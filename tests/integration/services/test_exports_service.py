"""Export rows and the automatic consensus (consensus leaf, export selectors, services)."""

from __future__ import annotations

import json

import pytest

from annotations.choices import AnnotationStatus, GoldStatus
from annotations.consensus import ConsensusSettings, SourceAnnotation, consensus_merge
from annotations.selectors.annotators import annotator_pseudonym
from annotations.selectors.export_rows import export_rows
from annotations.selectors.exports import ExportFilters, consensus_settings_for_project
from annotations.services.exports import export_stream
from tests.factories import (
    TEXT,
    ArticleFactory,
    GoldAnnotationFactory,
    UserFactory,
    annotate,
    annotator,
    span,
)

pytestmark = pytest.mark.django_db

MULTI = {"sentiment": False, "bias": False, "topics": True}


def source(uid, spans=(), labels=None, version=1):
    return SourceAnnotation(
        annotator_id=uid,
        labels=labels or {},
        spans=tuple(s[:3] for s in spans),
        guideline_version=version,
    )


def test_consensus_keeps_spans_marked_by_enough_annotators():
    org = (0, 7, "ORG", "Siemens")
    per = (10, 15, "PERSON", "Meier")
    merged = consensus_merge(
        [source(1, [org, per]), source(2, [org]), source(3, [org, per])],
        config=ConsensusSettings(question_threshold=0.5, span_min_annotators=3),
        multiple=MULTI,
    )
    assert list(merged.spans) == [(0, 7, "ORG")]
    assert merged.info["annotators"] == 3


def test_consensus_questions_majority_ties_dropped_and_multi_choice():
    config = ConsensusSettings(question_threshold=0.5, span_min_annotators=2)
    merged = consensus_merge(
        [
            source(
                1,
                labels={
                    "sentiment": "negative",
                    "bias": "biased",
                    "topics": ["a", "b"],
                },
            ),
            source(
                2,
                labels={"sentiment": "negative", "bias": "non_biased", "topics": ["a"]},
            ),
            source(3, labels={"sentiment": "neutral", "topics": ["c"]}, version=2),
        ],
        config=config,
        multiple=MULTI,
    )
    assert merged.labels["sentiment"] == "negative"  # 2 of 3 >= 0.5
    assert "bias" not in merged.labels  # 1:1 tie
    assert merged.labels["topics"] == ["a"]  # 2 of 3; b and c 1 of 3
    assert merged.guideline_version == 1


def test_consensus_needs_enough_annotations():
    config = ConsensusSettings(question_threshold=0.5, span_min_annotators=2)
    assert consensus_merge([source(1)], config=config, multiple=MULTI) is None


def test_consensus_settings_are_capped_by_overlap(project):
    project.overlap = 1
    project.consensus = {"span_min_annotators": 3, "question_threshold": 0.75}
    config = consensus_settings_for_project(project)
    assert (config.span_min_annotators, config.question_threshold) == (1, 0.75)


def test_gold_rows_prefer_final_gold_and_mark_consensus(project, members):
    anna, ben = annotator(project, "anna"), annotator(project, "ben")
    with_gold = ArticleFactory(project=project, text=TEXT)
    annotate(with_gold, anna, [span(TEXT, "Siemens", "ORG")])
    annotate(with_gold, ben, [span(TEXT, "Siemens", "ORG")])
    GoldAnnotationFactory(
        article=with_gold,
        reviewer=members["reviewer"],
        spans=[span(TEXT, "Deutsche Bank", "ORG")],
        labels={"sentiment": "positive", "bias": "biased"},
    )
    agreed = ArticleFactory(project=project, text=TEXT)
    annotate(agreed, anna, [span(TEXT, "Siemens", "ORG"), span(TEXT, "5%", "PERCENT")])
    annotate(agreed, ben, [span(TEXT, "Siemens", "ORG")])
    lonely = ArticleFactory(project=project, text=TEXT)
    annotate(lonely, anna, [span(TEXT, "Siemens", "ORG")])
    ArticleFactory(project=project)  # no annotation at all

    rows = list(
        export_rows(
            project=project,
            filters=ExportFilters(source="gold"),
        )
    )
    assert [r.article_id for r in rows] == [with_gold.pk, agreed.pk]
    first, second = rows
    assert [s.text for s in first.spans] == ["Deutsche Bank"]
    assert first.meta["newsroom"] == {"gold": "adjudicated", "status": "final"}
    assert [s.text for s in second.spans] == ["Siemens"]
    assert second.meta["newsroom"]["gold"] == "consensus"
    assert second.labels == {"sentiment": "negative", "bias": "non_biased"}


def test_draft_gold_is_used_only_when_asked(project, members):
    anna, ben = annotator(project, "anna"), annotator(project, "ben")
    article = ArticleFactory(project=project, text=TEXT)
    annotate(article, anna, [span(TEXT, "Siemens", "ORG")])
    annotate(article, ben, [span(TEXT, "Siemens", "ORG")])
    GoldAnnotationFactory(
        article=article,
        reviewer=members["reviewer"],
        spans=[],
        labels={"sentiment": "neutral"},
        status=GoldStatus.DRAFT,
    )
    default = list(export_rows(project=project, filters=ExportFilters()))
    assert default[0].meta["newsroom"]["gold"] == "consensus"
    drafts = list(
        export_rows(
            project=project,
            filters=ExportFilters(statuses=("draft",)),
        )
    )
    assert drafts[0].labels == {"sentiment": "neutral"}


def test_annotation_rows_pseudonymise_and_filter(project, members):
    anna = annotator(project, "anna")
    ben = annotator(project, "ben")
    article = ArticleFactory(project=project, text=TEXT)
    annotate(article, anna, [span(TEXT, "Siemens", "ORG"), span(TEXT, "5%", "PERCENT")])
    annotate(article, ben, [], status=AnnotationStatus.DRAFT)
    rows = list(
        export_rows(project=project, filters=ExportFilters(source="annotations"))
    )
    assert len(rows) == 1
    assert rows[0].annotator == annotator_pseudonym(
        project_id=project.pk, user_id=anna.pk
    )
    assert rows[0].annotator != "anna"
    named = list(
        export_rows(
            project=project,
            filters=ExportFilters(
                source="annotations", statuses=("draft", "submitted"), labels=("ORG",)
            ),
            names_visible=True,
        )
    )
    assert [r.annotator for r in named] == ["anna", "ben"]
    assert [s.label for s in named[0].spans] == ["ORG"]


def test_pseudonyms_are_stable_and_differ_between_projects():
    one = annotator_pseudonym(project_id=1, user_id=7)
    assert one == annotator_pseudonym(project_id=1, user_id=7)
    assert one != annotator_pseudonym(project_id=2, user_id=7)
    assert one.startswith("annotator-")


def test_guideline_and_updated_since_filters(project, members):
    from django.utils import timezone

    anna = annotator(project, "anna")
    article = ArticleFactory(project=project, text=TEXT)
    annotate(article, anna)
    later = timezone.now() + timezone.timedelta(seconds=5)
    only_v1 = ExportFilters(source="annotations", guideline_version=1)
    assert len(list(export_rows(project=project, filters=only_v1))) == 1
    future = ExportFilters(source="annotations", updated_since=later)
    assert list(export_rows(project=project, filters=future)) == []


def test_export_rows_query_count_does_not_grow_with_articles(
    project, members, django_assert_max_num_queries
):
    """Per chunk: ids, gold, gold spans, annotations, annotation spans, articles."""
    users = [annotator(project, f"a{i}") for i in range(3)]
    for _ in range(30):
        article = ArticleFactory(project=project, text=TEXT)
        for user in users:
            annotate(article, user, [span(TEXT, "Siemens", "ORG")])
    # 30 articles in chunks of 10: 3 chunks + the empty id probe; pseudonyms need no query.
    with django_assert_max_num_queries(3 * 6 + 1):
        rows = list(
            export_rows(
                project=project,
                filters=ExportFilters(),
                chunk_size=10,
            )
        )
    assert len(rows) == 30
    with django_assert_max_num_queries(3 * 4 + 1):
        rows = list(
            export_rows(
                project=project,
                filters=ExportFilters(source="annotations"),
                chunk_size=10,
            )
        )
    assert len(rows) == 90


@pytest.mark.parametrize("fmt", ["jsonl", "conll", "labelstudio", "hf", "spacy"])
def test_exporting_twice_gives_identical_bytes(project, members, fmt):
    anna, ben = annotator(project, "anna"), annotator(project, "ben")
    for _ in range(3):
        article = ArticleFactory(project=project, text=TEXT)
        annotate(article, anna, [span(TEXT, "Siemens", "ORG")])
        annotate(article, ben, [span(TEXT, "Siemens", "ORG")])

    def run():
        return b"".join(
            export_stream(
                project=project, fmt=fmt, filters=ExportFilters(), names_visible=False
            )
        )

    first = run()
    assert first
    assert run() == first


def test_jsonl_export_lines_follow_the_contract(project, members):
    anna, ben = annotator(project, "anna"), annotator(project, "ben")
    article = ArticleFactory(project=project, text=TEXT, external_id="reuters-1")
    annotate(article, anna, [span(TEXT, "Siemens", "ORG")])
    annotate(article, ben, [span(TEXT, "Siemens", "ORG")])
    data = b"".join(
        export_stream(
            project=project, fmt="jsonl", filters=ExportFilters(), names_visible=False
        )
    )
    line = json.loads(data.decode().splitlines()[0])
    assert list(line)[:10] == [
        "id", "external_id", "language", "title", "text", "spans", "labels", "meta",
        "split", "guideline_version",
    ]  # fmt: skip
    assert line["spans"] == [span(TEXT, "Siemens", "ORG")]
    assert line["split"] in {"train", "dev", "test"}
    assert UserFactory._meta.model.objects.filter(username="anna").exists()
