"""Hand check: BABE / MBIC Krippendorff's alpha with newsroom's agreement functions.

Usage: .venv/bin/python bench/babe_alpha.py /work/shared/datasets/babe_raw/

Reads the long-format CSVs of that folder (see its README.md), maps labels the way
the source notebook did (Non-biased=0 / Biased=1; factual=0 / somewhat=1 /
opinion=2; empty or unmappable labels are missing), and prints alpha per set at
nominal, ordinal and interval level next to the published (interval) figures of
/work/shared/scheme.md. Raters are ``annotator`` (SG1, SG2) or ``survey_record``
(MBIC: a few crowd workers rated the same sentence in two survey sessions).
Nothing from the data set is stored or copied.
"""

import argparse
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotations.agreement import question_agreement

SETS = {  # name: (file, rater column)
    "SG1": ("annotations_sg1.csv", "annotator"),
    "SG2": ("annotations_sg2.csv", "annotator"),
    "MBIC": ("annotations_mbic.csv", "survey_record"),
}
PUBLISHED = {  # scheme.md, "Published agreement figures" (interval level)
    "SG1": {"bias": 0.39, "opinion": 0.46},
    "SG2": {"bias": 0.40, "opinion": 0.60},
    "MBIC": {"bias": 0.21, "opinion": 0.26},
}
BIAS = {"Non-biased": "non_biased", "Biased": "biased"}
BIAS_ORDER = ["non_biased", "biased"]
OPINION_ORDER = ["factual", "somewhat_opinionated", "opinion"]


def bias_value(raw):
    return BIAS.get(raw.strip())


def opinion_value(raw):
    # the source spells these differently per set ("factional", "wleter´s", ...)
    raw = raw.strip()
    if raw.startswith("Entirely factual"):
        return "factual"
    if raw.startswith("Somewhat"):
        return "somewhat_opinionated"
    if raw.startswith("Expresses"):
        return "opinion"
    return None


def load(folder, name):
    filename, rater = SETS[name]
    bias, opinion = [], []
    with (folder / filename).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            item, who = row["item_id"], row[rater]
            bias.append((item, who, bias_value(row["label_bias"])))
            opinion.append((item, who, opinion_value(row["label_opinion"])))
    return bias, opinion


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="folder like datasets/babe_raw/")
    folder = parser.parse_args().folder
    header = (
        f"{'set':5} {'question':8} {'items':>5} {'raters':>6} {'nominal':>8} "
        f"{'ordinal':>8} {'interval':>8} {'published':>9} {'fleiss':>7} {'%agree':>7}"
    )
    print(header)
    print("-" * len(header))
    for name in SETS:
        bias, opinion = load(folder, name)
        for question, ratings, order in (
            ("bias", bias, BIAS_ORDER),
            ("opinion", opinion, OPINION_ORDER),
        ):
            results = {
                level: question_agreement(ratings, level=level, categories=order)
                for level in ("nominal", "ordinal", "interval")
            }
            nominal = results["nominal"]
            print(
                f"{name:5} {question:8} {nominal.n_items:5d} "
                f"{nominal.n_annotators:6d} "
                f"{nominal.krippendorff_alpha:8.4f} "
                f"{results['ordinal'].krippendorff_alpha:8.4f} "
                f"{results['interval'].krippendorff_alpha:8.4f} "
                f"{PUBLISHED[name][question]:9.2f} "
                f"{nominal.fleiss_kappa:7.4f} {nominal.percent_agreement:7.4f}"
            )


if __name__ == "__main__":
    main()
