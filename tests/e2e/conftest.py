"""End-to-end fixtures: the sample site on 127.0.0.1, a fault server, and the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tgreader.demo.server import DemoServer

from e2e_support import CliResult, FaultServer


@pytest.fixture
def demo_server() -> Iterator[DemoServer]:
    with DemoServer() as server:
        yield server


@pytest.fixture
def dirs(tmp_path: Path) -> dict[str, str]:
    """An environment with a private cache and data folder, and no inherited tgreader settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TGREADER_")}
    env.update(
        TGREADER_CACHE_DIR=str(tmp_path / "cache"),
        TGREADER_DATA_DIR=str(tmp_path / "data"),
        TGREADER_CONFIG_DIR=str(tmp_path / "config"),
        COLUMNS="100",
        NO_COLOR="1",
    )
    return env


@pytest.fixture
def cli(dirs: dict[str, str]) -> Callable[..., CliResult]:
    """Run ``tgreader ARGS`` in a subprocess, as a user would, and capture what it says."""

    def run(*args: str, timeout: float = 60, stdin: str | None = None) -> CliResult:
        proc = subprocess.run(
            [sys.executable, "-m", "tgreader", *args],
            capture_output=True,
            text=True,
            env=dirs,
            timeout=timeout,
            input=stdin,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def faults() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server
