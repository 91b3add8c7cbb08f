"""Pilot tests: the rough edges a new user found in an hour with the reader (issue 13)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from tgreader.config import Config
from tgreader.demo.server import DemoServer
from tgreader.service import Service, Settings
from tgreader.ui import loaders
from tgreader.ui.app import make_app
from tgreader.ui.loaders import Post
from tgreader.ui.screen import MainScreen
from tgreader.ui.widgets import StatusLine
from tgreader.urls import Site

from tui_support import focused, screen_text, settle
from ui_support import AppFactory, Notes, main, start_on_section

BASE = "https://tuyengiao.vn"
HOI_NGHI = f"{BASE}/kinh-te/hoi-nghi-tong-ket-cong-tac-tuyen-giao-nam-2023-1001"
SIZE = (120, 40)
TAP_HUAN = (
    f"{BASE}/thoi-su-chinh-tri/"
    "tap-huan-ky-nang-chuyen-doi-so-cho-can-bo-lam-cong-tac-tuyen-giao-co-so-150177"
)


async def test_n_on_a_fresh_screen_opens_the_highlighted_first_article(
    reader: AppFactory,
) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.articles.highlighted == 0
        await pilot.press("n")
        await settle(pilot)
        assert screen.article is not None and screen.article.url == HOI_NGHI


async def test_forward_with_nothing_forward_does_not_speak_of_going_back(
    reader: AppFactory,
) -> None:
    app = reader(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        notes = Notes(app)
        await settle(pilot)
        await pilot.press("alt+right")
        await pilot.press("backspace")
        await settle(pilot)
        said = [m for m, _ in notes.items]
        assert said == ["Nothing to go forward to", "Nothing to go back to"]


async def test_the_hints_name_the_keys_in_force_and_a_clash_is_reported(
    service: Service,
) -> None:
    config = Config(keymap={"quit": "Q", "help": "H", "search": "j"})
    app = make_app(service.settings, service=service, config=config, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        notes = Notes(app)
        await settle(pilot)
        text = screen_text(app)
        assert "H help · Q quit" in text
        assert "? help" not in text and "q quit" not in text
        assert "/ search" not in text and "j search" in text  # the placeholder's hint
        # j moved the cursor; now it opens the search box too: one of them never runs.
        app.on_mount()  # the notifications of the start, again, now that they are recorded
        assert "[keymap] gives the key j to several bindings: down, search" in notes
        await pilot.press("ctrl+q")  # Textual's own quit key still quits
        await settle(pilot)
    assert app.return_code is not None or not app.is_running


async def test_r_with_the_site_unreachable_and_nothing_stored_fills_the_sections(
    tmp_path: Path,
) -> None:
    server = DemoServer()
    server.start()
    origin = server.url
    server.stop()  # a port nothing listens on any more
    settings = Settings(
        site=Site.from_url(origin),
        cache_dir=tmp_path / "c",
        data_dir=tmp_path / "d",
        retries=0,
        timeout=2.0,
    )
    service = Service(settings)
    app = make_app(settings, service=service, lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("r")  # during the first load
            await settle(pilot)
            screen = main(app)
            names = [s.name for s in screen.sections.entries]
            assert "Thời sự - Chính trị" in names  # the built-in list, as at start
            await pilot.press("r")
            await settle(pilot)
            assert [s.name for s in screen.sections.entries] == names
    finally:
        await service.aclose()


async def test_a_refresh_asked_before_the_first_frame_is_the_one_that_answers(
    demo_service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first loads' workers start once the first frame is painted; `r` handled before
    # that (typed ahead) must not be cancelled by them, nor left loading for good. The
    # refresh is held until the first frame is long past, as a slow site would hold it.
    mount, load = MainScreen.on_mount, loaders.load_sections
    site_answers = asyncio.Event()

    def mount_then_refresh(screen: MainScreen) -> None:
        mount(screen)
        screen.action_refresh()

    async def slow_refresh(service: Service, post: Post, request: int, refresh: bool) -> None:
        if refresh:
            await site_answers.wait()
        await load(service, post, request, refresh)

    monkeypatch.setattr(MainScreen, "on_mount", mount_then_refresh)
    monkeypatch.setattr(loaders, "load_sections", slow_refresh)
    app = make_app(demo_service.settings, service=demo_service, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()  # the first frame, and what is asked after it
        site_answers.set()
        await settle(pilot)
        screen = main(app)
        assert not screen.requests.loading("sections")
        assert "Thời sự - Chính trị" in [s.name for s in screen.sections.entries]


async def test_a_row_shows_the_sapo_after_the_date_without_the_agency_tag(
    demo_service: Service,
) -> None:
    # Khoa giáo's sapos open with "(TG) - ": after the date, the row has little room left.
    app = make_app(demo_service.settings, service=demo_service, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await start_on_section(pilot, "Khoa giáo")
        screen = main(app)
        rows = [r for r in screen.articles.rows if r.summary]
        assert rows and not any(r.summary.startswith("(TG)") for r in rows if r.summary)
        text = screen_text(app)
        assert "28/11/2018 14:25 · Chương trì…" in text  # was "· (TG) - Ch…"
        assert "(TG)" not in text


async def test_m_on_a_redirected_article_marks_the_list_row_too(demo_service: Service) -> None:
    app = make_app(demo_service.settings, service=demo_service, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        urls = [row.url for row in screen.articles.rows]
        assert TAP_HUAN in urls  # the list's URL, which redirects to /blogs/…
        screen.articles.highlighted = urls.index(TAP_HUAN)
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert screen.article is not None and screen.article.url != TAP_HUAN
        assert TAP_HUAN in screen.articles.read  # opening marked the row read
        await pilot.press("m")  # in the article pane: unread, row and final URL alike
        await settle(pilot)
        assert TAP_HUAN not in screen.articles.read
        data = demo_service.userdata
        assert not data.is_read(TAP_HUAN) and not data.is_read(screen.article.url)
        await pilot.press("m")
        await settle(pilot)
        assert TAP_HUAN in screen.articles.read
        assert data.is_read(TAP_HUAN) and data.is_read(screen.article.url)


async def test_the_status_line_fits_80_columns_dropping_the_least_important_first(
    reader: AppFactory,
) -> None:
    app = reader()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = app.screen.query_one(StatusLine)
        site, online, age = "demo 127.0.0.1:43219", "trực tuyến", "cập nhật 20 giây trước"
        status.set_parts([site, online, age], "bài viết")
        await pilot.pause()
        line = screen_text(app).splitlines()[-1]
        assert site not in line  # the least important part went first
        assert f"{online} · {age} · bài viết" in line  # the rest whole, no ellipsis
        assert "…" not in line
        app.screen.query_one("#keys").display = False  # more room: the site comes back
        await pilot.pause()
        await pilot.pause()
        assert f"{site} · {online} · {age}" in screen_text(app).splitlines()[-1]


async def test_backspace_in_a_narrow_article_with_no_history_goes_back_to_the_list(
    reader: AppFactory,
) -> None:
    app = reader()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await start_on_section(pilot)
        screen = main(app)
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert app.focused is screen.view
        await pilot.press("backspace")
        await settle(pilot)
        assert focused(app) is screen.articles
        assert "Kinh tế" in screen_text(app)


async def test_down_on_the_last_row_loads_more_or_stays_and_up_on_the_first_stays(
    reader: AppFactory,
) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await start_on_section(pilot)
        screen = main(app)
        await pilot.press("tab", "k")
        assert screen.articles.highlighted == 0  # no wrap to the bottom
        await pilot.press("G")
        await settle(pilot)
        rows = len(screen.articles.rows)
        assert rows == 6  # the last row asked for page 2
        await pilot.press("G")
        assert screen.articles.highlighted == rows - 1  # G: the real last row
        for _ in range(3):
            await pilot.press("j")
            await settle(pilot)
        assert screen.articles.highlighted == rows - 1  # no wrap to the top


async def test_o_with_a_console_browser_suspends_the_reader_while_it_runs(
    reader: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contextlib import contextmanager

    from tgreader.ui import loaders

    events: list[str] = []

    class Lynx:
        def open(self, url: str) -> bool:
            events.append(f"open {url}")
            return True

    monkeypatch.setattr(loaders, "console_browser", lambda: Lynx())
    app = reader()

    @contextmanager
    def suspend() -> Iterator[None]:  # the headless driver cannot really suspend
        events.append("suspend")
        yield
        events.append("resume")

    monkeypatch.setattr(app, "suspend", suspend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "enter")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
    assert events == ["suspend", f"open {HOI_NGHI}", "resume"]


async def test_an_engine_failure_is_told_in_the_interface_language(reader: AppFactory) -> None:
    missing = f"{BASE}/kinh-te/mot-bai-chua-luu-9999"
    app = reader()  # offline, over the filled store
    async with app.run_test(size=SIZE) as pilot:
        notes = Notes(app)
        await settle(pilot)
        main(app)._open_article(missing, focus=True)
        await settle(pilot)
        assert notes.errors() == [
            f"Không tải được: {missing}: chưa có trong bản lưu, và tgreader đang ngoại tuyến"
        ]


def test_engine_causes_in_vietnamese_keep_what_they_quote() -> None:
    from tgreader.errors import FetchError
    from tgreader.ui.i18n import Translator

    vi, en = Translator("vi"), Translator("en")
    error = FetchError("https://tuyengiao.vn/a", "connection failed (refused) after 4 tries")
    assert vi.error(error) == "https://tuyengiao.vn/a: không kết nối được (refused) sau 4 lần thử"
    assert en.error(error) == str(error)
    http = FetchError("https://tuyengiao.vn/b", "unexpected HTTP 503 Service Unavailable")
    assert vi.error(http) == "https://tuyengiao.vn/b: HTTP 503 Service Unavailable"
    assert vi.error(ValueError("bug")) == "ValueError: bug"


async def test_a_list_that_failed_says_why_in_its_pane_and_the_menu_fits(
    reader: AppFactory,
) -> None:
    from tgreader.model import Section

    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        longest = max(len(s.name) for s in screen.sections.entries)
        assert screen.sections.size.width >= longest + 2  # every name on one line
        screen._open_section(Section("Văn hóa", f"{BASE}/van-hoa"), focus=True)
        await settle(pilot)
        await pilot.pause(6)  # the toast has faded; the pane still says it
        text = screen_text(app)
        assert "Không tải được danh sách." in text
        assert "chưa có trong bản lưu" in text


async def test_toasts_never_cover_the_panes_titles_or_the_find_bar(reader: AppFactory) -> None:
    app = reader(lang="en")
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("tab", "enter")
        await settle(pilot)
        await pilot.press("ctrl+f", *"the")
        await settle(pilot)
        before = screen_text(app).splitlines()
        for _ in range(10):  # a stack of notifications, as fast keys give
            screen.notify("Marked as read, a note long enough to take two lines in its toast")
        await pilot.pause(0.3)
        after = screen_text(app).splitlines()
        assert sum("Marked as read" in line for line in after) >= 3
        # The panes' titles (the top row) and the find bar (the four rows above the
        # status line: its borders, what is typed, the count) are as they were.
        for row in (0, -5, -4, -3, -2):
            assert after[row] == before[row], after[row]
        assert "the" in after[-3] and "/" in after[-2]
