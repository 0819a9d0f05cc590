"""spacy: DocBin archive read back (ents, spans, cats), manifest, determinism, training."""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from annotations.exporters import get_exporter
from annotations.exporters.rows import ExportRow, ExportScheme, ExportSpan

MEMBERS = ["train.spacy", "dev.spacy", "test.spacy", "manifest.json"]


def export(rows, example, **options) -> bytes:
    sink = io.BytesIO()
    get_exporter("spacy", **options).write(rows, sink, **example.options)
    return sink.getvalue()


def read_archive(data: bytes) -> tuple[list[tarfile.TarInfo], dict[str, bytes]]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        members = tar.getmembers()
        contents = {m.name: tar.extractfile(m).read() for m in members}
    return members, contents


def docs_by_split(data: bytes, language: str = "en"):
    _, contents = read_archive(data)
    vocab = spacy.blank(language).vocab
    return {
        name.removesuffix(".spacy"): list(DocBin().from_bytes(blob).get_docs(vocab))
        for name, blob in contents.items()
        if name.endswith(".spacy")
    }


def summary(data: bytes) -> dict:
    """A readable listing of the archive: members, manifest and every doc's annotations."""
    members, contents = read_archive(data)
    docs = docs_by_split(data)
    return {
        "members": [
            {"name": m.name, "mtime": m.mtime, "mode": oct(m.mode), "uid": m.uid}
            for m in members
        ],
        "manifest.json": json.loads(contents["manifest.json"]),
        "docs": {
            split: [
                {
                    "user_data": {k: doc.user_data[k] for k in sorted(doc.user_data)},
                    "tokens": [token.text for token in doc],
                    "ents": [[ent.text, ent.label_] for ent in doc.ents],
                    "spans_sc": [[span.text, span.label_] for span in doc.spans["sc"]],
                    "cats": doc.cats,
                }
                for doc in split_docs
            ]
            for split, split_docs in docs.items()
        },
    }


def test_gold_example_matches_golden_listing(gold_example, golden):
    """The archive's members, manifest and decoded docs match the shipped listing."""
    listing = summary(export(gold_example.rows, gold_example))
    text = json.dumps(listing, ensure_ascii=False, indent=2) + "\n"
    golden("gold.spacy.listing.json", text.encode())


def test_archive_is_byte_identical_and_has_no_timestamps(gold_example, make_articles):
    """Two exports are byte-identical; tar and gzip carry mtime 0 and fixed owners."""
    rows = gold_example.rows + make_articles(30)
    first = export(rows, gold_example)
    time.sleep(1.1)
    assert export(list(rows), gold_example) == first
    assert first[4:8] == b"\x00\x00\x00\x00"  # gzip MTIME
    members, _ = read_archive(first)
    assert [m.name for m in members] == MEMBERS
    assert {(m.mtime, m.uid, m.gid, m.uname, m.gname, m.mode) for m in members} == {
        (0, 0, 0, "", "", 0o644)
    }


def test_ents_spans_and_cats_read_back(gold_example):
    """All spans in doc.spans['sc'], the longest non-overlapping ones in doc.ents."""
    docs = docs_by_split(export(gold_example.rows, gold_example))
    doc = next(d for d in docs["train"] if d.user_data["article_id"] == 101)
    assert [(s.text, s.label_) for s in doc.spans["sc"]] == [
        ("Siemens AG", "ORG"),
        ("plunged 12% in a bloodbath", "EXAGGERATION"),
        ("12%", "PERCENT"),
        ("bloodbath", "LOADED"),
        ("Morgan Stanley", "ORG"),
        ("cut the stock to Underperform", "ANALYST_VIEW"),
        ("€95", "MONEY"),
    ]
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Siemens AG", "ORG"),
        ("plunged 12% in a bloodbath", "EXAGGERATION"),
        ("Morgan Stanley", "ORG"),
        ("cut the stock to Underperform", "ANALYST_VIEW"),
        ("€95", "MONEY"),
    ]
    assert doc.text == gold_example.rows[0].text  # CRLF kept in the doc text
    assert doc.cats == {
        "sentiment:very_negative": 1.0,
        "sentiment:negative": 0.0,
        "sentiment:neutral": 0.0,
        "sentiment:positive": 0.0,
        "sentiment:very_positive": 0.0,
        "bias:non_biased": 0.0,
        "bias:biased": 1.0,
        "opinion:factual": 0.0,
        "opinion:somewhat_opinionated": 1.0,
        "opinion:opinion": 0.0,
    }
    # tokens outside entities are explicitly O (not missing) for NER training
    assert {token.ent_iob_ for token in doc} == {"B", "I", "O"}


