"""Learning curve: a spaCy NER trained on n gold articles of the eval corpus vs the rules.

For each language, the dev split of ``bench/eval/`` is the training pool (the
test split is never trained on). For n = 5, 10, 15, … gold articles (a fixed,
seeded order) the bench builds DocBins with the project's own spaCy exporter
(``SpacyDocBinExporter.make_doc``: ``doc.ents`` = the non-overlapping gold spans)
and runs the same spaCy CLI steps as ``annotations/services/training.py``
(``spacy init config --optimize efficiency``, ``spacy train`` with the same
overrides; with so few articles the training data doubles as the dev data, as
the service does when its dev split is empty). The model is loaded like a
project's ``trained:`` pipeline (identity label mapping) and scored on the test
split with the same function as the rules.

Run: .venv/bin/python bench/bench_learning_curve.py [--sizes 5,10,15,20]
[--max-epochs 25] [--languages de,en]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotations.exporters.rows import ExportRow, ExportScheme, ExportSpan
from annotations.exporters.spacy_docbin import SpacyDocBinExporter
from annotations.exporters.tokens import AlignmentReport
from annotations.nlp.evaluation import micro, span_scores
from annotations.nlp.registry import get_pipeline_spec, spacy_package_spec
from annotations.nlp.suggest import predict
from bench._setup import machine
from bench.eval_corpus import SPAN_LABELS, EvalText, load

ENTITY_LABELS = ("ORG", "PERSON", "MONEY", "PERCENT")
ORDER_SEED = "newsroom-learning-curve"


def to_row(index: int, text: EvalText) -> ExportRow:
    return ExportRow(
        article_id=index,
        external_id=text.id,
        language=text.language,
        title="",
        text=text.text,
        spans=tuple(
            ExportSpan(s, e, label, text.text[s:e]) for s, e, label in text.spans
        ),
        labels={},
        meta={},
        guideline_version=None,
    )


def write_docbin(texts: list[EvalText], lang: str, path: Path) -> None:
    from spacy.tokens import DocBin

    exporter = SpacyDocBinExporter()
    scheme = ExportScheme(language=lang, span_labels=SPAN_LABELS)
    report = AlignmentReport(mode="expand")
    docs = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"])
    for index, text in enumerate(texts):
        docs.add(exporter.make_doc(to_row(index, text), scheme, report))
    docs.to_disk(path)


def spacy_cli(*args: str, cwd: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "spacy", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"spacy {args[0]} failed: {(result.stderr or result.stdout)[-1500:]}"
        )


def train(texts: list[EvalText], lang: str, work: Path, max_epochs: int) -> Path:
    """The best model trained on ``texts`` (ner, efficiency config)."""
    write_docbin(texts, lang, work / "train.spacy")
    write_docbin(texts, lang, work / "dev.spacy")
    spacy_cli(
        "init", "config", "config.cfg", "--lang", lang, "--pipeline", "ner",
        "--optimize", "efficiency", "--force", cwd=work,
    )  # fmt: skip
    spacy_cli(
        "train", "config.cfg", "--output", "output",
        "--paths.train", "train.spacy", "--paths.dev", "dev.spacy",
        "--training.max_epochs", str(max_epochs), "--training.max_steps", "0",
        "--nlp.lang", lang, "--training.seed", "0", cwd=work,
    )  # fmt: skip
    return work / "output" / "model-best"


def scores(texts: list[EvalText], predictions) -> tuple[float, float]:
    gold = [t.spans for t in texts]
    found = [[(s.start, s.end, s.label) for s in p.spans] for p in predictions]
    exact = span_scores(gold, found, labels=SPAN_LABELS)
    return micro(exact, ENTITY_LABELS).f1 or 0.0, micro(exact).f1 or 0.0


def curve(lang: str, sizes: list[int], max_epochs: int) -> list[str]:
    pool = sorted(load(lang, "dev"), key=lambda t: t.id)
    random.Random(f"{ORDER_SEED}:{lang}").shuffle(pool)
    test = load(lang, "test")
    rules_entities, rules_all = scores(
        test, predict(get_pipeline_spec(f"fin-{lang}"), [t.text for t in test])
    )
    rows = [
        f"### {lang}: {len(test)} test texts; rules (fin-{lang}) micro F1 "
        f"{rules_entities:.2f} on ORG+PERSON+MONEY+PERCENT, {rules_all:.2f} on all labels\n",
        "| gold articles | model F1 ORG+PERSON+MONEY+PERCENT | model F1 all labels | rules F1 (entities) | training s |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    overtakes = None
    for n in [s for s in sizes if s <= len(pool)]:
        with tempfile.TemporaryDirectory(prefix="newsroom-curve-") as tmp:
            started = time.perf_counter()
            best = train(pool[:n], lang, Path(tmp), max_epochs)
            seconds = time.perf_counter() - started
            spec = spacy_package_spec(best, {k: k for k in SPAN_LABELS}, SPAN_LABELS)
            predictions = predict(spec, [t.text for t in test], with_questions=False)
            model_entities, model_all = scores(test, predictions)
        if overtakes is None and model_entities > rules_entities:
            overtakes = n
        rows.append(
            f"| {n} | {model_entities:.2f} | {model_all:.2f} | {rules_entities:.2f} | {seconds:.0f} |"
        )
    rows.append("")
    rows.append(
        f"The model overtakes the rules on the entity labels at {overtakes} gold articles."
        if overtakes
        else f"The model does not overtake the rules within {len(pool)} gold articles "
        "(the whole dev split); more gold is needed."
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="5,10,20")
    parser.add_argument("--max-epochs", type=int, default=25)
    parser.add_argument("--languages", default="de,en")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"## Learning curve: trained NER vs rules ({machine()})\n")
    print(
        "spaCy `ner` (efficiency config, the CLI steps of services/training.py) "
        "trained on n gold articles of the eval corpus's dev split, scored on its "
        f"test split (exact spans, micro F1); max {args.max_epochs} epochs.\n"
    )
    for lang in args.languages.split(","):
        print("\n".join(curve(lang, sizes, args.max_epochs)))
        print()


if __name__ == "__main__":
    main()
