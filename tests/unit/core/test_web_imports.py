"""Web processes never import spaCy: loading every URL and view leaves it out.

spaCy (and its numpy/thinc stack) is for the Celery workers that pre-annotate
and train; the pre-annotation service imports ``annotations.nlp`` inside the
functions that need it. The check runs in a fresh interpreter, because this
test process has imported spaCy already through other tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import importlib, json, pkgutil, sys
import django
django.setup()
from django.urls import URLPattern, URLResolver, get_resolver

def walk(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns)
        else:
            yield pattern

callbacks = [pattern.callback for pattern in walk(get_resolver().url_patterns)]
import annotations.api, annotations.templatetags, annotations.views
for package in (annotations.views, annotations.api, annotations.templatetags):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {"spacy", "thinc"})
print(json.dumps({"callbacks": len(callbacks), "heavy": heavy}))
"""


def _probe() -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings.test"}
    command = [sys.executable, "-c", PROBE]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_url_conf_and_every_view_module_load_without_spacy():
    found = _probe()
    assert found["callbacks"] > 40  # the whole URL conf was walked
    assert found["heavy"] == []
