"""LOADED recall of fin-en on BABE's expert-marked biased words (SG2 gold).

BABE (Spinde et al. 2021) marks, per sentence, the words that carry bias. The
gold file ``gold_sg2.csv`` lists them as free text; we find each word in the
sentence (case-insensitive, whole word, first occurrence, as the data set's
README derives spans) and count it found when a LOADED suggestion overlaps it.
The data set is read in place and never copied (AGPL-3.0, quotes of US news).
"""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

from annotations.nlp.registry import get_pipeline_spec
from annotations.nlp.suggest import predict

BIAS_LABELS = ("LOADED", "EXAGGERATION", "SPECULATION", "CLICKBAIT")


def read_babe(folder: Path) -> list[tuple[str, str, list[str]]]:
    """(text, label_bias, biased words) per SG2 gold item with a text."""
    with (folder / "items.csv").open(encoding="utf-8", newline="") as fh:
        texts = {row["item_id"]: row["text"] for row in csv.DictReader(fh)}
    items = []
    with (folder / "gold_sg2.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            text = texts.get(row["item_id"])
            if not text:
                continue
            try:
                words = [str(w) for w in ast.literal_eval(row["biased_words"] or "[]")]
            except (ValueError, SyntaxError):
                words = []
            items.append((text, row["label_bias"], words))
    return items


def word_span(text: str, word: str) -> tuple[int, int] | None:
    match = re.search(
        rf"(?<!\w){re.escape(word.strip())}(?!\w)", text, flags=re.IGNORECASE
    )
    return match.span() if match and word.strip() else None


def babe_figures(folder: Path) -> dict:
    items = read_babe(folder)
    predictions = predict(get_pipeline_spec("fin-en"), [t for t, _, _ in items])
    words = found_loaded = found_any = unmatched = 0
    loaded_in = {"Biased": 0, "Non-biased": 0}
    sentences = {"Biased": 0, "Non-biased": 0}
    for (text, label, biased), prediction in zip(items, predictions, strict=True):
        spans = [(s.start, s.end, s.label) for s in prediction.spans]
        if label in sentences:
            sentences[label] += 1
            loaded_in[label] += sum(1 for s in spans if s[2] == "LOADED")
        if label != "Biased":
            continue
        for word in biased:
            where = word_span(text, word)
            if where is None:
                unmatched += 1
                continue
            words += 1
            start, end = where
            hits = [s for s in spans if s[0] < end and start < s[1]]
            found_loaded += any(s[2] == "LOADED" for s in hits)
            found_any += any(s[2] in BIAS_LABELS for s in hits)
    return {
        "sentences": len(items),
        "words": words,
        "unmatched": unmatched,
        "recall_loaded": found_loaded / words if words else None,
        "recall_any": found_any / words if words else None,
        "loaded_per_sentence": {
            k: loaded_in[k] / sentences[k] if sentences[k] else None for k in sentences
        },
    }


def babe_section(folder: Path) -> str:
    title = "### BABE biased words (English LOADED recall)\n\n"
    if not (folder / "gold_sg2.csv").is_file():
        return title + f"Not measured: {folder} is not there (BABE is not shipped).\n"
    f = babe_figures(folder)
    per = f["loaded_per_sentence"]
    return title + "\n".join(
        [
            f"{f['sentences']:,} SG2 sentences; {f['words']:,} expert-marked biased words "
            f"located in their Biased sentences ({f['unmatched']} not found verbatim, "
            "skipped). A word counts as found when a suggestion of the label overlaps it.",
            "",
            "| measure | value |",
            "| --- | ---: |",
            f"| recall, LOADED | {f['recall_loaded']:.2f} |",
            f"| recall, any bias label (LOADED, EXAGGERATION, SPECULATION, CLICKBAIT) | {f['recall_any']:.2f} |",
            f"| LOADED suggestions per Biased sentence | {per['Biased']:.2f} |",
            f"| LOADED suggestions per Non-biased sentence | {per['Non-biased']:.2f} |",
            "",
        ]
    )
