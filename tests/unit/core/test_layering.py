"""The house's layering rules, checked on the source (README "Architecture", style.md C).

- Doors (pages, API views, management commands) parse, call one service or selector and
  render: they run no ORM query and open no transaction.
- Leaf modules work on plain data: they import no models, services, selectors or ``django.db``.
- No module of ours grows past ~400 lines, no function past ~80 (data tables excepted).

The ``*_PENDING`` sets name the places that still break a rule while the refactor of
issue 10 is under way; they may only shrink. An entry that no longer breaks its rule
fails the test too, so the list never goes stale.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
APP = ROOT / "annotations"

# Door modules: everything under views/, api/ (but the declarative serializer, filter,
# pagination, permission and throttling modules) and the management commands.
DOOR_DIRS = ("views", "api", "management/commands")
DOOR_EXEMPT = {
    "api/serializers.py",
    "api/filters.py",
    "api/pagination.py",
    "api/permissions.py",
    "api/throttling.py",
    "api/exceptions.py",
}
# Method names that only a QuerySet/Manager answers in our code, and transactions.
ORM_METHODS = {
    "objects",
    "filter",
    "exclude",
    "select_related",
    "prefetch_related",
    "select_for_update",
    "annotate",
    "aggregate",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "values_list",
    "atomic",
}
LEAF_MODULES = (
    "nlp",
    "exporters",
    "agreement",
    "agreement_report",
    "scheme.py",
    "scheme_diff.py",
    "scheme_migration.py",
    "guideline_text.py",
    "offsets.py",
    "consensus.py",
    "changes.py",
    "adjudication_rows.py",
    "navigation.py",
    "model_loop.py",
    "prediction_confidence.py",
    "job_states.py",
    "workspace_checks.py",
)
LEAF_FORBIDDEN = (
    "annotations.models",
    "annotations.services",
    "annotations.selectors",
    "django.db",
)
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
# Data tables, not logic: lexicons and token patterns.
SIZE_EXEMPT = {"nlp/patterns.py", "default_scheme.py"}

DOOR_PENDING: set[str] = set()
MODULE_SIZE_PENDING: set[str] = set()
FUNCTION_SIZE_PENDING: set[str] = set()


def _modules(*parts: str) -> list[Path]:
    found: list[Path] = []
    for part in parts:
        path = APP / part
        found.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return [p for p in found if "migrations" not in p.parts]


def _rel(path: Path) -> str:
    return path.relative_to(APP).as_posix()


def _orm_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    uses = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ORM_METHODS:
            uses.append(f"{_rel(path)}:{node.lineno} .{node.attr}")
    return uses


def _door_modules() -> list[Path]:
    return [p for p in _modules(*DOOR_DIRS) if _rel(p) not in DOOR_EXEMPT]


def test_doors_run_no_orm_queries():
    offenders = {}
    for path in _door_modules():
        uses = _orm_uses(path)
        if uses:
            offenders[_rel(path)] = uses
    new = {name: uses for name, uses in offenders.items() if name not in DOOR_PENDING}
    assert not new, f"ORM queries in doors; move them into a selector or service: {new}"
    stale = DOOR_PENDING - set(offenders)
    assert not stale, f"clean now, remove from DOOR_PENDING: {sorted(stale)}"


@pytest.mark.parametrize("path", _modules(*LEAF_MODULES), ids=_rel)
def test_leaf_modules_import_no_orm(path):
    tree = ast.parse(path.read_text())
    imported = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.append(node.module)
        elif isinstance(node, ast.Import):
            imported.extend(alias.name for alias in node.names)
    bad = [m for m in imported if m.startswith(LEAF_FORBIDDEN)]
    assert not bad, f"{_rel(path)} is a leaf module but imports {bad}"


def _sizes() -> tuple[dict[str, int], dict[str, int]]:
    modules, functions = {}, {}
    for path in _modules("."):
        rel = _rel(path)
        if rel in SIZE_EXEMPT:
            continue
        source = path.read_text()
        modules[rel] = source.count("\n")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                key, length = f"{rel}::{node.name}", node.end_lineno - node.lineno + 1
                functions[key] = max(functions.get(key, 0), length)
    return modules, functions


def test_modules_stay_small():
    modules, _ = _sizes()
    big = {n for n, lines in modules.items() if lines > MAX_MODULE_LINES}
    assert not big - MODULE_SIZE_PENDING, (
        f"split by noun: {sorted(big - MODULE_SIZE_PENDING)}"
    )
    assert not MODULE_SIZE_PENDING - big, (
        f"small now, remove from MODULE_SIZE_PENDING: {sorted(MODULE_SIZE_PENDING - big)}"
    )


def test_functions_stay_short():
    _, functions = _sizes()
    long = {n for n, lines in functions.items() if lines > MAX_FUNCTION_LINES}
    assert not long - FUNCTION_SIZE_PENDING, (
        f"split these: {sorted(long - FUNCTION_SIZE_PENDING)}"
    )
    assert not FUNCTION_SIZE_PENDING - long, (
        f"short now, remove from FUNCTION_SIZE_PENDING: {sorted(FUNCTION_SIZE_PENDING - long)}"
    )
