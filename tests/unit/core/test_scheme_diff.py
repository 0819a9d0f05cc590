"""The scheme diff and what a change does to stored answers, on plain data (no database)."""

from copy import deepcopy

import pytest
from django.core.exceptions import ValidationError

from annotations.default_scheme import default_scheme
from annotations.scheme import parse_scheme
from annotations.scheme_diff import (
    CHOICE_ADDED,
    CHOICE_CHANGED,
    CHOICE_REMOVED,
    LABEL_ADDED,
    LABEL_CHANGED,
    LABEL_REMOVED,
    QUESTION_ADDED,
    QUESTION_CHANGED,
    QUESTION_MADE_MULTIPLE,
    QUESTION_MADE_SINGLE,
    QUESTION_REMOVED,
    SchemeChange,
    SchemePreview,
    changes_summary,
    scheme_data_diff,
    scheme_diff,
    scheme_parse,
)
from annotations.scheme_migration import (
    SchemeActionsInvalid,
    actions_assign,
    answer_is_touched,
    answer_rewrite,
    label_mapping_follow,
    labels_rewrite,
)


@pytest.fixture
def old():
    return default_scheme("en")


def kinds(old_data, new_data):
    return [
        (c.kind, c.key, c.choice)
        for c in scheme_diff(parse_scheme(old_data), parse_scheme(new_data))
    ]


def test_identical_schemes_have_no_changes(old):
    assert kinds(old, deepcopy(old)) == []


def test_labels_added_changed_removed_in_scheme_order(old):
    new = deepcopy(old)
    new["span_labels"] = [lab for lab in new["span_labels"] if lab["key"] != "ORG"]
    new["span_labels"][0]["name"] = "Human"
    new["span_labels"][0]["examples"] = {"positive": ["Tim Cook"], "negative": []}
    new["span_labels"].append({"key": "RUMOUR", "name": "Rumour"})
    changes = scheme_diff(parse_scheme(old), parse_scheme(new))
    assert [(c.kind, c.key) for c in changes] == [
        (LABEL_CHANGED, "PERSON"),
        (LABEL_ADDED, "RUMOUR"),
        (LABEL_REMOVED, "ORG"),
    ]
    assert changes[0].detail == "name, examples"
    removed = changes[-1]
    assert removed.id == "label:ORG"
    assert "RUMOUR" in removed.migrate_targets
    assert "ORG" not in removed.migrate_targets


def test_question_changes(old):
    new = deepcopy(old)
    sentiment, bias, opinion = new["questions"]
    sentiment["level"] = "nominal"
    sentiment["choices"].reverse()
    bias["multiple"] = True
    bias["choices"][0]["name"] = "fair"
    bias["choices"].append({"key": "unclear", "name": "Unclear"})
    opinion["choices"].pop()
    new["questions"] = [sentiment, bias, {**opinion, "key": "stance"}]
    assert kinds(old, new) == [
        (QUESTION_CHANGED, "sentiment", ""),
        (QUESTION_MADE_MULTIPLE, "bias", ""),
        (CHOICE_CHANGED, "bias", "non_biased"),
        (CHOICE_ADDED, "bias", "unclear"),
        (QUESTION_ADDED, "stance", ""),
        (QUESTION_REMOVED, "opinion", ""),
    ]
    changed = scheme_diff(parse_scheme(old), parse_scheme(new))[0]
    assert changed.detail == "level, choice order"
    back = deepcopy(new)
    back["questions"][1]["multiple"] = False
    assert (QUESTION_MADE_SINGLE, "bias", "") in kinds(new, back)


def test_stored_schemes_that_do_not_parse_give_no_diff(old):
    assert scheme_data_diff(old, {"span_labels": 3}) == []
    assert [c.key for c in scheme_data_diff(old, {"span_labels": [], "questions": []})][
        :1
    ] == ["ORG"]


def test_scheme_parse_reports_every_field_as_a_validation_error():
    with pytest.raises(ValidationError) as caught:
        scheme_parse({"span_labels": [{"key": "1x"}], "questions": 3})
    messages = caught.value.message_dict["scheme"]
    assert any(m.startswith("span_labels[0]: Invalid key") for m in messages)
    assert any(m.startswith("questions: Must be a list") for m in messages)


def test_a_removal_in_use_needs_an_action_and_offers_migrate_or_drop():
    change = SchemeChange(LABEL_REMOVED, "ORG", migrate_targets=("PERSON",), spans=2)
    assert change.needs_action
    assert change.allowed_actions() == ["migrate:PERSON", "drop:2"]
    unused = SchemeChange(LABEL_REMOVED, "ORG", migrate_targets=("PERSON",))
    assert not unused.needs_action
    assert unused.allowed_actions() == []
    question = SchemeChange(QUESTION_REMOVED, "bias", answers=1, gold_answers=1)
    assert question.allowed_actions() == ["drop:2"]
    data = change.to_dict()
    assert (data["id"], data["touched"], data["choice"], data["action"]) == (
        "label:ORG",
        2,
        None,
        None,
    )


def test_summary_names_migrations_and_drops():
    migrated = SchemeChange(LABEL_REMOVED, "ORG", spans=3, action="migrate:PERSON")
    dropped = SchemeChange(CHOICE_REMOVED, "bias", "biased", answers=2, action="drop:2")
    added = SchemeChange(LABEL_ADDED, "RUMOUR")
    assert changes_summary([migrated, dropped, added]) == (
        "Scheme: label removed ORG → PERSON; choice removed bias.biased (dropped 2); "
        "label added RUMOUR"
    )
    assert changes_summary([]) == ""


