"""The latest news ("Mới nhất"): the home page's articles in page order, then the newest
stored articles, over real HTTP and a real store; offline from the store alone."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from tgreader.demo.server import DemoServer
from tgreader.errors import NotStoredError
from tgreader.model import ListItem
from tgreader.service import Service, Settings
from tgreader.urls import Site

SEED = (
    "https://tuyengiao.vn/nhip-cau-tuyen-giao/"
    "bac-kan-hoi-nghi-giao-ban-cong-tac-tuyen-giao-quy-i-2023-150123"
)


def _settings(origin: str, tmp_path: Path) -> Settings:
    return Settings(
        site=Site.from_url(origin),
        cache_dir=tmp_path / "cache",
        data_dir=tmp_path / "data",
        retries=0,
        timeout=2.0,
    )


async def test_the_home_pages_articles_come_first_then_the_newest_stored(
    tmp_path: Path,
) -> None:
    with DemoServer() as server:
        service = Service(_settings(server.url, tmp_path))
        home = (await service.home()).page
        listed: list[ListItem] = []
        for section in ("khoa-giao", "van-hoa-xa-hoi", "thoi-su-chinh-tri"):
            for page in (1, 2):
                url = service.listing_url(section, page)
                listed += (await service.listing(url)).page.articles
        for item in listed:
            await service.article(item.url)
        await service.article(SEED)
        latest, error = await service.latest()
        await service.aclose()
    assert error is None
    urls = [item.url for item in latest]
    on_home = [link.url for link in home.articles]
    assert on_home and urls[: len(on_home)] == list(dict.fromkeys(on_home))
    assert len(urls) == len(set(urls))  # an article on the home page is listed once
    rest = latest[len(set(on_home)) :]
    stored_only = {item.url for item in listed} | {SEED}
    assert {item.url for item in rest} == stored_only - set(on_home)
    dates = [item.published.isoformat() for item in rest if item.published]
    assert len(dates) == len(rest) > 1, rest
    assert dates == sorted(dates, reverse=True)  # newest first


async def test_offline_the_latest_are_the_stored_articles_and_why(tmp_path: Path) -> None:
    with DemoServer() as server:
        online = Service(_settings(server.url, tmp_path))
        await online.article(SEED)
        await online.aclose()
        settings = dataclasses.replace(_settings(server.url, tmp_path), offline=True)
    offline = Service(settings)
    latest, error = await offline.latest(limit=5)
    await offline.aclose()
    assert [item.url for item in latest] == [SEED]
    assert isinstance(error, NotStoredError)  # the home page was never stored


async def test_stored_lists_follow_a_sections_stored_pages_and_stop_at_the_first_missing(
    tmp_path: Path,
) -> None:
    with DemoServer() as server:
        service = Service(_settings(server.url, tmp_path))
        sections = list((await service.home()).page.sections)
        thoi_su = next(s for s in sections if s.url.endswith("/thoi-su-chinh-tri"))
        pages = [(await service.listing(thoi_su.url, page)).page for page in (1, 2, 3)]
        khoa_giao = next(s for s in sections if s.url.endswith("/khoa-giao"))
        await service.listing(khoa_giao.url, 2)  # page 2 alone: page 1 is not stored
        await service.aclose()
        settings = dataclasses.replace(_settings(server.url, tmp_path), offline=True)
    offline = Service(settings)
    lists = offline.stored_lists(sections)
    two = offline.stored_lists([thoi_su], pages=2)
    await offline.aclose()
    every = list(dict.fromkeys(a.url for page in pages for a in page.articles))
    assert lists[thoi_su.url] == every and len(every) > len(pages[0].articles)
    assert two[thoi_su.url] == list(dict.fromkeys(a.url for p in pages[:2] for a in p.articles))
    assert lists[khoa_giao.url] == []  # its first page was never stored
    assert set(lists) == {s.url for s in sections}