def test_unanswered_questions_add_no_cats(gold_example):
    """Article 103 answers only ``bias``; article 104 answers nothing."""
    docs = docs_by_split(export(gold_example.rows, gold_example))
    by_id = {d.user_data["article_id"]: d for split in docs.values() for d in split}
    assert by_id[103].cats == {"bias:non_biased": 0.0, "bias:biased": 1.0}
    assert by_id[104].cats == {}
    assert list(by_id[104].ents) == []


def test_alignment_is_counted_in_the_manifest(gold_example):
    """'Cafe' before a combining accent is expanded; a leading space is trimmed."""
    _, contents = read_archive(export(gold_example.rows, gold_example))
    manifest = json.loads(contents["manifest.json"])
    assert manifest["alignment"] == {
        "mode": "expand",
        "total": 16,
        "exact": 14,
        "trimmed": 1,
        "expanded": 1,
        "dropped": 0,
        "dropped_article_ids": [],
    }
    assert manifest["files"] == {"train.spacy": 2, "dev.spacy": 1, "test.spacy": 1}
    docs = docs_by_split(export(gold_example.rows, gold_example))
    tesla = docs["test"][0]
    assert ("Cafe\u0301", "ORG") in [(s.text, s.label_) for s in tesla.spans["sc"]]
    assert "😀" in [token.text for token in tesla]


def test_whitespace_only_spans_are_dropped_and_listed(gold_example):
    """A span over whitespace only cannot become tokens: dropped, article id listed."""
    text = "Siemens  rose.\r\nBASF fell."
    row = ExportRow(
        article_id=9,
        external_id=None,
        language="en",
        title="",
        text=text,
        spans=(
            ExportSpan(0, 7, "ORG", "Siemens"),
            ExportSpan(7, 9, "ORG", "  "),
            ExportSpan(14, 16, "LOADED", "\r\n"),
        ),
        labels={},
        meta={},
        guideline_version=None,
    )
    _, contents = read_archive(export([row], gold_example))
    alignment = json.loads(contents["manifest.json"])["alignment"]
    assert (alignment["exact"], alignment["dropped"]) == (1, 2)
    assert alignment["dropped_article_ids"] == [9]


def test_strict_mode_drops_what_expand_would_grow(gold_example):
    """With alignment_mode='strict' the 'Cafe' span is dropped instead of expanded."""
    data = export(gold_example.rows, gold_example, alignment_mode="strict")
    _, contents = read_archive(data)
    alignment = json.loads(contents["manifest.json"])["alignment"]
    assert alignment["mode"] == "strict"
    assert alignment["dropped"] == 1
    assert alignment["dropped_article_ids"] == [102]


def test_custom_nlp_tokenizer_is_used(gold_example):
    """A caller's pipeline tokenizes the docs (here: a special case keeps 'AG' glued)."""
    nlp = spacy.blank("en")
    nlp.tokenizer.add_special_case("SiemensAG", [{"ORTH": "Siemens"}, {"ORTH": "AG"}])
    row = dataclasses.replace(
        gold_example.rows[3],
        text="SiemensAG rose.",
        spans=(ExportSpan(0, 7, "ORG", "Siemens"),),
    )
    sink = io.BytesIO()
    get_exporter("spacy", nlp=nlp).write([row], sink, **gold_example.options)
    doc = next(d for docs in docs_by_split(sink.getvalue()).values() for d in docs)
    assert [t.text for t in doc] == ["Siemens", "AG", "rose", "."]
    assert [(e.text, e.label_) for e in doc.ents] == [("Siemens", "ORG")]


