"""The store in front of the network: freshness, revalidation, fallback (real HTTP, real SQLite)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tgreader.demo.server import DemoServer
from tgreader.errors import FetchError
from tgreader.service import Service, Settings
from tgreader.urls import Site

from e2e_support import FaultServer

SEED = (
    "https://tuyengiao.vn/nhip-cau-tuyen-giao/"
    "bac-kan-hoi-nghi-giao-ban-cong-tac-tuyen-giao-quy-i-2023-150123"
)


def _settings(origin: str, tmp_path: Path, **changes: object) -> Settings:
    base: dict[str, object] = {
        "site": Site.from_url(origin),
        "cache_dir": tmp_path / "cache",
        "data_dir": tmp_path / "data",
        "retries": 0,
        "timeout": 2.0,
    }
    base.update(changes)
    return Settings(**base)  # type: ignore[arg-type]


def _paths(server: DemoServer) -> list[tuple[str, int]]:
    return [(path, status) for _, path, status in server.requests]


async def test_fresh_pages_are_not_refetched(tmp_path: Path) -> None:
    with DemoServer() as server:
        service = Service(_settings(server.url, tmp_path))
        first = await service.article(SEED)
        again = await service.article(SEED)
        listing = await service.listing("khoa-giao")
        listing_again = await service.listing("khoa-giao")
        await service.aclose()
    assert first.source == "network" and again.source == "store"
    assert listing.source == "network" and listing_again.source == "store"
    assert again.page == first.page
    assert len(server.requests) == 2  # one article, one listing: nothing fetched twice


async def test_stale_listings_are_revalidated_with_304(tmp_path: Path) -> None:
    with DemoServer() as server:
        service = Service(_settings(server.url, tmp_path, ttl=0.0))
        first = await service.listing("khoa-giao")
        second = await service.listing("khoa-giao")
        refreshed = await service.article(SEED, refresh=True)
        refreshed_again = await service.article(SEED, refresh=True)
        await service.aclose()
    assert _paths(server) == [
        ("/khoa-giao", 200),
        ("/khoa-giao", 304),
        (SEED.removeprefix("https://tuyengiao.vn"), 200),
        (SEED.removeprefix("https://tuyengiao.vn"), 304),
    ]
    assert second.page == first.page
    assert second.fetched_at >= first.fetched_at  # a 304 renews the stored copy's time
    assert refreshed_again.page == refreshed.page


async def test_a_failed_fetch_keeps_the_stored_copy(tmp_path: Path) -> None:
    with DemoServer() as server:
        service = Service(_settings(server.url, tmp_path))
        stored = await service.article(SEED)
        before = service.store.get(SEED)
        await service.aclose()
    with FaultServer() as broken:  # answers 404 to everything
        service = Service(_settings(broken.url, tmp_path))
        fallback = await service.article(SEED, refresh=True)
        after = service.store.get(SEED)
        await service.aclose()
    assert fallback.source == "store"
    assert isinstance(fallback.error, FetchError) and fallback.error.status == 404
    assert fallback.page == stored.page
    assert after == before


async def test_offline_answers_from_the_store_and_never_connects(tmp_path: Path) -> None:
    with DemoServer() as server:
        online = Service(_settings(server.url, tmp_path))
        await online.listing("van-hoa-xa-hoi")
        await online.aclose()
    with FaultServer() as watcher:
        offline = Service(_settings(watcher.url, tmp_path, offline=True))
        answer = await offline.listing("van-hoa-xa-hoi")
        sections, home, error = await offline.sections()
        await offline.aclose()
    assert answer.source == "store" and len(answer.page.articles) == 3
    assert home is None and error is not None and len(sections) >= 5  # home never stored
    assert watcher.hits == []


async def test_the_store_is_keyed_by_canonical_urls(tmp_path: Path) -> None:
    with DemoServer() as first_server:
        service = Service(_settings(first_server.url, tmp_path))
        await service.article(SEED)
        await service.aclose()
    with DemoServer() as second_server:  # another port: the store is still valid
        service = Service(_settings(second_server.url, tmp_path))
        answer = await service.article(SEED)
        await service.aclose()
    assert answer.source == "store"
    assert second_server.requests == []


async def test_the_demo_site_keeps_its_own_store(tmp_path: Path) -> None:
    real = _settings("https://tuyengiao.vn", tmp_path)
    demo = _settings("http://127.0.0.1:1", tmp_path, demo=True)
    assert real.store_path() != demo.store_path()
    assert real.userdata_path() != demo.userdata_path()


async def test_links_off_the_configured_origin_are_never_fetched(tmp_path: Path) -> None:
    with DemoServer() as server:
        service = Service(_settings(server.url, tmp_path))
        with pytest.raises(FetchError, match="open it in a browser"):
            await service.article("https://tuyengiaodanvan.vn/blogs/bai-6805b7a19b2e41c07d3f0a12")
        await service.aclose()
    assert server.requests == []
