"""Narrow terminals, the interface language, and failures that must not take the app down."""

from __future__ import annotations

import sqlite3

from tgreader.service import Service
from tgreader.ui.screen import MainScreen

from tui_support import focused, screen_text, settle
from ui_support import AppFactory, Notes, start_on_section

BASE = "https://tuyengiao.vn"
HOI_NGHI = f"{BASE}/kinh-te/hoi-nghi-tong-ket-cong-tac-tuyen-giao-nam-2023-1001"
XUAT_KHAU = f"{BASE}/kinh-te/xuat-khau-nong-san-tang-truong-manh-trong-quy-mot-1002"


def shown(screen: MainScreen) -> list[str]:
    return [pane.id or "" for pane in screen.panes if pane.display]


async def test_narrow_terminal_shows_one_pane_at_a_time(reader: AppFactory) -> None:
    app = reader()
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        await start_on_section(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.narrow
        assert shown(screen) == ["sections"]
        await pilot.press("tab")
        assert shown(screen) == ["articles"]
        assert app.focused is screen.articles
        await pilot.press("enter")
        await settle(pilot)
        assert shown(screen) == ["article"]
        assert focused(app) is screen.view
        assert "Hội nghị tổng kết công tác tuyên giáo năm 2023" in screen_text(app)
        await pilot.press("shift+tab")
        assert shown(screen) == ["articles"]
        await pilot.press("n")  # when narrow, n shows the article it opens
        await settle(pilot)
        assert shown(screen) == ["article"]
        assert screen.article is not None and screen.article.url == XUAT_KHAU
        await pilot.press("tab")
        assert shown(screen) == ["sections"]


async def test_resizing_switches_between_the_layouts(reader: AppFactory) -> None:
    app = reader()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert shown(screen) == ["sections", "articles", "article"]
        await pilot.press("tab")
        await pilot.resize_terminal(99, 30)
        await pilot.pause()
        assert shown(screen) == ["articles"]  # the pane that had the focus
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert shown(screen) == ["sections", "articles", "article"]


async def test_english_interface(reader: AppFactory) -> None:
    app = reader(lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Sections" in text
        assert "tuyengiao.vn · offline · updated 5 min ago" in text
        assert "? help · q quit" in text
        await pilot.press("question_mark")
        assert "Next article of the list" in screen_text(app)


async def test_a_page_missing_from_the_store_is_a_notification(
    reader: AppFactory, service: Service
) -> None:
    # Gone from the file, as another program or an older version could have left it.
    with sqlite3.connect(service.settings.store_path()) as conn:
        assert conn.execute("DELETE FROM pages WHERE url = ?", (XUAT_KHAU,)).rowcount == 1
    conn.close()
    app = reader()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        notes = Notes(app)
        await pilot.press("tab", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("1")  # Xuất khẩu…: not stored, and offline
        await settle(pilot)
        assert len(notes.errors()) == 1
        assert XUAT_KHAU in notes.errors()[0]
        assert screen.article is not None and screen.article.url == HOI_NGHI  # last good stays
        await pilot.press("9")  # no 9th link: a hint, not an error
        await settle(pilot)
        assert len(notes.errors()) == 1
        assert app.is_running
