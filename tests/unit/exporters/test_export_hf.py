"""hf: archive of split JSONL files + dataset_info.json, loaded with ``datasets``."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import tarfile

import datasets
import pytest

from annotations.exporters import get_exporter
from annotations.exporters.hf import ner_label_names
from annotations.exporters.rows import (
    ExportQuestion,
    ExportRow,
    ExportScheme,
    ExportSpan,
)

MEMBERS = ["train.jsonl", "dev.jsonl", "test.jsonl", "dataset_info.json"]


def export(rows, example, **overrides) -> bytes:
    sink = io.BytesIO()
    get_exporter("hf").write(rows, sink, **{**example.options, **overrides})
    return sink.getvalue()


def members(data: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


def load(data: bytes, tmp_path):
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        tar.extractall(tmp_path, filter="data")
    info = json.loads((tmp_path / "dataset_info.json").read_text("utf-8"))
    features = datasets.Features.from_dict(info["features"])
    files = {
        split: str(tmp_path / f"{split}.jsonl")
        for split in ("train", "dev", "test")
        if (tmp_path / f"{split}.jsonl").stat().st_size
    }
    dataset = datasets.load_dataset(
        "json", data_files=files, features=features, cache_dir=str(tmp_path / "cache")
    )
    return dataset, info


def test_gold_example_matches_golden_listing(gold_example, golden):
    """Members, their hashes and decoded contents match the shipped listing."""
    contents = members(export(gold_example.rows, gold_example))
    listing = {
        "members": [
            {
                "name": name,
                "size": len(blob),
                "sha256": hashlib.sha256(blob).hexdigest(),
            }
            for name, blob in contents.items()
        ],
        "dataset_info.json": json.loads(contents["dataset_info.json"]),
        "rows": {
            name: [json.loads(line) for line in blob.decode().splitlines()]
            for name, blob in contents.items()
            if name.endswith(".jsonl")
        },
    }
    text = json.dumps(listing, ensure_ascii=False, indent=1) + "\n"
    golden("gold.hf.listing.json", text.encode())
    assert list(contents) == MEMBERS


def test_byte_identical_re_export(gold_example, make_articles):
    """The same rows give the same archive bytes."""
    rows = gold_example.rows + make_articles(40)
    assert export(rows, gold_example) == export(list(rows), gold_example)


def test_loads_with_datasets_and_keeps_tokens_tags_and_labels(gold_example, tmp_path):
    """load_dataset('json') reads the splits; ner_tags map to BIO names; labels kept."""
    dataset, info = load(export(gold_example.rows, gold_example), tmp_path)
    assert dict(dataset.num_rows) == {"train": 2, "dev": 1, "test": 1}
    names = dataset["train"].features["ner_tags"].feature.names
    assert names == ner_label_names(gold_example.scheme)
    assert names[:5] == ["O", "B-ORG", "I-ORG", "B-PERSON", "I-PERSON"]
    assert info["newsroom"]["ner_label_names"] == names
    first = dataset["train"][0]
    assert first["id"] == 101
    tags = [names[index] for index in first["ner_tags"]]
    pairs = list(zip(first["tokens"], tags, strict=True))
    assert pairs[:3] == [("Siemens", "B-ORG"), ("AG", "I-ORG"), ("slashed", "O")]
    assert ("€", "B-MONEY") in pairs
    assert "\r\n" not in first["tokens"]
    assert first["sentiment"] == "very_negative"
    assert first["bias"] == "biased"
    assert first["opinion"] == "somewhat_opinionated"
    assert len(first["spans"]) == 7  # overlapping spans kept here
    for span in first["spans"]:
        assert first["text"][span["start"] : span["end"]] == span["text"]
    clickbait = dataset["dev"][0]
    assert clickbait["id"] == 103
    assert clickbait["sentiment"] is None
    assert clickbait["bias"] == "biased"
    tesla = dataset["test"][0]
    assert "😀" in tesla["tokens"]
    assert tesla["text"][53:57] == "Cafe"


def test_dataset_info_parses_as_a_datasets_info(gold_example):
    """dataset_info.json is readable by datasets.DatasetInfo.from_dict."""
    info = json.loads(
        members(export(gold_example.rows, gold_example))["dataset_info.json"]
    )
    parsed = datasets.DatasetInfo.from_dict(info)
    assert parsed.splits["train"].num_examples == 2
    assert parsed.features["ner_tags"].feature.names[0] == "O"


def test_multiple_choice_question_is_a_list_column(tmp_path):
    """A multiple-choice question becomes a list-of-strings column ([] if unanswered)."""
    scheme = ExportScheme(
        language="en",
        span_labels=("ORG",),
        questions=(ExportQuestion("topic", ("rates", "earnings"), multiple=True),),
    )
    rows = [
        ExportRow(
            article_id=1,
            external_id=None,
            language="en",
            title="",
            text="SAP up.",
            spans=(ExportSpan(0, 3, "ORG", "SAP"),),
            labels={"topic": ["rates", "earnings"]},
            meta={},
            guideline_version=1,
            split="train",
        ),
        ExportRow(2, None, "en", "", "BASF down.", (), {}, {}, 1, split="train"),
    ]
    sink = io.BytesIO()
    get_exporter("hf").write(rows, sink, scheme=scheme)
    dataset, _ = load(sink.getvalue(), tmp_path)
    assert dataset["train"]["topic"] == [["rates", "earnings"], []]
    assert dataset["train"]["ner_tags"] == [[1, 0, 0], [0, 0, 0]]


def test_span_label_outside_the_scheme_is_refused(gold_example):
    """ner_tags need an index per label: unknown labels raise naming the article."""
    row = dataclasses.replace(
        gold_example.rows[3], spans=(ExportSpan(0, 13, "BANK", "Deutsche Bank"),)
    )
    with pytest.raises(ValueError, match=r"article 104.*'BANK' is not in the scheme"):
        export([row], gold_example)


def test_question_key_clashing_with_a_column_is_refused(gold_example):
    """A question called 'tokens' would overwrite a fixed column."""
    scheme = dataclasses.replace(
        gold_example.scheme, questions=(ExportQuestion("tokens", ("a", "b")),)
    )
    with pytest.raises(ValueError, match="clashes with a fixed hf column"):
        export([], gold_example, scheme=scheme)
