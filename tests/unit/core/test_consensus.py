"""The consensus rule on plain data (annotations/consensus.py): no database."""

import pytest

from annotations.consensus import (
    CONSENSUS_RULE,
    ConsensusSettings,
    SourceAnnotation,
    consensus_merge,
    merge_annotations,
)

SENTIMENT = ("sentiment", False, ("negative", "neutral", "positive"))
TOPICS = ("topics", True, ("markets", "jobs", "tech"))


def merge(annotations, *, threshold=0.5, minimum=2, allow_overlap=True):
    return merge_annotations(
        annotations,
        questions=[SENTIMENT, TOPICS],
        question_threshold=threshold,
        min_annotators=minimum,
        allow_overlap=allow_overlap,
    )


def test_settings_fill_defaults_and_are_capped_by_the_overlap():
    assert ConsensusSettings.from_raw(None, overlap=3) == ConsensusSettings(0.5, 2)
    capped = ConsensusSettings.from_raw(
        {"span_min_annotators": 5, "question_threshold": "0.75"}, overlap=2
    )
    assert capped == ConsensusSettings(question_threshold=0.75, span_min_annotators=2)
    assert ConsensusSettings.from_raw({"span_min_annotators": 0}, overlap=2) == (
        ConsensusSettings(question_threshold=0.5, span_min_annotators=1)
    )


def test_single_choice_needs_the_threshold_and_no_tie():
    two_of_three = merge(
        [({"sentiment": "negative"}, [])] * 2 + [({"sentiment": "neutral"}, [])]
    )
    assert two_of_three.labels == {"sentiment": "negative"}
    assert two_of_three.support["sentiment"] == pytest.approx(2 / 3)
    tie = merge([({"sentiment": "negative"}, []), ({"sentiment": "neutral"}, [])])
    assert "sentiment" not in tie.labels
    assert tie.support["sentiment"] == 0.5
    strict = merge(
        [({"sentiment": "negative"}, [])] * 2 + [({"sentiment": "neutral"}, [])],
        threshold=0.75,
    )
    assert "sentiment" not in strict.labels


def test_unanswered_questions_do_not_count_as_votes():
    merged = merge([({"sentiment": "negative"}, []), ({}, []), ({"topics": []}, [])])
    assert merged.labels == {"sentiment": "negative"}
    assert "topics" not in merged.support


def test_multiple_choice_keeps_choices_above_the_share_in_scheme_order():
    merged = merge(
        [
            ({"topics": ["tech", "markets"]}, []),
            ({"topics": ["markets", "jobs"]}, []),
            ({"topics": ["tech", "markets"]}, []),
        ]
    )
    assert merged.labels["topics"] == ["markets", "tech"]  # scheme order, jobs 1/3
    half = merge([({"topics": ["jobs"]}, []), ({"topics": ["tech"]}, [])])
    assert "topics" not in half.labels  # 1/2 is not above 0.5
    at_least = merge(
        [({"topics": ["jobs", "tech"]}, [])] * 3 + [({"topics": ["tech"]}, [])],
        threshold=0.75,
    )
    assert at_least.labels["topics"] == ["jobs", "tech"]  # 3/4 >= 0.75


def test_spans_need_enough_identical_marks():
    org, longer = (0, 7, "ORG"), (0, 8, "ORG")
    merged = merge([({}, [org]), ({}, [org, longer]), ({}, [longer, (10, 15, "PER")])])
    assert merged.spans == [(0, 7, "ORG"), (0, 8, "ORG")]
    assert merged.span_support[(10, 15, "PER")] == 1


def test_forbidden_overlaps_keep_the_better_supported_then_longer_span():
    wide, narrow, other = (0, 20, "LOADED"), (0, 7, "ORG"), (30, 35, "ORG")
    merged = merge(
        [({}, [wide, narrow, other]), ({}, [wide, narrow]), ({}, [narrow, other])],
        allow_overlap=False,
    )
    assert merged.spans == [narrow, other]  # narrow has 3 votes, wide 2
    tied = merge([({}, [wide, narrow])] * 2, allow_overlap=False)
    assert tied.spans == [wide]  # equal votes: the longer span wins


def source(uid, spans=(), labels=None, version=None):
    return SourceAnnotation(
        annotator_id=uid,
        labels=labels or {},
        spans=tuple(spans),
        guideline_version=version,
    )


def test_consensus_merge_gates_on_the_number_of_annotations():
    config = ConsensusSettings(question_threshold=0.5, span_min_annotators=2)
    assert consensus_merge([source(1)], config=config, multiple={}) is None
    result = consensus_merge(
        [
            source(1, [(0, 7, "ORG")], {"sentiment": "negative"}, version=2),
            source(2, [(0, 7, "ORG")], {"sentiment": "negative"}, version=1),
            source(3, [], {"sentiment": "neutral"}),
        ],
        config=config,
        multiple={"sentiment": False},
    )
    assert result.spans == ((0, 7, "ORG"),)
    assert result.labels == {"sentiment": "negative"}
    assert result.guideline_version == 1  # the oldest rules any annotator followed
    assert result.info == {
        "annotators": 3,
        "rule": CONSENSUS_RULE,
        "question_threshold": 0.5,
        "span_min_annotators": 2,
    }
