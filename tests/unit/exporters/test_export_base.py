"""Registry, shared row checks and the offset contract (code points) for every format."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import sys
from pathlib import Path

import pytest

from annotations.exporters import REGISTRY, get_exporter, iter_export
from annotations.exporters.base import Exporter, StreamingExporter, check_row
from annotations.exporters.rows import ExportRow, ExportScheme, ExportSpan

ROOT = Path(__file__).resolve().parents[3]
FORMATS = ("jsonl", "spacy", "conll", "hf", "labelstudio", "doccano")
SCHEME = ExportScheme(language="en", span_labels=("ORG", "LOADED"), questions=())


def make_row(text: str, spans: list[tuple[int, int, str, str]], **extra) -> ExportRow:
    return ExportRow(
        article_id=extra.pop("article_id", 7),
        external_id=extra.pop("external_id", "ext-7"),
        language="en",
        title="t",
        text=text,
        spans=tuple(ExportSpan(*span) for span in spans),
        labels={},
        meta={},
        guideline_version=1,
        **extra,
    )


def utf16_offset(text: str, index: int) -> int:
    """What a browser would count: UTF-16 code units before code point ``index``."""
    return len(text[:index].encode("utf-16-le")) // 2


def test_registry_lists_the_contract_formats_and_doccano():
    """The registry holds the five formats of the contract and doccano (issue 11)."""
    assert sorted(REGISTRY) == sorted(FORMATS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_exporter_returns_a_protocol_instance(fmt):
    """Each registered format resolves to an exporter with name, extension and type."""
    exporter = get_exporter(fmt)
    assert isinstance(exporter, Exporter)
    assert exporter.name == fmt
    assert exporter.extension.startswith(".")
    assert "/" in exporter.media_type
    assert isinstance(exporter, StreamingExporter) is exporter.streaming


def test_streaming_split_between_text_and_archive_formats():
    """Text formats stream; the archive formats do not."""
    streaming = {fmt for fmt in FORMATS if get_exporter(fmt).streaming}
    assert streaming == {"jsonl", "conll", "labelstudio", "doccano"}
    assert get_exporter("spacy").extension == ".tar.gz"
    assert get_exporter("hf").extension == ".tar.gz"


@pytest.mark.parametrize("fmt", ["csv", "", "JSONL", None])
def test_get_exporter_unknown_format_names_the_known_ones(fmt):
    """Unknown formats raise ValueError listing the known formats."""
    with pytest.raises(
        ValueError,
        match=r"known formats: conll, doccano, hf, jsonl, labelstudio, spacy",
    ):
        get_exporter(fmt)


def test_get_exporter_passes_options():
    """Constructor options reach the exporter."""
    assert get_exporter("spacy", alignment_mode="contract").alignment_mode == "contract"
    with pytest.raises(ValueError, match="alignment_mode"):
        get_exporter("spacy", alignment_mode="sideways")


def test_importing_the_package_does_not_import_spacy_or_django():
    """Selectors may import the package at start-up: no spaCy, no Django."""
    code = (
        "import sys, annotations.exporters as e; e.get_exporter('jsonl'); "
        "print('spacy' in sys.modules, 'django' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert result.stdout.split() == ["False", "False"]


def test_check_row_accepts_code_point_offsets_with_emoji_combining_marks_and_crlf():
    """Code-point offsets are valid around 😀, a combining accent and CRLF."""
    text = "Tesla 😀 up.\r\nCafe\u0301 Holdings 👨\u200d👩\u200d👧 fell."
    spans = []
    for piece, label in [
        ("up", "LOADED"),
        ("Cafe\u0301 Holdings", "ORG"),
        ("fell", "LOADED"),
    ]:
        start = text.index(piece)
        spans.append((start, start + len(piece), label, piece))
    check_row(make_row(text, spans))


def test_check_row_rejects_utf16_offsets_after_an_emoji():
    """Browser (UTF-16) offsets after 😀 are off by one and must be refused."""
    text = "Tesla 😀 rallies at Siemens and BASF."
    start = utf16_offset(text, text.index("Siemens"))
    row = make_row(text, [(start, start + 7, "ORG", "Siemens")])
    with pytest.raises(
        ValueError, match=r"article 7 \(external_id 'ext-7'\).*'Siemens'"
    ):
        check_row(row)


def test_check_row_rejects_offsets_counted_on_normalised_newlines():
    """Offsets computed after turning CRLF into LF do not match the stored CRLF text."""
    text = "Line one.\r\nLine two.\r\nSiemens fell."
    start = text.replace("\r\n", "\n").index("Siemens")
    row = make_row(text, [(start, start + 7, "ORG", "Siemens")])
    with pytest.raises(ValueError, match="article 7"):
        check_row(row)


def test_check_row_rejects_text_that_differs_by_a_combining_mark():
    """A span text in NFC does not match a decomposed (NFD) article text."""
    text = "Cafe\u0301 Holdings"
    row = make_row(text, [(0, 4, "ORG", "Café")])
    with pytest.raises(ValueError, match="text there is 'Cafe'"):
        check_row(row)


@pytest.mark.parametrize(
    ("span", "message"),
    [
        ((5, 3, "ORG", ""), "empty or outside"),
        ((0, 0, "ORG", ""), "empty or outside"),
        ((-1, 2, "ORG", "ab"), "empty or outside"),
        ((0, 99, "ORG", "abc"), "empty or outside"),
        ((0, 1.0, "ORG", "a"), "non-integer"),
        ((True, 2, "ORG", "b"), "non-integer"),
    ],
)
def test_check_row_rejects_bad_offsets(span, message):
    """Empty, reversed, out-of-range and non-integer offsets are refused."""
    with pytest.raises(ValueError, match=message):
        check_row(make_row("abc", [span]))


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_refuses_a_bad_row_and_never_writes_it(fmt):
    """Each exporter raises a ValueError naming the article; the bad row is not written."""
    good = make_row("Siemens rose.", [(0, 7, "ORG", "Siemens")], article_id=1)
    bad = make_row(
        "Tesla 😀 at Siemens",
        [(12, 19, "ORG", "Siemens")],
        article_id=2,
        external_id="x",
    )
    sink = io.BytesIO()
    with pytest.raises(ValueError, match=r"article 2 \(external_id 'x'\)"):
        get_exporter(fmt).write([good, bad], sink, scheme=SCHEME)
    assert b"Tesla" not in sink.getvalue()


@pytest.mark.parametrize("fmt", FORMATS)
def test_iter_export_equals_write_for_every_format(fmt):
    """``iter_export`` yields exactly what ``write`` writes."""
    rows = [make_row("Siemens rose.", [(0, 7, "ORG", "Siemens")], article_id=1)]
    exporter = get_exporter(fmt)
    sink = io.BytesIO()
    exporter.write(rows, sink, scheme=SCHEME)
    chunks = list(iter_export(exporter, rows, scheme=SCHEME, chunk_size=64))
    assert b"".join(chunks) == sink.getvalue()
    assert all(isinstance(chunk, bytes) for chunk in chunks)


@pytest.mark.parametrize("fmt", ["jsonl", "spacy", "conll", "hf"])
def test_row_split_set_by_the_selector_is_validated(fmt):
    """A row's own split must be train, dev or test (labelstudio, doccano: no split)."""
    row = dataclasses.replace(make_row("abc", []), split="validation")
    with pytest.raises(ValueError, match="split must be one of train, dev, test"):
        get_exporter(fmt).write([row], io.BytesIO(), scheme=SCHEME)


def test_examples_folder_holds_only_inputs_and_golden_files():
    """No stale golden files: every file in examples/ is an input, a golden or the README."""
    examples = ROOT / "annotations" / "exporters" / "examples"
    assert sorted(path.name for path in examples.iterdir()) == [
        "README.md",
        "annotation_rows.json",
        "annotations.comments.conll",
        "annotations.conll",
        "annotations.doccano.jsonl",
        "annotations.jsonl",
        "annotations.labelstudio.json",
        "gold.conll",
        "gold.doccano.jsonl",
        "gold.hf.listing.json",
        "gold.jsonl",
        "gold.labelstudio.json",
        "gold.labelstudio.xml",
        "gold.spacy.listing.json",
        "gold_rows.json",
    ]


def test_example_inputs_are_valid_rows(gold_example, annotation_example):
    """The shipped inputs satisfy the offset contract themselves."""
    for row in gold_example.rows + annotation_example.rows:
        check_row(row)
    assert gold_example.scheme.span_labels[0] == "ORG"
    assert [q.key for q in gold_example.scheme.questions] == [
        "sentiment",
        "bias",
        "opinion",
    ]
