"""Round trips through spaCy's own readers and a CoNLL-2003 token-per-line reader.

- ``conll`` → ``python -m spacy convert FILE OUT -c ner`` (a subprocess, unmodified
  file) → ``DocBin``: every flat span comes back with its offsets, text and label.
- ``conll`` → the CoNLL-2003 reading loop of the Hugging Face loading scripts
  (``-DOCSTART-`` and blank lines end a sentence, ``token<TAB>tag``) through
  ``datasets.Dataset.from_generator`` with ``ClassLabel`` tags: the same.
- ``spacy`` → ``DocBin.from_bytes``: text, ``ents`` (flat), ``spans["sc"]`` (all),
  ``cats`` (every answer) and ``user_data``.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile

import datasets
import pytest
import spacy
from spacy.tokens import DocBin

from annotations.exporters.hf import ner_label_names
from annotations.exporters.spacy_docbin import cat_labels
from tests.unit.exporters.nasty import (
    CORPORA,
    SCHEME,
    answers,
    export,
    spans_from_bio,
    spans_from_tokens,
)


@pytest.fixture(scope="module")
def spacy_converted(tmp_path_factory) -> dict[str, list]:
    """Each corpus' CoNLL export converted by spaCy's CLI, read back as Docs."""
    folder = tmp_path_factory.mktemp("spacy-convert")
    result = {}
    for name, make in CORPORA.items():
        source = folder / f"{name}.conll"
        source.write_bytes(export("conll", make()))
        completed = subprocess.run(
            [sys.executable, "-m", "spacy", "convert", source, folder, "-c", "ner"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
        vocab = spacy.blank("xx").vocab
        result[name] = list(
            DocBin().from_disk(folder / f"{name}.spacy").get_docs(vocab)
        )
    return result


@pytest.mark.parametrize("corpus", CORPORA)
def test_spacy_convert_reads_every_flat_span_back(spacy_converted, corpus):
    """One Doc per row; its entities are exactly the flat spans, at the same offsets."""
    nasty = CORPORA[corpus]()
    docs = spacy_converted[corpus]
    assert len(docs) == len(nasty)
    for doc, item in zip(docs, nasty, strict=True):
        words = [token.text for token in doc]
        entities = [(ent.start, ent.end, ent.label_) for ent in doc.ents]
        assert spans_from_tokens(item.row.text, words, entities) == item.flat


def read_conll_2003(path: str):
    """The reading loop of the CoNLL-2003 style loading scripts, plus a document count."""
    document, tokens, tags = -1, [], []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("-DOCSTART-") or line in ("", "\n"):
                if tokens:
                    yield {"document": document, "tokens": tokens, "ner_tags": tags}
                    tokens, tags = [], []
                document += line.startswith("-DOCSTART-")
                continue
            token, tag = line.split("\t")
            tokens.append(token)
            tags.append(tag.rstrip())
    if tokens:
        yield {"document": document, "tokens": tokens, "ner_tags": tags}


@pytest.mark.parametrize("corpus", CORPORA)
def test_conll_2003_reader_in_datasets_reads_every_flat_span_back(tmp_path, corpus):
    """Sentences joined per document give the flat spans; tags are valid ClassLabels."""
    nasty = CORPORA[corpus]()
    path = tmp_path / "export.conll"
    path.write_bytes(export("conll", nasty))
    features = datasets.Features(
        {
            "document": datasets.Value("int64"),
            "tokens": datasets.Sequence(datasets.Value("string")),
            "ner_tags": datasets.Sequence(
                datasets.ClassLabel(names=ner_label_names(SCHEME))
            ),
        }
    )
    dataset = datasets.Dataset.from_generator(
        read_conll_2003,
        gen_kwargs={"path": str(path)},
        features=features,
        cache_dir=str(tmp_path / "cache"),
    )
    names = dataset.features["ner_tags"].feature.names
    documents: dict[int, tuple[list, list]] = {}
    for record in dataset:
        tokens, tags = documents.setdefault(record["document"], ([], []))
        tokens += record["tokens"]
        tags += [names[tag] for tag in record["ner_tags"]]
    assert sorted(documents) == list(range(len(nasty)))
    for index, item in enumerate(nasty):
        tokens, tags = documents[index]
        assert spans_from_bio(item.row.text, tokens, tags) == item.flat


def spacy_docs(data: bytes) -> list:
    vocab = spacy.blank("en").vocab
    docs = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for split in ("train", "dev", "test"):
            blob = tar.extractfile(f"{split}.spacy").read()
            docs += DocBin().from_bytes(blob).get_docs(vocab)
    return docs


def char_spans(spans) -> frozenset:
    return frozenset(
        (span.start_char, span.end_char, span.label_, span.text) for span in spans
    )


@pytest.mark.parametrize("corpus", CORPORA)
def test_spacy_docbin_keeps_text_spans_answers_and_who(corpus):
    """Text byte for byte, ents = flat, spans['sc'] = all, cats = every answer."""
    nasty = CORPORA[corpus]()
    docs = spacy_docs(export("spacy", nasty))
    by_key = {(d.user_data["article_id"], d.user_data["annotator"]): d for d in docs}
    assert len(by_key) == len(nasty)
    for item in nasty:
        doc = by_key[(item.row.article_id, item.row.annotator)]
        assert doc.text == item.row.text
        assert char_spans(doc.ents) == item.flat
        assert char_spans(doc.spans["sc"]) == item.all_spans
        chosen = {cat for cat, value in doc.cats.items() if value == 1.0}
        expected = {
            f"{question}:{choice}"
            for question, choices in answers(item.row).items()
            for choice in choices
        }
        assert chosen == expected
        assert set(doc.cats) <= set(cat_labels(SCHEME))
        assert doc.user_data["external_id"] == item.row.external_id
