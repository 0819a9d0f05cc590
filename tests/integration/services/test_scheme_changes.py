"""Safe scheme changes under existing annotations: rename, add, remove in use."""

from copy import deepcopy

import pytest
from django.core.exceptions import ValidationError

from annotations.models import Annotation, AnnotationSpan, GoldSpan
from annotations.scheme import parse_scheme
from annotations.scheme_diff import (
    CHOICE_ADDED,
    LABEL_CHANGED,
    LABEL_REMOVED,
    SchemeChangeBlocked,
    scheme_diff,
)
from annotations.services.scheme_changes import (
    scheme_change_apply,
    scheme_change_preview,
)
from tests.factories import (
    ArticleFactory,
    GoldAnnotationFactory,
    ProjectFactory,
    annotate,
    annotator,
    span,
)

pytestmark = pytest.mark.django_db

TEXT = "Siemens shares crash 5% as Deutsche Bank slams the outlook."


@pytest.fixture
def setup():
    project = ProjectFactory()
    anna, ben = annotator(project, "anna"), annotator(project, "ben")
    doc = ArticleFactory(project=project, text=TEXT)
    annotate(
        doc,
        anna,
        [span(TEXT, "Siemens", "ORG"), span(TEXT, "slams", "LOADED")],
        {"sentiment": "negative", "bias": "biased"},
        status="draft",
    )
    annotate(
        doc,
        ben,
        [span(TEXT, "Siemens", "ORG"), span(TEXT, "Siemens", "INSTRUMENT")],
        {"sentiment": "very_negative"},
        status="draft",
    )
    GoldAnnotationFactory(
        article=doc,
        reviewer=ben,
        spans=[span(TEXT, "Deutsche Bank", "ORG")],
        labels={"sentiment": "negative", "bias": "biased"},
        status="draft",
        guideline_version=None,
    )
    return project, doc, anna, ben


def without_label(scheme: dict, key: str) -> dict:
    new = deepcopy(scheme)
    new["span_labels"] = [lab for lab in new["span_labels"] if lab["key"] != key]
    return new


def test_diff_is_by_key_rename_is_a_change_not_a_removal():
    old = parse_scheme(ProjectFactory.build().scheme)
    data = deepcopy(ProjectFactory.build().scheme)
    data["span_labels"][0]["name"] = "Company"
    data["questions"][0]["choices"].append({"key": "mixed", "name": "mixed"})
    changes = scheme_diff(old, parse_scheme(data))
    assert [(c.kind, c.key, c.choice) for c in changes] == [
        (LABEL_CHANGED, "ORG", ""),
        (CHOICE_ADDED, "sentiment", "mixed"),
    ]
    assert changes[0].detail == "name"


def test_rename_keeps_every_annotation_and_publishes_a_version(setup):
    project, _doc, anna, _ = setup
    data = deepcopy(project.scheme)
    data["span_labels"][0]["name"] = "Company"
    data["span_labels"][0]["color"] = "#000000"
    result = scheme_change_apply(project=project, new_scheme=data, author=anna)
    assert result.version.number == 2
    assert result.version.scheme["span_labels"][0]["name"] == "Company"
    project.refresh_from_db()
    assert project.scheme["span_labels"][0]["name"] == "Company"
    assert AnnotationSpan.objects.filter(label="ORG").count() == 2
    assert GoldSpan.objects.filter(label="ORG").count() == 1


def test_adding_a_label_and_a_choice_is_free(setup):
    project, *_ = setup
    data = deepcopy(project.scheme)
    data["span_labels"].append({"key": "RUMOUR", "name": "Rumour"})
    data["questions"][1]["choices"].append({"key": "unclear", "name": "unclear"})
    preview = scheme_change_preview(project=project, new_scheme=data)
    assert preview.blocking == []
    assert {c.touched for c in preview.changes} == {0}
    result = scheme_change_apply(project=project, new_scheme=data, author=None)
    assert "RUMOUR" in parse_scheme(result.version.scheme).span_label_keys


