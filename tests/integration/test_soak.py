"""The soak of bench/soak.py, short: a working minute on the supervised default, with
a bounded schemathesis run (server errors only) beside it (issue 17)."""

from __future__ import annotations

import pytest

from bench.soak import run, verdict

pytestmark = [pytest.mark.worker]


def test_a_short_working_day_leaves_nothing_broken(tmp_path):
    result = run(
        minutes=0.75, annotators=3, import_size=300, folder=tmp_path, fuzz_examples=1
    )
    assert verdict(result) == []
    assert result["acknowledged"] >= 3  # every annotator submitted at least once
    assert result["jobs"]["done"] >= 3  # work import, bulk import, export
    assert result["longest_write_locks"], "the transaction trace stayed empty"
    assert result["fuzz"]["returncode"] == 0, result["fuzz"]["output"]
