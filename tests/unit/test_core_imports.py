"""The core must not load Textual: each core module is imported alone in a fresh process."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import tgreader

CORE = sorted(
    name
    for _, name, _ in pkgutil.walk_packages(tgreader.__path__, "tgreader.")
    if not name.startswith("tgreader.ui") and name != "tgreader.__main__"
)


def test_core_modules_are_found() -> None:
    assert {"tgreader.parse", "tgreader.service", "tgreader.cli", "tgreader.store"} <= set(CORE)


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_import_textual(module: str) -> None:
    code = f"import sys, {module}; print('textual' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False", f"{module} loads textual"
