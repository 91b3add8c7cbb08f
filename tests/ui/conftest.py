"""Fixtures for the reader's Pilot and snapshot tests.

Two setups: a store filled from ``tests/ui/pages`` with a fixed fetch time and the app
offline (deterministic: snapshots and most key tests), and the same pages served by the
loopback demo server (network behaviour: refresh, fresh data, the server going away).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tgreader.config import Config
from tgreader.demo.server import DemoServer
from tgreader.service import Service, Settings
from tgreader.ui.app import ReaderApp, make_app
from tgreader.urls import Site

from ui_support import FETCHED_AT, PAGES, AppFactory, fill_store

# The status line's clock: five minutes after the filled store's pages were fetched.
NOW = FETCHED_AT + 300


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the user's config, cache or data, or writes into the working folder."""
    monkeypatch.setenv("TGREADER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TGREADER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TGREADER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def offline_settings(tmp_path: Path) -> Settings:
    """Settings over a store filled from tests/ui/pages; never touches the network."""
    settings = Settings(
        site=Site(), cache_dir=tmp_path / "c", data_dir=tmp_path / "d", offline=True
    )
    fill_store(settings.store_path())
    return settings


@pytest.fixture
async def service(offline_settings: Settings) -> AsyncIterator[Service]:
    """A Service over the filled store, closed after the test."""
    service = Service(offline_settings)
    yield service
    await service.aclose()


@pytest.fixture
def reader(service: Service) -> AppFactory:
    """Builds the app over the filled store with the fixed clock."""

    def build(**options: Any) -> ReaderApp:
        options.setdefault("clock", lambda: NOW)
        return make_app(service.settings, service=service, **options)

    return build


@pytest.fixture
def server() -> Iterator[DemoServer]:
    """tests/ui/pages served on 127.0.0.1."""
    with DemoServer(root=PAGES) as running:
        yield running


@pytest.fixture
def online_settings(tmp_path: Path, server: DemoServer) -> Settings:
    """Settings reading from the demo server into an empty store; no retries, short timeout."""
    return Settings(
        site=Site.from_url(server.url),
        cache_dir=tmp_path / "c",
        data_dir=tmp_path / "d",
        retries=0,
        timeout=5.0,
    )


@pytest.fixture
async def online_service(online_settings: Settings) -> AsyncIterator[Service]:
    """A Service over the demo server, closed after the test."""
    service = Service(online_settings)
    yield service
    await service.aclose()


@pytest.fixture
def notified(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every (message, severity) any ReaderApp notifies, from its very start."""
    seen: list[tuple[str, str]] = []
    original = ReaderApp.notify

    def notify(self: ReaderApp, message: str, **options: Any) -> None:
        seen.append((message, str(options.get("severity", "information"))))
        original(self, message, **options)

    monkeypatch.setattr(ReaderApp, "notify", notify)
    return seen


@pytest.fixture
def snap_app(tmp_path: Path) -> Callable[..., ReaderApp]:
    """An app for snapshots: filled store, offline, fixed clock; it owns its Service (the
    snapshot plugin runs it in its own event loop)."""

    def build(lang: str | None = None, config: Config | None = None) -> ReaderApp:
        settings = Settings(
            site=Site(), cache_dir=tmp_path / "s-c", data_dir=tmp_path / "s-d", offline=True
        )
        if not settings.store_path().exists():
            fill_store(settings.store_path())
        return make_app(settings, lang=lang, config=config, clock=lambda: NOW)

    return build


@pytest.fixture
async def demo_service(tmp_path: Path) -> AsyncIterator[Service]:
    """The built-in demo site on 127.0.0.1, into an empty store; photos off."""
    with DemoServer() as server:
        settings = Settings(
            site=Site.from_url(server.url),
            cache_dir=tmp_path / "demo-c",
            data_dir=tmp_path / "demo-d",
            retries=0,
            timeout=5.0,
            images="off",
        )
        service = Service(settings)
        yield service
        await service.aclose()
