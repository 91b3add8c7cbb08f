"""docs/reliability.md cannot drift: it is what scripts/reliability_matrix.py writes, every
test it names exists, and every reliability test is named in it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from rel_support.matrix import named_tests, render
from rel_support.stats import COLLECTED

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "reliability.md"
HERE = Path(__file__).resolve().parent


def test_the_doc_is_what_the_script_writes() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/reliability.md is out of date: run python scripts/reliability_matrix.py"
    )


def _functions(file: Path) -> set[str]:
    """``name`` and ``Class::name`` of every test function defined in ``file``."""
    tree = ast.parse(file.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.add(f"{node.name}::{item.name}")
    return {n for n in names if n.rsplit("::", 1)[-1].startswith("test")}


def _collected(request: pytest.FixtureRequest, files: set[str]) -> set[str]:
    """The test ids pytest collects from ``files``: this session's, or a collection of
    their own in a subprocess for files this session did not collect."""
    seen = request.config.stash.get(COLLECTED, set())
    known = {node for node in seen if node.split("::", 1)[0] in files}
    missing = sorted(files - {node.split("::", 1)[0] for node in known})
    if missing:
        found = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
             "--run-slow", *missing],
            capture_output=True, text=True, cwd=ROOT, timeout=300,
        )  # fmt: skip
        known |= {line.strip() for line in found.stdout.splitlines() if "::" in line}
    return known


def test_every_test_the_doc_names_exists(request: pytest.FixtureRequest) -> None:
    ids = named_tests()
    files = {i.split("::", 1)[0] for i in ids}
    absent_files = sorted(f for f in files if not (ROOT / f).is_file())
    assert absent_files == []
    for node in ids:
        file, name = node.split("::", 1)
        assert name.split("[", 1)[0] in _functions(ROOT / file), node
    collected = _collected(request, files)
    # A name without parameters stands for all of its parametrised cases.
    missing = [
        node
        for node in ids
        if node not in collected and not any(c.startswith(node + "[") for c in collected)
    ]
    assert missing == []


def test_every_reliability_test_is_in_the_doc() -> None:
    named = {node.split("[", 1)[0] for node in named_tests()}
    this = Path(__file__).name
    unnamed = [
        f"tests/reliability/{file.name}::{name}"
        for file in sorted(HERE.glob("test_*.py"))
        if file.name != this
        for name in sorted(_functions(file))
        if f"tests/reliability/{file.name}::{name}" not in named
    ]
    assert unnamed == []