def test_removing_a_label_in_use_is_refused_with_counts(setup):
    project, *_ = setup
    before = project.scheme
    new = without_label(project.scheme, "ORG")
    preview = scheme_change_preview(project=project, new_scheme=new)
    (change,) = preview.blocking
    assert (change.id, change.spans, change.gold_spans) == ("label:ORG", 2, 1)
    assert change.to_dict()["allowed_actions"][-1] == "drop:3"
    with pytest.raises(SchemeChangeBlocked, match=r"label:ORG \(3 in use\)") as info:
        scheme_change_apply(project=project, new_scheme=new, author=None)
    assert info.value.preview.to_dict()["blocking"] == ["label:ORG"]
    project.refresh_from_db()
    assert project.scheme == before
    assert project.guideline_versions.count() == 1
    assert AnnotationSpan.objects.filter(label="ORG").count() == 2


def test_removing_an_unused_label_is_free(setup):
    project, *_ = setup
    new = without_label(project.scheme, "CLICKBAIT")
    result = scheme_change_apply(project=project, new_scheme=new, author=None)
    assert result.version.number == 2
    assert result.changes[0].kind == LABEL_REMOVED
    assert result.changes[0].touched == 0


def test_migrating_a_label_moves_spans_and_merges_duplicates(setup):
    project, _doc, anna, ben = setup
    versions_before = dict(Annotation.objects.values_list("annotator", "version"))
    new = without_label(project.scheme, "INSTRUMENT")
    # Ben has Siemens as ORG and as INSTRUMENT: migrating INSTRUMENT → ORG merges.
    result = scheme_change_apply(
        project=project,
        new_scheme=new,
        actions={"label:INSTRUMENT": "migrate:ORG"},
        author=anna,
    )
    assert result.merged_spans == 1
    ben_spans = AnnotationSpan.objects.filter(annotation__annotator=ben)
    assert sorted(ben_spans.values_list("label", flat=True)) == ["ORG"]
    assert not AnnotationSpan.objects.filter(label="INSTRUMENT").exists()
    versions_after = dict(Annotation.objects.values_list("annotator", "version"))
    assert versions_after[ben.pk] == versions_before[ben.pk] + 1
    assert versions_after[anna.pk] == versions_before[anna.pk]  # untouched


def test_migrating_without_collision_relabels(setup):
    project, *_ = setup
    new = without_label(project.scheme, "LOADED")
    scheme_change_apply(
        project=project,
        new_scheme=new,
        actions={"label:LOADED": "migrate:EXAGGERATION"},
        author=None,
    )
    assert AnnotationSpan.objects.filter(label="EXAGGERATION").count() == 1


def test_drop_needs_the_count_that_was_shown(setup):
    project, *_ = setup
    new = without_label(project.scheme, "ORG")
    with pytest.raises(ValidationError, match="say how many"):
        scheme_change_apply(
            project=project, new_scheme=new, actions={"label:ORG": "drop"}, author=None
        )
    with pytest.raises(SchemeChangeBlocked):  # stale count: nothing dropped
        scheme_change_apply(
            project=project,
            new_scheme=new,
            actions={"label:ORG": "drop:2"},
            author=None,
        )
    assert AnnotationSpan.objects.filter(label="ORG").count() == 2
    result = scheme_change_apply(
        project=project, new_scheme=new, actions={"label:ORG": "drop:3"}, author=None
    )
    assert not AnnotationSpan.objects.filter(label="ORG").exists()
    assert not GoldSpan.objects.filter(label="ORG").exists()
    assert "dropped 3" in result.version.changelog


def test_invalid_migration_target_is_a_validation_error(setup):
    project, *_ = setup
    new = without_label(project.scheme, "ORG")
    with pytest.raises(ValidationError, match="cannot migrate to 'ORG'"):
        scheme_change_preview(
            project=project, new_scheme=new, actions={"label:ORG": "migrate:ORG"}
        )
    with pytest.raises(ValidationError, match="no removal with this id"):
        scheme_change_preview(
            project=project, new_scheme=new, actions={"label:PERSON": "drop:0"}
        )


