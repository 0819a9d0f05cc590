"""Runs the JavaScript unit tests (``node --test``) of static/annotations/workspace.js.

Like the browser tests: without node they skip with a message locally and fail
in CI (CI or NEWSROOM_REQUIRE_SERVICES set).
"""

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import services_required

HERE = Path(__file__).resolve().parent


def test_workspace_js_unit_tests_pass():
    node = shutil.which("node")
    if node is None:
        message = "node is not installed; the JavaScript unit tests need it"
        if services_required():
            pytest.fail(message)
        pytest.skip(message)
    result = subprocess.run(
        [node, "--test", str(HERE / "workspace.test.js")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout
