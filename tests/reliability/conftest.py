"""Fixtures of the reliability tests, and the counts they report at the end of a run."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tgreader.demo.server import DemoServer
from tgreader.service import Service, Settings
from tgreader.urls import Site

from rel_support import stats
from rel_support.faults import SEED
from rel_support.runner import Cli, base_env


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--run-slow", default=False):
        stats.set_examples(stats.SLOW_EXAMPLES)
    config.stash[stats.COLLECTED] = set()


def pytest_itemcollected(item: pytest.Item) -> None:
    # Every test id collected in this session, deselected ones included, for the check
    # that docs/reliability.md names only tests that exist.
    item.config.stash[stats.COLLECTED].add(item.nodeid)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not stats.EXAMPLES and not stats.KILLS:
        return
    write = terminalreporter.write_line
    terminalreporter.section("reliability")
    if stats.EXAMPLES:
        total = sum(stats.EXAMPLES.values())
        parts = ", ".join(f"{name} {count}" for name, count in sorted(stats.EXAMPLES.items()))
        write(f"hypothesis examples run: {total} ({parts})")
    if stats.KILLS:
        kills = stats.KILLS
        write(
            f"kill trials: {kills['run']} run, {kills['killed mid-sync']} killed mid-sync, "
            f"{kills['finished first']} finished before the kill, {kills['passed']} passed"
        )
        counts = sorted(stats.STORED_AT_KILL)
        if counts:
            write(
                f"pages stored when killed: {counts[0]} to {counts[-1]}, median "
                f"{counts[len(counts) // 2]} (-1: the store file did not exist yet)"
            )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A private environment for tgreader subprocesses."""
    return base_env(tmp_path)


@pytest.fixture
def cli(env: dict[str, str]) -> Cli:
    """Runs ``tgreader`` in a subprocess with ``env``."""
    return Cli(env)


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    """The sample site on 127.0.0.1."""
    with DemoServer() as server:
        yield server


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder whose store holds the seed article, fetched once per session."""
    folder = tmp_path_factory.mktemp("seeded") / "cache"

    async def fill(origin: str) -> None:
        service = Service(Settings(site=Site.from_url(origin), cache_dir=folder, retries=0))
        try:
            await service.article(SEED)
        finally:
            await service.aclose()

    with DemoServer() as server:
        asyncio.run(fill(server.url))
    return folder


@pytest.fixture
def seeded(seeded_template: Path, tmp_path: Path) -> Path:
    """This test's cache folder (the ``env`` one), holding the seed article; returns the
    store file."""
    folder = tmp_path / "cache"
    shutil.copytree(seeded_template, folder)
    return folder / "pages.sqlite3"
