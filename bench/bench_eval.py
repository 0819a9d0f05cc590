"""Quality of the built-in suggestions on texts nobody tuned the rules on.

Reads the evaluation corpus of ``bench/eval/`` (see its README: original texts,
split once into dev and test by a fixed seed; rules are changed looking at dev
only) and prints, per language, span precision/recall/F1 per label (exact and
with overlap credit) and micro, and accuracy and macro-F1 of the document
suggestions (sentiment, bias), plus how much of the bias evidence lies on gold
bias spans. Then LOADED recall on BABE's expert-marked biased words when
``/work/shared/datasets/babe_raw/`` (or ``BABE_DIR``) exists.

Run: .venv/bin/python bench/bench_eval.py [--split test|dev] [--errors]
(``--errors`` lists misses and false hits, and only on dev.)
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotations.nlp.evaluation import PRF, choice_scores, micro, span_scores
from annotations.nlp.registry import get_pipeline_spec, pipeline_names
from annotations.nlp.suggest import predict
from bench._setup import machine
from bench.eval_corpus import LANGUAGES, SPAN_LABELS, EvalText, load

ENTITY_LABELS = ("ORG", "PERSON", "MONEY", "PERCENT")
BIAS_LABELS = ("LOADED", "EXAGGERATION", "SPECULATION", "CLICKBAIT")
TARGETS = {  # label: (recall, precision) on the test split, issue 14
    **dict.fromkeys(ENTITY_LABELS, (0.85, 0.85)),
    "LOADED": (0.6, 0.5),
    "CLICKBAIT": (0.7, None),
}
PIPELINES = {"de": ["fin-de"], "en": ["fin-en", "fin-en-sm"]}
BABE_DIR = Path(os.environ.get("BABE_DIR", "/work/shared/datasets/babe_raw"))


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def run(pipeline: str, texts: list[EvalText]):
    """Predictions of ``pipeline`` for the texts, and the seconds they took."""
    spec = get_pipeline_spec(pipeline)
    predict(spec, ["Warm-up."])
    started = time.perf_counter()
    predictions = predict(spec, [t.text for t in texts])
    seconds = time.perf_counter() - started
    failed = [
        (t.id, p.skipped_reason)
        for t, p in zip(texts, predictions, strict=True)
        if p.skipped
    ]
    if failed:
        raise RuntimeError(f"{pipeline} skipped texts: {failed[:3]}")
    return predictions, seconds


def predicted_spans(prediction) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in prediction.spans]


def target_met(label: str, score: PRF) -> str:
    if label not in TARGETS:
        return ""
    recall, precision = TARGETS[label]
    ok = (score.recall or 0) >= recall and (
        precision is None or (score.precision or 0) >= precision
    )
    wanted = f"R ≥ {recall}" + (f", P ≥ {precision}" if precision else "")
    return f"{wanted}: {'met' if ok else 'not met'}"


def span_table(texts, predictions) -> list[str]:
    gold = [t.spans for t in texts]
    found = [predicted_spans(p) for p in predictions]
    exact = span_scores(gold, found, labels=SPAN_LABELS)
    loose = span_scores(gold, found, labels=SPAN_LABELS, overlap=True)
    rows = [
        "| label | gold | predicted | P | R | F1 | P overlap | R overlap | F1 overlap | target (exact) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    lines = [(label, exact[label], loose[label]) for label in SPAN_LABELS]
    lines.append(
        ("micro ORG+PERSON+MONEY+PERCENT", micro(exact, ENTITY_LABELS), micro(loose, ENTITY_LABELS))
    )  # fmt: skip
    lines.append(("micro all labels", micro(exact), micro(loose)))
    for label, e, o in lines:
        rows.append(
            f"| {label} | {e.n_gold} | {e.n_predicted} | {_fmt(e.precision)} | "
            f"{_fmt(e.recall)} | {_fmt(e.f1)} | {_fmt(o.precision)} | "
            f"{_fmt(o.recall)} | {_fmt(o.f1)} | {target_met(label, e)} |"
        )
    return rows


def document_table(texts, predictions) -> list[str]:
    rows = [
        "| question | texts | accuracy | macro-F1 | bias evidence on gold bias spans |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for question in ("sentiment", "bias"):
        gold = [t.labels[question] for t in texts]
        best = [_best(p, question) for p in predictions]
        scores = choice_scores(gold, best)
        evidence = evidence_precision(texts, predictions) if question == "bias" else ""
        rows.append(
            f"| {question} | {scores.n} | {_fmt(scores.accuracy)} | "
            f"{_fmt(scores.macro_f1)} | {evidence} |"
        )
    return rows


def _best(prediction, question: str) -> str:
    for suggestion in prediction.questions:
        if suggestion.question == question:
            return suggestion.best
    return ""


def evidence_precision(texts, predictions) -> str:
    """Share of bias evidence spans that overlap a gold LOADED/EXAGGERATION/... span."""
    hits = total = 0
    for text, prediction in zip(texts, predictions, strict=True):
        gold = [s for s in text.spans if s[2] in BIAS_LABELS]
        for span in prediction.evidence.get("bias", ()):
            total += 1
            hits += any(span.start < e and s < span.end for s, e, _ in gold)
    return f"{hits}/{total} = {_fmt(hits / total if total else None)}"


def print_errors(texts, predictions, labels) -> None:
    for text, prediction in zip(texts, predictions, strict=True):
        gold = {s for s in text.spans if s[2] in labels}
        found = {s for s in predicted_spans(prediction) if s[2] in labels}
        for start, end, label in sorted(gold - found):
            print(f"  MISS {text.id} {label}: {text.text[start:end]!r}")
        for start, end, label in sorted(found - gold):
            print(f"  FALSE {text.id} {label}: {text.text[start:end]!r}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=("test", "dev"), default="test")
    parser.add_argument("--errors", action="store_true", help="list errors (dev only)")
    parser.add_argument("--labels", default=",".join(SPAN_LABELS))
    args = parser.parse_args()
    if args.errors and args.split != "dev":
        parser.error("--errors is for the dev split only (rules are tuned on dev)")
    print(
        f"## Suggestion quality on the evaluation corpus ({args.split} split; {machine()})\n"
    )
    print(
        "Original texts written for the check (bench/eval/README.md), names mostly "
        "absent from the gazetteers; rules were changed looking at the dev split "
        "only. Exact = same start, end and label; overlap = SemEval-2020 Task 11 "
        "style credit.\n"
    )
    available = pipeline_names()
    for lang in LANGUAGES:
        texts = load(lang, args.split)
        for pipeline in [p for p in PIPELINES[lang] if p in available]:
            predictions, seconds = run(pipeline, texts)
            print(
                f"### {pipeline}: {len(texts)} {args.split} texts ({seconds:.2f} s)\n"
            )
            print("\n".join(span_table(texts, predictions)))
            print()
            print("\n".join(document_table(texts, predictions)))
            print()
            if args.errors:
                print_errors(texts, predictions, set(args.labels.split(",")))
    if "fin-en-sm" not in available:
        print(
            "fin-en-sm (rules + en_core_web_sm) not measured: the optional model "
            "is not installed (make models).\n"
        )
    from bench.babe_recall import babe_section

    print(babe_section(BABE_DIR))


if __name__ == "__main__":
    main()
