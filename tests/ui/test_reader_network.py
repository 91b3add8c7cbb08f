"""The reader over the loopback demo server: fresh data, refresh, failures, going offline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from tgreader.demo.server import DemoServer
from tgreader.model import Article, Listing
from tgreader.service import Service, Settings
from tgreader.ui.app import make_app
from tgreader.ui.screen import MainScreen

from tui_support import screen_text, settle, until
from ui_support import FETCHED_AT, PAGES, Notes, parse_page, start_on_section

BASE = "https://tuyengiao.vn"
HOI_NGHI = f"{BASE}/kinh-te/hoi-nghi-tong-ket-cong-tac-tuyen-giao-nam-2023-1001"
XUAT_KHAU = f"{BASE}/kinh-te/xuat-khau-nong-san-tang-truong-manh-trong-quy-mot-1002"
KINH_TE_SO = f"{BASE}/kinh-te/phat-trien-kinh-te-so-o-cac-dia-phuong-mien-nui-1003"
SIZE = (120, 40)


def store_page(service: Service, name: str, change: Callable[[object], object] | None = None,
               fetched_at: float = FETCHED_AT) -> None:  # fmt: skip
    """Put the page file ``name`` in the store as fetched long ago (stale), maybe changed."""
    url, model, html = parse_page(PAGES / name)
    service.store.put(url, change(model) if change else model, html, fetched_at=fetched_at)  # type: ignore[arg-type]


async def test_network_answers_replace_the_stored_list_keeping_the_cursor(
    online_service: Service, server: DemoServer
) -> None:
    # The store holds an old copy of the listing, in another order and without 1004.
    def older(listing: object) -> object:
        assert isinstance(listing, Listing)
        first, second, third, _ = listing.articles
        return replace(listing, articles=(third, first, second))

    store_page(online_service, "index.html")
    store_page(online_service, "kinh-te.html", older)
    server.latency = 1.0  # the stored copy paints well before the site answers
    app = make_app(online_service.settings, service=online_service)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await until(pilot, lambda: bool(screen.sections.entries))  # the stored menu
        await start_on_section(pilot, wait=False)
        await until(pilot, lambda: [r.url for r in screen.articles.rows][1:2] == [HOI_NGHI])
        await pilot.press("tab", "j")  # the cursor on Hội nghị…, second in the old copy
        row = screen.articles.highlighted_row
        assert row is not None and row.url == HOI_NGHI
        await settle(pilot)
        assert [r.url for r in screen.articles.rows][:2] == [HOI_NGHI, XUAT_KHAU]
        assert len(screen.articles.rows) == 6  # and page 2, to fill the pane
        row = screen.articles.highlighted_row
        assert row is not None and row.url == HOI_NGHI  # the cursor followed its article
        assert "trực tuyến" in screen_text(app)


async def test_r_refreshes_the_article_keeping_the_scroll(
    online_service: Service, server: DemoServer
) -> None:
    def older(article: object) -> object:
        assert isinstance(article, Article)
        return replace(article, title="Bản cũ: " + article.title)

    store_page(online_service, "kinh-te/phat-trien-kinh-te-so-o-cac-dia-phuong-mien-nui-1003.html",
               older)  # fmt: skip
    app = make_app(online_service.settings, service=online_service)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("tab", "j", "j", "enter")
        await settle(pilot)
        assert screen.article is not None and screen.article.title.startswith("Bản cũ: ")
        assert not any("1003" in path for _, path, _ in server.requests)  # stored: no fetch
        await pilot.press("space", "j")
        where = screen.view.scroll_y
        await pilot.press("r")
        await settle(pilot)
        assert screen.article.title == "Phát triển kinh tế số ở các địa phương miền núi"
        assert screen.view.scroll_y == where
        assert any("1003" in path for _, path, _ in server.requests)


async def test_offline_start_from_a_filled_store_with_the_server_stopped(
    online_settings: Settings, server: DemoServer
) -> None:
    # Fill the store through the site, then take the site away.
    filling = Service(online_settings)
    await filling.sections()
    await filling.listing("kinh-te")
    await filling.article(HOI_NGHI)
    await filling.aclose()
    server.stop()

    service = Service(replace(online_settings, ttl=0))  # everything stale: the network is tried
    app = make_app(service.settings, service=service)
    try:
        async with app.run_test(size=SIZE) as pilot:
            notes = Notes(app)
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            assert screen.sections.entries[0].name == "Kinh tế"
            assert len(screen.articles.rows) == 4
            assert notes.errors(), "the failed fetch is a notification"
            assert len(notes.errors()) == 1, "one note for going offline, not one per page"
            assert "ngoại tuyến" in screen_text(app)
            await pilot.press("tab", "enter")
            await settle(pilot)
            assert screen.article is not None and screen.article.url == HOI_NGHI
            # An article that was never stored: a notification, and the article stays.
            await pilot.press("1")
            await settle(pilot)
            assert screen.article.url == HOI_NGHI
            assert len(notes.errors()) == 2
            assert app.is_running
    finally:
        await service.aclose()
