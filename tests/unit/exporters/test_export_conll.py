"""conll: token<TAB>tag lines, sentences, -DOCSTART- per article, optional comments."""

from __future__ import annotations

import dataclasses
import io

import pytest

from annotations.exporters import get_exporter
from annotations.exporters.rows import ExportRow, ExportScheme, ExportSpan

DOCSTART = "-DOCSTART- -X- O O"


def export(rows, example, **options) -> str:
    sink = io.BytesIO()
    get_exporter("conll", **options).write(rows, sink, **example.options)
    return sink.getvalue().decode("utf-8")


def parse(output: str) -> list[dict]:
    """Articles as {comments, sentences: [[(token, tag), ...]]}; checks the layout."""
    articles: list[dict] = []
    lines = output.split("\n")
    assert lines[-1] == ""
    index = 0
    while index < len(lines) - 1:
        assert lines[index] == DOCSTART, (index, lines[index])
        assert lines[index + 1] == "", "-DOCSTART- must be followed by a blank line"
        index += 2
        article = {"comments": {}, "sentences": []}
        while lines[index].startswith("# "):
            key, _, value = lines[index][2:].partition(":")
            article["comments"][key] = value.strip()
            index += 1
        sentence: list[tuple[str, str]] = []
        while index < len(lines) - 1 and lines[index] != DOCSTART:
            if lines[index] == "":
                assert sentence, "no empty sentences"
                article["sentences"].append(sentence)
                sentence = []
            else:
                token, tag = lines[index].split("\t")
                sentence.append((token, tag))
            index += 1
        assert not sentence, "every sentence ends with a blank line"
        articles.append(article)
    return articles


def test_gold_example_matches_golden_file(gold_example, golden):
    """The gold example exports to examples/gold.conll byte for byte."""
    golden("gold.conll", export(gold_example.rows, gold_example).encode())


def test_annotation_example_matches_golden_file(annotation_example, golden):
    """Annotation rows look like gold rows by default: no metadata lines."""
    golden(
        "annotations.conll",
        export(annotation_example.rows, annotation_example).encode(),
    )


def test_annotation_example_with_comments_matches_golden_file(
    annotation_example, golden
):
    """With comments=True, annotation rows add annotator and status comments."""
    golden(
        "annotations.comments.conll",
        export(annotation_example.rows, annotation_example, comments=True).encode(),
    )


def test_default_output_has_no_comment_lines(gold_example, annotation_example):
    """Readers without comment support (spaCy's converter) get token lines only."""
    for example in (gold_example, annotation_example):
        output = export(example.rows, example)
        assert not [line for line in output.split("\n") if line.startswith("#")]
        assert output.startswith(DOCSTART + "\n\n")
        articles = parse(output)
        assert len(articles) == len(example.rows)
        assert all(article["comments"] == {} for article in articles)


def test_one_docstart_per_article_and_comments(gold_example):
    """With comments: -DOCSTART-, id, split and a labels line that keeps the labels."""
    articles = parse(export(gold_example.rows, gold_example, comments=True))
    assert [a["comments"]["id"] for a in articles] == ["101", "102", "103", "104"]
    assert articles[0]["comments"] == {
        "id": "101",
        "external_id": "reuters-0001",
        "split": "train",
        "labels": "bias=biased opinion=somewhat_opinionated sentiment=very_negative",
    }
    assert "external_id" not in articles[2]["comments"]
    assert articles[2]["comments"]["labels"] == "bias=biased"
    assert articles[3]["comments"]["labels"] == ""


def test_sentences_tokens_and_bio_tags(gold_example):
    """Sentences split by the sentencizer; CRLF tokens left out; IOB2 tags."""
    first = parse(export(gold_example.rows, gold_example))[0]
    assert len(first["sentences"]) == 2
    one, two = first["sentences"]
    assert one[:2] == [("Siemens", "B-ORG"), ("AG", "I-ORG")]
    assert one[9:16] == [
        ("plunged", "B-EXAGGERATION"),
        ("12", "I-EXAGGERATION"),
        ("%", "I-EXAGGERATION"),
        ("in", "I-EXAGGERATION"),
        ("a", "I-EXAGGERATION"),
        ("bloodbath", "I-EXAGGERATION"),
        (".", "O"),
    ]
    assert two[0] == ("Analysts", "O")
    assert ("Morgan", "B-ORG") in two
    assert two[-3:] == [("€", "B-MONEY"), ("95", "I-MONEY"), (".", "O")]
    for article in parse(export(gold_example.rows, gold_example)):
        for sentence in article["sentences"]:
            for token, _tag in sentence:
                assert token.strip() == token
                assert token


def test_tags_are_valid_iob2(gold_example, make_articles):
    """No I- tag follows O or a different label."""
    output = export(gold_example.rows + make_articles(30), gold_example)
    for article in parse(output):
        for sentence in article["sentences"]:
            previous = "O"
            for _token, tag in sentence:
                if tag.startswith("I-"):
                    assert previous[2:] == tag[2:], sentence
                previous = tag


def test_emoji_and_combining_marks_stay_one_token(gold_example):
    """😀 is its own token; 'Cafe'+accent is one token, tagged after expansion."""
    tesla = parse(export(gold_example.rows, gold_example))[1]
    tokens = [pair for sentence in tesla["sentences"] for pair in sentence]
    assert ("😀", "O") in tokens
    assert ("Cafe\u0301", "B-ORG") in tokens
    assert tokens[:1] == [("Tesla", "B-ORG")]


def test_entity_across_a_removed_whitespace_token_starts_with_b():
    """A span starting on CRLF gets B- on its first real token."""
    text = "Up.\r\nSiemens AG fell."
    row = ExportRow(
        1,
        None,
        "en",
        "",
        text,
        (ExportSpan(3, 15, "ORG", "\r\nSiemens AG"),),
        {},
        {},
        1,
    )
    output = get_exporter("conll").iter_bytes(
        [row], scheme=ExportScheme("en", ("ORG",))
    )
    sentences = parse(b"".join(output).decode())[0]["sentences"]
    tokens = [pair for sentence in sentences for pair in sentence]
    assert ("Siemens", "B-ORG") in tokens
    assert ("AG", "I-ORG") in tokens


def test_multiple_choice_labels_are_joined_with_a_bar(gold_example):
    """A list of choices is written as ``key=a|b``."""
    row = dataclasses.replace(
        gold_example.rows[3], labels={"topic": ["rates", "m_a"], "bias": "biased"}
    )
    comments = parse(export([row], gold_example, comments=True))[0]["comments"]
    assert comments["labels"] == "bias=biased topic=rates|m_a"


@pytest.mark.parametrize("value", ["very negative", "a=b", "x|y", ""])
def test_labels_that_would_not_parse_back_are_refused(gold_example, value):
    """Whitespace, '=' or '|' in a choice would corrupt the labels line."""
    row = dataclasses.replace(gold_example.rows[3], labels={"sentiment": value})
    with pytest.raises(ValueError, match=r"article 104.*# labels:"):
        export([row], gold_example, comments=True)
    assert parse(export([row], gold_example))[0]["sentences"]  # no line, no problem


def test_same_rows_twice_give_identical_bytes(gold_example, make_articles):
    """Deterministic output."""
    rows = gold_example.rows + make_articles(20)
    assert export(rows, gold_example) == export(list(rows), gold_example)