def preview(*changes):
    scheme = parse_scheme(default_scheme("en"))
    return SchemePreview(old=scheme, new=scheme, new_data={}, changes=list(changes))


def test_actions_are_checked_and_stale_drop_counts_stay_blocking():
    org = SchemeChange(LABEL_REMOVED, "ORG", migrate_targets=("PERSON",), spans=2)
    bias = SchemeChange(QUESTION_REMOVED, "bias", answers=3)
    checked = preview(org, bias)
    actions_assign(checked, {"label:ORG": "migrate:PERSON", "question:bias": "drop:2"})
    assert org.action == "migrate:PERSON"
    assert org.migrate_target == "PERSON"
    assert bias.action == ""  # the count moved: shown again with 3
    assert checked.blocking == [bias]


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        ({"label:NOPE": "drop:1"}, "no removal with this id"),
        ({"label:ORG": "migrate:MONEYX"}, "cannot migrate to 'MONEYX'"),
        ({"label:ORG": "drop:two"}, "say how many items you drop, e.g. drop:2"),
        ({"label:ORG": "rename:X"}, "unknown action 'rename:X'"),
        ({"label:ORG": 3}, "the action must be a string"),
        (["label:ORG"], "Must map change ids to actions"),
    ],
)
def test_invalid_actions_carry_the_preview(actions, message):
    org = SchemeChange(LABEL_REMOVED, "ORG", migrate_targets=("PERSON",), spans=2)
    checked = preview(org)
    with pytest.raises(SchemeActionsInvalid, match=message) as caught:
        actions_assign(checked, actions)
    assert caught.value.preview is checked
    assert "scheme_actions" in caught.value.message_dict


@pytest.mark.parametrize(
    ("kind", "choice", "value", "touched", "rewritten"),
    [
        (QUESTION_REMOVED, "", "biased", True, None),
        (QUESTION_REMOVED, "", [], False, None),
        (CHOICE_REMOVED, "biased", "biased", True, "non_biased"),
        (CHOICE_REMOVED, "biased", "non_biased", False, "non_biased"),
        (CHOICE_REMOVED, "b", ["a", "b", "c"], True, ["a", "c"]),
        (QUESTION_MADE_SINGLE, "", ["a", "b"], True, None),
        (QUESTION_MADE_SINGLE, "", ["a"], False, "a"),
        (QUESTION_MADE_MULTIPLE, "", "a", True, ["a"]),
        (LABEL_CHANGED, "", "a", False, "a"),
    ],
)
def test_answers_touched_and_rewritten(kind, choice, value, touched, rewritten):
    target = "non_biased" if kind == CHOICE_REMOVED and choice == "biased" else ""
    change = SchemeChange(
        kind,
        "bias",
        choice,
        action=f"migrate:{target}" if target else "drop:1",
    )
    assert answer_is_touched(change, value) is touched
    if kind != LABEL_CHANGED:
        assert answer_rewrite(change, value) == rewritten


def test_a_migrated_choice_is_not_listed_twice():
    change = SchemeChange(CHOICE_REMOVED, "topics", "b", action="migrate:a")
    assert answer_rewrite(change, ["a", "b"]) == ["a"]
    assert answer_rewrite(change, ["b"]) == ["a"]


def test_labels_rewrite_removes_the_key_or_reports_no_change():
    removed = SchemeChange(QUESTION_REMOVED, "bias", action="drop:1")
    assert labels_rewrite(removed, {"bias": "biased", "sentiment": "neutral"}) == {
        "sentiment": "neutral"
    }
    single = SchemeChange(QUESTION_MADE_MULTIPLE, "sentiment")
    labels = {"sentiment": ["neutral"]}
    assert labels_rewrite(single, labels) is None
    assert labels == {"sentiment": ["neutral"]}


def test_label_mapping_follows_migrations_and_nulls_dropped_labels():
    changes = [
        SchemeChange(LABEL_REMOVED, "ORG", action="migrate:COMPANY"),
        SchemeChange(LABEL_REMOVED, "GPE_OLD", action="drop:0"),
        SchemeChange(LABEL_ADDED, "COMPANY"),
    ]
    mapping = {"ORG": "ORG", "GPE": "GPE_OLD", "PERSON": "PERSON", "NORP": None}
    assert label_mapping_follow(mapping, changes) == {
        "ORG": "COMPANY",
        "GPE": None,
        "PERSON": "PERSON",
        "NORP": None,
    }
    assert label_mapping_follow({}, changes) is None
    assert label_mapping_follow(mapping, changes[2:]) is None


def test_every_kind_has_a_name_in_the_readers_words():
    """The pages show "Label added", never the code ``label_added`` (issue 12)."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from annotations import scheme_diff as module
    from annotations.scheme_diff import KIND_NAMES

    kinds = {
        value
        for name, value in vars(module).items()
        if name.isupper() and isinstance(value, str) and "_" in value
    }
    assert kinds <= set(KIND_NAMES)
    change = SchemeChange(kind=LABEL_ADDED, key="RUMOUR", detail="Rumour")
    assert change.kind_name == "Label added"
    html = render_to_string(
        "annotations/settings/_scheme_changes.html", {"changes": [change]}
    )
    assert "Label added" in html
    assert "label_added" not in html
    with translation.override("de"):
        assert change.kind_name == "Label hinzugefügt"
