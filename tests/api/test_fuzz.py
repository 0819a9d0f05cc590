"""schemathesis against a real gunicorn server: 0 server errors, 0 schema violations.

Runs ``bench/fuzz_api.py`` bounded (few examples per operation, fixed seed) with
every check, as the demo admin and as an annotator, on a throw-away SQLite
database with the demo data. Part of ``make test`` and so of ``.ci/run``: it
fails, never skips. ``python -m bench.fuzz_api`` is the longer run.
"""

from __future__ import annotations

import os

import pytest

from bench import fuzz_api

pytestmark = pytest.mark.fuzz

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "2"))
SEED = int(os.environ.get("FUZZ_SEED", "20261202"))


def test_schemathesis_finds_nothing_as_admin_or_annotator(tmp_path):
    results = fuzz_api.run(
        max_examples=MAX_EXAMPLES, seed=SEED, port=0, folder=tmp_path
    )
    assert [r.user for r in results] == list(fuzz_api.FUZZ_USERS)
    for result in results:
        assert "Test cases:" in result.output, result.output[-3000:]
        assert result.returncode == 0, (
            f"schemathesis as {result.user} (seed {SEED}):\n{result.output[-8000:]}"
        )
