"""A section whose URL the store holds under another kind (an article an older version
made up from the listing): the reader loads the section, and ``r`` keeps it mended. A
copy stored through another origin says so in the status line."""

from __future__ import annotations

import time

from tgreader.demo.server import DemoServer
from tgreader.model import Article
from tgreader.service import Service
from tgreader.settings import Settings
from tgreader.ui.app import make_app
from tgreader.ui.screen import MainScreen

from tui_support import screen_text, settle
from ui_support import FETCHED_AT, PAGES, Notes, parse_page, start_on_section

KINH_TE = "https://tuyengiao.vn/kinh-te"


async def test_a_section_stored_as_an_article_loads_and_r_mends_it(
    online_service: Service, server: DemoServer
) -> None:
    url, home, html = parse_page(PAGES / "index.html")
    online_service.store.put(url, home, html, fetched_at=FETCHED_AT)
    made_up = Article(KINH_TE, "Kinh tế", "Một bài bịa ra", None, None, None, ())
    # Stored just now: fresh, so only the kind check keeps it from being served.
    online_service.store.put(KINH_TE, made_up, "<html></html>", fetched_at=time.time())
    app = make_app(online_service.settings, service=online_service)
    notes = Notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await settle(pilot)
        await start_on_section(pilot)  # the "article" stored at its URL is not served
        assert len(screen.articles.rows) == 6  # both pages: the list fills its pane
        await pilot.press("tab", "r")
        await settle(pilot)
        assert len(screen.articles.rows) == 6
        assert "Một bài bịa ra" not in [r.title for r in screen.articles.rows]
    stored = online_service.store.get(KINH_TE)
    assert stored is not None and stored.kind == "listing"
    assert notes.errors() == []


async def test_a_copy_from_another_origin_says_where_it_came_from(
    offline_settings: Settings,
) -> None:
    service = Service(offline_settings)
    for name in ("index.html", "kinh-te.html"):
        url, page, html = parse_page(PAGES / name)
        service.store.put(url, page, html, fetched_at=FETCHED_AT, origin="https://mirror.example")
    app = make_app(offline_settings, service=service)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await settle(pilot)
        await start_on_section(pilot)
        await pilot.press("tab")
        assert "bản lưu từ https://mirror.example" in screen_text(app)
    await service.aclose()