def test_german_scheme_uses_the_german_tokenizer(gold_example):
    """The scheme's language picks the blank tokenizer (German keeps '3,5' together)."""
    scheme = dataclasses.replace(gold_example.scheme, language="de")
    text = "Die Siemens-Aktie fiel um 3,5 Prozent."
    row = dataclasses.replace(
        gold_example.rows[3],
        language="de",
        text=text,
        spans=(ExportSpan(26, 37, "PERCENT", "3,5 Prozent"),),
    )
    sink = io.BytesIO()
    get_exporter("spacy").write([row], sink, scheme=scheme, seed="s")
    doc = next(
        d for docs in docs_by_split(sink.getvalue(), "de").values() for d in docs
    )
    assert "3,5" in [t.text for t in doc]
    assert [(e.text, e.label_) for e in doc.ents] == [("3,5 Prozent", "PERCENT")]


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ({"sentiment": "bullish"}, "'bullish' is not a choice of 'sentiment'"),
        ({"mood": "happy"}, "question 'mood' is not in the scheme"),
        ({"sentiment": ["negative", "neutral"]}, "must be one choice key"),
    ],
)
def test_labels_outside_the_scheme_are_refused(gold_example, labels, message):
    """Cats are built from the scheme, so unknown labels raise naming the article."""
    row = dataclasses.replace(gold_example.rows[0], labels=labels)
    with pytest.raises(ValueError, match=rf"article 101.*{message}"):
        export([row], gold_example)


def test_multiple_choice_questions_are_multi_hot():
    """A multiple-choice question sets 1.0 for each chosen choice."""
    scheme = ExportScheme.from_dict(
        {
            "language": "en",
            "span_labels": ["ORG"],
            "questions": [
                {
                    "key": "topic",
                    "multiple": True,
                    "choices": ["rates", "earnings", "m_a"],
                }
            ],
        }
    )
    row = ExportRow(
        1, None, "en", "", "Rates rise.", (), {"topic": ["rates", "m_a"]}, {}, 1
    )
    sink = io.BytesIO()
    get_exporter("spacy").write([row], sink, scheme=scheme)
    doc = next(d for docs in docs_by_split(sink.getvalue()).values() for d in docs)
    assert doc.cats == {"topic:rates": 1.0, "topic:earnings": 0.0, "topic:m_a": 1.0}


def test_one_epoch_of_spacy_train_runs_on_the_export(
    tmp_path, gold_example, make_articles
):
    """`python -m spacy train` (ner + spancat + textcat_multilabel) runs on the files."""
    data = export(make_articles(20), gold_example)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        tar.extractall(tmp_path, filter="data")
    assert all(
        len(DocBin().from_disk(tmp_path / f"{s}.spacy")) for s in ("train", "dev")
    )
    config = tmp_path / "config.cfg"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "spacy",
            "init",
            "config",
            str(config),
            "--lang",
            "en",
            "--pipeline",
            "ner,spancat,textcat_multilabel",
            "--optimize",
            "efficiency",
            "--force",
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "spacy",
            "train",
            str(config),
            "--output",
            str(tmp_path / "model"),
            "--paths.train",
            str(tmp_path / "train.spacy"),
            "--paths.dev",
            str(tmp_path / "dev.spacy"),
            "--training.max_epochs",
            "1",
            "--training.max_steps",
            "10",
            "--training.eval_frequency",
            "5",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert time.monotonic() - started < 60
    meta = json.loads(Path(tmp_path / "model" / "model-last" / "meta.json").read_text())
    assert set(meta["pipeline"]) == {"tok2vec", "ner", "spancat", "textcat_multilabel"}
    assert {"ORG", "MONEY", "PERCENT"} <= set(meta["labels"]["ner"])
    assert "sentiment:negative" in meta["labels"]["textcat_multilabel"]
