"""The evaluation corpus of ``bench/eval/``: parse the marked-up sources, split, load.

The sources (``bench/eval/source/<lang>.md``) hold each text with inline gold
spans, ``[[LABEL:text]]`` (spans may nest), under a header line
``## <id> kind=<kind> sentiment=<choice> bias=<choice>``. ``build`` turns them
into ``bench/eval/data/<lang>.<split>.jsonl`` (one text a line: id, language,
kind, split, text, spans with code-point offsets, labels). The split is made
once, by a fixed seed, stratified by kind: per language and kind the ids are
sorted, shuffled with ``random.Random(f"{SPLIT_SEED}:{lang}:{kind}")`` and the
first half (rounded up) is the test split.

Run ``.venv/bin/python -m bench.eval_corpus`` to rewrite the JSONL files; a test
checks that they equal what the sources give, and that every offset is exact.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from annotations.nlp.patterns import RULE_LABELS

EVAL_DIR = Path(__file__).resolve().parent / "eval"
SOURCE_DIR = EVAL_DIR / "source"
DATA_DIR = EVAL_DIR / "data"
LANGUAGES = ("de", "en")
SPLITS = ("dev", "test")
SPLIT_SEED = "newsroom-eval-2026"
KINDS = ("wire", "tabloid", "analyst", "press", "forum")
SPAN_LABELS = RULE_LABELS  # the span labels of the default scheme
QUESTIONS = {
    "sentiment": ("very_negative", "negative", "neutral", "positive", "very_positive"),
    "bias": ("non_biased", "biased"),
}

_HEADER = re.compile(r"^## (?P<id>[\w-]+)(?P<fields>(?: \w+=[\w-]+)+)\s*$")
_TOKEN = re.compile(r"\[\[(?P<label>[A-Z_]+):|\]\]")


class CorpusError(ValueError):
    """A source text cannot be parsed; the message names the text and the problem."""


@dataclass(frozen=True)
class EvalText:
    id: str
    language: str
    kind: str
    split: str
    text: str
    spans: tuple[tuple[int, int, str], ...]  # (start, end, label), sorted
    labels: dict[str, str]

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "language": self.language,
            "kind": self.kind,
            "split": self.split,
            "text": self.text,
            "spans": [
                {"start": s, "end": e, "label": label, "text": self.text[s:e]}
                for s, e, label in self.spans
            ],
            "labels": dict(self.labels),
        }

    @classmethod
    def from_dict(cls, data: dict) -> EvalText:
        return cls(
            id=data["id"],
            language=data["language"],
            kind=data["kind"],
            split=data["split"],
            text=data["text"],
            spans=tuple((s["start"], s["end"], s["label"]) for s in data["spans"]),
            labels=dict(data["labels"]),
        )


def parse_markup(marked: str, *, where: str = "") -> tuple[str, list[tuple]]:
    """Plain text and (start, end, label) spans from ``[[LABEL:...]]`` markup."""
    out: list[str] = []
    length = 0
    stack: list[tuple[str, int]] = []
    spans: list[tuple[int, int, str]] = []
    position = 0
    for match in _TOKEN.finditer(marked):
        chunk = marked[position : match.start()]
        out.append(chunk)
        length += len(chunk)
        position = match.end()
        if match.group("label"):
            label = match.group("label")
            if label not in SPAN_LABELS:
                raise CorpusError(f"{where}: unknown label {label!r}")
            stack.append((label, length))
        else:
            if not stack:
                raise CorpusError(f"{where}: ']]' without an opening '[[LABEL:'")
            label, start = stack.pop()
            if start == length:
                raise CorpusError(f"{where}: empty {label} span")
            spans.append((start, length, label))
    if stack:
        raise CorpusError(f"{where}: unclosed {stack[-1][0]} span")
    out.append(marked[position:])
    return "".join(out), sorted(spans)


def read_source(lang: str) -> list[tuple[str, str, dict[str, str]]]:
    """(id, marked-up text, header fields) of every text in a language's source."""
    items: list[tuple[str, list[str], dict[str, str]]] = []
    path = SOURCE_DIR / f"{lang}.md"
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            fields = dict(f.split("=", 1) for f in header.group("fields").split())
            items.append((header.group("id"), [], fields))
        elif line.startswith("## "):
            raise CorpusError(f"{path.name}:{number}: malformed header {line!r}")
        elif items:
            items[-1][1].append(line)
    return [(i, "\n".join(lines).strip(), fields) for i, lines, fields in items]


def _check_fields(text_id: str, fields: dict[str, str]) -> None:
    if fields.get("kind") not in KINDS:
        raise CorpusError(f"{text_id}: kind must be one of {KINDS}")
    for question, choices in QUESTIONS.items():
        if fields.get(question) not in choices:
            raise CorpusError(f"{text_id}: {question} must be one of {choices}")


def assign_splits(ids_by_kind: dict[str, list[str]], lang: str) -> dict[str, str]:
    """Per kind: sorted ids, seeded shuffle, first half (rounded up) is test."""
    splits = {}
    for kind, ids in sorted(ids_by_kind.items()):
        order = sorted(ids)
        random.Random(f"{SPLIT_SEED}:{lang}:{kind}").shuffle(order)
        n_test = (len(order) + 1) // 2
        for index, text_id in enumerate(order):
            splits[text_id] = "test" if index < n_test else "dev"
    return splits


def build(lang: str) -> list[EvalText]:
    """All texts of one language from its source, with their split."""
    parsed = []
    ids_by_kind: dict[str, list[str]] = {}
    for text_id, marked, fields in read_source(lang):
        _check_fields(text_id, fields)
        text, spans = parse_markup(marked, where=text_id)
        parsed.append((text_id, text, spans, fields))
        ids_by_kind.setdefault(fields["kind"], []).append(text_id)
    if len({p[0] for p in parsed}) != len(parsed):
        raise CorpusError(f"{lang}: duplicate text ids")
    splits = assign_splits(ids_by_kind, lang)
    return [
        EvalText(
            id=text_id,
            language=lang,
            kind=fields["kind"],
            split=splits[text_id],
            text=text,
            spans=tuple(spans),
            labels={q: fields[q] for q in QUESTIONS},
        )
        for text_id, text, spans, fields in parsed
    ]


def data_path(lang: str, split: str) -> Path:
    return DATA_DIR / f"{lang}.{split}.jsonl"


def dump(texts: list[EvalText]) -> str:
    return "".join(
        json.dumps(t.to_dict(), ensure_ascii=False, sort_keys=True) + "\n"
        for t in texts
    )


def write_all() -> None:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    for lang in LANGUAGES:
        texts = build(lang)
        for split in SPLITS:
            data_path(lang, split).write_text(
                dump([t for t in texts if t.split == split]), encoding="utf-8"
            )


def load(lang: str, split: str) -> list[EvalText]:
    """The committed texts of one language and split."""
    return list(_iter_jsonl(data_path(lang, split)))


def _iter_jsonl(path: Path) -> Iterator[EvalText]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield EvalText.from_dict(json.loads(line))


if __name__ == "__main__":
    write_all()
    for lang in LANGUAGES:
        counts = {split: len(load(lang, split)) for split in SPLITS}
        print(lang, counts, file=sys.stderr)
