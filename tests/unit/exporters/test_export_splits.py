"""Deterministic train/dev/test assignment from a seed and the article key."""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotations.exporters import get_exporter
from annotations.exporters.splits import assign_split, validate_ratios

ROOT = Path(__file__).resolve().parents[3]


def reference_split(key: str, seed: str, ratios: tuple[float, float, float]) -> str:
    """Independent restatement of the documented rule."""
    value = int.from_bytes(
        hashlib.sha256(f"{seed}\x00{key}".encode()).digest()[:8], "big"
    )
    fraction = value / 2**64
    if fraction < ratios[0]:
        return "train"
    if fraction < ratios[0] + ratios[1]:
        return "dev"
    return "test"


def test_matches_the_documented_sha256_rule():
    """The assignment is sha256(seed NUL key) compared with the cumulative ratios."""
    for index in range(2000):
        key = str(index)
        assert assign_split(key, seed="r1") == reference_split(
            key, "r1", (0.8, 0.1, 0.1)
        )


def test_ratios_hold_over_ten_thousand_keys():
    """10,000 keys split close to 80/10/10 (within 1.5 points each)."""
    counts = {"train": 0, "dev": 0, "test": 0}
    for index in range(10_000):
        counts[assign_split(str(index), seed="release-7")] += 1
    assert abs(counts["train"] - 8000) < 150
    assert abs(counts["dev"] - 1000) < 150
    assert abs(counts["test"] - 1000) < 150


def test_other_ratios_hold_too():
    """A 60/20/20 split is honoured as well."""
    counts = {"train": 0, "dev": 0, "test": 0}
    for index in range(10_000):
        counts[assign_split(f"a{index}", seed="s", ratios=(0.6, 0.2, 0.2))] += 1
    assert abs(counts["train"] - 6000) < 200
    assert abs(counts["dev"] - 2000) < 200


def test_seed_changes_the_assignment():
    """Another release seed reshuffles the articles."""
    first = [assign_split(str(index), seed="a") for index in range(500)]
    second = [assign_split(str(index), seed="b") for index in range(500)]
    assert first != second


def test_zero_ratio_split_is_never_used():
    """With ratios (0.9, 0.1, 0) no article lands in test."""
    splits = {
        assign_split(str(i), seed="s", ratios=(0.9, 0.1, 0.0)) for i in range(5000)
    }
    assert splits == {"train", "dev"}
    assert {assign_split(str(i), seed="s", ratios=(0, 0, 1)) for i in range(50)} == {
        "test"
    }


def test_independent_of_python_hash_seed():
    """No use of ``hash()``: another PYTHONHASHSEED gives the same splits."""
    code = (
        "from annotations.exporters.splits import assign_split;"
        "print(''.join(assign_split(str(i), seed='x')[0] for i in range(300)))"
    )
    outputs = set()
    for hash_seed in ("0", "1", "12345"):
        result = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1
    assert outputs.pop().strip() == "".join(
        reference_split(str(i), "x", (0.8, 0.1, 0.1))[0] for i in range(300)
    )


def test_adding_rows_keeps_existing_assignments(make_articles, gold_example):
    """Exporting more articles never moves an already exported article to another split."""
    exporter = get_exporter("jsonl")

    def splits(n: int) -> dict[int, str]:
        sink = io.BytesIO()
        exporter.write(make_articles(n), sink, scheme=gold_example.scheme, seed="r")
        lines = sink.getvalue().decode().splitlines()
        return {obj["id"]: obj["split"] for obj in map(json.loads, lines)}

    small, large = splits(60), splits(200)
    assert len(large) == 200
    assert {key: large[key] for key in small} == small
    assert set(small.values()) == {"train", "dev", "test"}


@pytest.mark.parametrize(
    "ratios",
    [
        (0.8, 0.2),
        (0.8, 0.1, 0.2),
        (1.1, -0.1, 0.0),
        (math.nan, 0.5, 0.5),
        (math.inf, 0, 0),
        (True, 0, 0),
        ("0.8", 0.1, 0.1),
        (0, 0, 0),
    ],
)
def test_invalid_ratios_are_refused(ratios):
    """Ratios must be three finite non-negative numbers adding up to 1."""
    with pytest.raises(ValueError, match="ratios"):
        validate_ratios(ratios)
    with pytest.raises(ValueError, match="ratios"):
        assign_split("1", seed="s", ratios=ratios)


def test_valid_ratios_are_returned_as_floats():
    """Integers are accepted and returned as floats."""
    assert validate_ratios((1, 0, 0)) == (1.0, 0.0, 0.0)
    assert validate_ratios((0.7, 0.2, 0.1)) == (0.7, 0.2, 0.1)