def test_removing_a_choice_in_use_migrates_answers(setup):
    project, _doc, _anna, ben = setup
    new = deepcopy(project.scheme)
    new["questions"][0]["choices"] = [
        c for c in new["questions"][0]["choices"] if c["key"] != "very_negative"
    ]
    preview = scheme_change_preview(project=project, new_scheme=new)
    (change,) = preview.blocking
    assert (change.id, change.answers, change.gold_answers) == (
        "choice:sentiment:very_negative",
        1,
        0,
    )
    scheme_change_apply(
        project=project,
        new_scheme=new,
        actions={"choice:sentiment:very_negative": "migrate:negative"},
        author=None,
    )
    assert Annotation.objects.get(annotator=ben).labels == {"sentiment": "negative"}


def test_removing_a_question_in_use_drops_answers_with_count(setup):
    project, doc, anna, _ben = setup
    new = deepcopy(project.scheme)
    new["questions"] = [q for q in new["questions"] if q["key"] != "bias"]
    (change,) = scheme_change_preview(project=project, new_scheme=new).blocking
    assert (change.answers, change.gold_answers) == (1, 1)
    scheme_change_apply(
        project=project,
        new_scheme=new,
        actions={"question:bias": "drop:2"},
        author=None,
    )
    assert Annotation.objects.get(annotator=anna).labels == {"sentiment": "negative"}
    assert doc.gold.__class__.objects.get(pk=doc.gold.pk).labels == {
        "sentiment": "negative"
    }


def test_making_a_question_multiple_converts_answers(setup):
    project, _doc, anna, _ = setup
    new = deepcopy(project.scheme)
    new["questions"][1]["multiple"] = True
    scheme_change_apply(project=project, new_scheme=new, author=None)
    assert Annotation.objects.get(annotator=anna).labels["bias"] == ["biased"]
    # and back: single answers become scalars again, freely
    new["questions"][1]["multiple"] = False
    project.refresh_from_db()
    scheme_change_apply(project=project, new_scheme=new, author=None)
    assert Annotation.objects.get(annotator=anna).labels["bias"] == "biased"


def test_label_mapping_follows_a_migration(setup):
    project, *_ = setup
    project.label_mapping = {"ORG": "ORG", "MONEY": "MONEY", "NORP": None}
    project.save()
    new = without_label(without_label(project.scheme, "ORG"), "MONEY")
    scheme_change_apply(
        project=project,
        new_scheme=new,
        actions={"label:ORG": "migrate:INSTRUMENT"},
        author=None,
    )
    project.refresh_from_db()
    assert project.label_mapping == {"ORG": "INSTRUMENT", "MONEY": None, "NORP": None}


def test_unchanged_scheme_publishes_nothing(setup):
    project, *_ = setup
    result = scheme_change_apply(
        project=project, new_scheme=project.scheme, author=None
    )
    assert result.version is None
    assert project.guideline_versions.count() == 1


def test_invalid_scheme_is_a_validation_error(setup):
    project, *_ = setup
    with pytest.raises(ValidationError, match="Invalid color"):
        scheme_change_preview(
            project=project,
            new_scheme={"span_labels": [{"key": "A", "color": "red"}], "questions": []},
        )


def test_making_a_question_single_needs_drop_for_multi_answers(setup):
    project, _doc, anna, _ = setup
    multi = deepcopy(project.scheme)
    multi["questions"][1]["multiple"] = True
    scheme_change_apply(project=project, new_scheme=multi, author=None)
    Annotation.objects.filter(annotator=anna).update(
        labels={"sentiment": "negative", "bias": ["non_biased", "biased"]}
    )
    project.refresh_from_db()
    single = deepcopy(multi)
    single["questions"][1]["multiple"] = False
    (change,) = scheme_change_preview(project=project, new_scheme=single).blocking
    assert (change.id, change.answers) == ("question:bias", 1)
    scheme_change_apply(
        project=project,
        new_scheme=single,
        actions={"question:bias": "drop:1"},
        author=None,
    )
    assert Annotation.objects.get(annotator=anna).labels == {"sentiment": "negative"}
