"""The evaluation corpus: exact gold offsets, files equal to their sources, a fixed split."""

import json

import pytest

from bench.eval_corpus import (
    KINDS,
    LANGUAGES,
    QUESTIONS,
    SPAN_LABELS,
    SPLITS,
    CorpusError,
    assign_splits,
    build,
    data_path,
    dump,
    load,
    parse_markup,
)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("split", SPLITS)
def test_gold_offsets_are_exact(lang, split):
    """Every stored span's text is text[start:end], inside the text, of a scheme label."""
    texts = load(lang, split)
    assert texts
    lines = data_path(lang, split).read_text(encoding="utf-8").splitlines()
    for line in lines:
        record = json.loads(line)
        for span in record["spans"]:
            assert 0 <= span["start"] < span["end"] <= len(record["text"])
            assert record["text"][span["start"] : span["end"]] == span["text"]
            assert span["text"] == span["text"].strip(), span
            assert span["label"] in SPAN_LABELS
        for question, choices in QUESTIONS.items():
            assert record["labels"][question] in choices


@pytest.mark.parametrize("lang", LANGUAGES)
def test_data_files_equal_what_the_sources_give(lang):
    """The committed JSONL is exactly build(source): nobody edited one side only."""
    texts = build(lang)
    for split in SPLITS:
        expected = dump([t for t in texts if t.split == split])
        assert data_path(lang, split).read_text(encoding="utf-8") == expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_corpus_size_and_split(lang):
    """At least 40 texts per language, all five kinds in both splits, disjoint ids."""
    dev, test = load(lang, "dev"), load(lang, "test")
    assert len(dev) + len(test) >= 40
    assert {t.kind for t in test} == set(KINDS) == {t.kind for t in dev}
    assert not {t.id for t in dev} & {t.id for t in test}


def test_split_is_deterministic_and_stratified():
    """Same ids give the same split; half of each kind (rounded up) is test."""
    ids = {"wire": [f"w{i}" for i in range(9)], "forum": [f"f{i}" for i in range(8)]}
    first = assign_splits(ids, "de")
    assert first == assign_splits({k: list(reversed(v)) for k, v in ids.items()}, "de")
    assert sum(1 for i in ids["wire"] if first[i] == "test") == 5
    assert sum(1 for i in ids["forum"] if first[i] == "test") == 4


def test_markup_nests_and_reports_errors():
    """Nested spans get offsets into the plain text; broken markup is refused."""
    text, spans = parse_markup("Die [[INSTRUMENT:Aktie von [[ORG:Acme]]]] stieg.")
    assert text == "Die Aktie von Acme stieg."
    assert (4, 18, "INSTRUMENT") in spans
    assert (14, 18, "ORG") in spans
    with pytest.raises(CorpusError, match="unclosed"):
        parse_markup("[[ORG:Acme")
    with pytest.raises(CorpusError, match="unknown label"):
        parse_markup("[[FOO:Acme]]")
    with pytest.raises(CorpusError, match="without an opening"):
        parse_markup("Acme]]")
