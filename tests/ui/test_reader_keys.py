"""Pilot tests: every key of the reader, over a store filled from tests/ui/pages."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import pytest

from tgreader.config import Config
from tgreader.render import export_name
from tgreader.service import Service
from tgreader.ui import loaders
from tgreader.ui.article_view import RelatedLink
from tgreader.ui.dialogs import HelpScreen, SearchScreen
from tgreader.ui.screen import MainScreen
from tgreader.ui.widgets import ArticleList, SectionList

from tui_support import screen_text, settle, type_at_once
from ui_support import AppFactory, Notes, main, opened_url, start_on_section

BASE = "https://tuyengiao.vn"
HOI_NGHI = f"{BASE}/kinh-te/hoi-nghi-tong-ket-cong-tac-tuyen-giao-nam-2023-1001"
XUAT_KHAU = f"{BASE}/kinh-te/xuat-khau-nong-san-tang-truong-manh-trong-quy-mot-1002"
KINH_TE_SO = f"{BASE}/kinh-te/phat-trien-kinh-te-so-o-cac-dia-phuong-mien-nui-1003"
DOANH_NGHIEP = f"{BASE}/kinh-te/doanh-nghiep-nho-va-vua-tiep-can-von-uu-dai-1004"
LAO_DONG = f"{BASE}/kinh-te/thi-truong-lao-dong-phuc-hoi-sau-dai-dich-1005"
SIZE = (120, 40)
HELP_KEYS = (
    "Tab", "Shift+Tab", "↓ j", "↑ k", "Space PgDn", "PgUp", "g Home", "G End", "Enter", "n", "p",
    "1 2 3 4 5 6 7 8 9", "Backspace h Alt+←", "Alt+→", "/", "Ctrl+F", "F3", "Shift+F3", "r",
    "m", "N", "A", "u", "f", "F", "o", "y", "e", "?", "q", "Esc",
)  # fmt: skip


async def open_first_article(pilot: object) -> MainScreen:
    """Tab to the article list and open its first article."""
    await pilot.press("tab", "enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    return main(pilot.app)  # type: ignore[attr-defined]


async def test_start_paints_sections_and_the_latest_news(reader: AppFactory) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.sections.keys()[:2] == ["latest", "bookmarks"]
        assert [s.name for s in screen.sections.entries] == [
            "Kinh tế",
            "Thời sự - Chính trị",
            "Khoa giáo",
        ]
        # The reader starts on "Mới nhất": the home page's articles in page order, then
        # the newest stored ones, the first under the cursor.
        home = [link.url for link in screen._home.articles] if screen._home else []
        rows = [r.url for r in screen.articles.rows]
        assert home and rows[: len(home)] == home
        assert len(rows) == len(set(rows)) > len(home)
        assert screen.articles.highlighted == 0
        assert screen.sections.highlighted_key == "latest"
        assert app.focused is screen.sections
        text = screen_text(app)
        assert "Mới nhất" in text and "Đã lưu" in text
        assert "tuyengiao.vn · ngoại tuyến · cập nhật 5 phút trước" in text
        await start_on_section(pilot)
        assert [r.url for r in screen.articles.rows][:2] == [HOI_NGHI, XUAT_KHAU]
        # The list's date, without the weekday: room for the sapo after it.
        assert "13/4/2023 07:53 · " in screen_text(app)
        assert "Thứ Năm" not in screen_text(app)


async def test_enter_opens_a_section_and_focuses_its_articles(reader: AppFactory) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await start_on_section(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        screen = main(app)
        assert screen.articles.border_title == "Thời sự - Chính trị"
        assert len(screen.articles.rows) == 2
        assert app.focused is screen.articles
        await pilot.press("shift+tab", "k", "enter")  # k goes back up in the menu
        await settle(pilot)
        assert screen.articles.border_title == "Kinh tế"


async def test_enter_opens_an_article_in_the_article_pane(
    reader: AppFactory, service: Service
) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_first_article(pilot)
        assert screen.article is not None and screen.article.url == HOI_NGHI
        assert app.focused is screen.view
        text = screen_text(app)
        assert "Kinh tế · Thứ Năm, 13/4/2023 07:53" in text
        assert "▣ Ảnh: Quang cảnh Hội nghị." in text
        assert service.userdata.is_read(HOI_NGHI)
        assert HOI_NGHI in screen.articles.read  # dimmed in the list


async def test_tab_and_shift_tab_cycle_the_panes(reader: AppFactory) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        seen = []
        for _ in range(3):
            await pilot.press("tab")
            seen.append(app.focused)
        assert seen == [screen.articles, screen.view, screen.sections]
        await pilot.press("shift+tab")
        assert app.focused is screen.view


async def test_j_k_move_in_lists_and_scroll_the_article(reader: AppFactory) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await start_on_section(pilot)
        screen = main(app)
        await pilot.press("tab", "j", "j")
        assert screen.articles.highlighted == 2
        await pilot.press("down", "k", "up")
        assert screen.articles.highlighted == 1
        await pilot.press("j", "enter")  # the long article
        await settle(pilot)
        assert screen.article is not None and screen.article.url == KINH_TE_SO
        await pilot.press("j", "j", "down")
        assert screen.view.scroll_y == 3
        await pilot.press("k", "up")
        assert screen.view.scroll_y == 1


async def test_space_pages_g_and_G_jump(reader: AppFactory) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await start_on_section(pilot)
        screen = main(app)
        # The list filled its pane: both stored pages are in it, then "Hết" (the end).
        assert len(screen.articles.rows) == 6
        assert "Hết" in screen_text(app)
        await pilot.press("tab", "G")
        await settle(pilot)
        assert screen.articles.highlighted == len(screen.articles.rows) - 1 == 5
        await pilot.press("g")
        assert screen.articles.highlighted == 0
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        view = screen.view
        page = view.scrollable_content_region.height
        await pilot.press("space")
        assert view.scroll_y == page
        await pilot.press("pagedown")
        assert view.scroll_y == 2 * page
        await pilot.press("pageup")
        assert view.scroll_y == page
        await pilot.press("G")
        assert view.scroll_y == view.max_scroll_y > 2 * page
        await pilot.press("g")
        assert view.scroll_y == 0


async def test_2_follows_a_related_link_and_backspace_restores_the_scroll(
    reader: AppFactory,
) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await start_on_section(pilot)
        screen = main(app)
        await pilot.press("tab", "j", "j", "enter")
        await settle(pilot)
        assert screen.article is not None and screen.article.url == KINH_TE_SO
        await pilot.press("space", "j", "j")
        where = screen.view.scroll_y
        assert where > 0
        await pilot.press("2")  # Các tin khác: 1. Hội nghị…, 2. Xuất khẩu…
        await settle(pilot)
        assert screen.article.url == XUAT_KHAU
        assert screen.view.scroll_y == 0
        assert app.focused is screen.view
        await pilot.press("backspace")
        await settle(pilot)
        assert screen.article.url == KINH_TE_SO
        assert screen.view.scroll_y == where
        await pilot.press("alt+right")
        await settle(pilot)
        assert screen.article.url == XUAT_KHAU
        await pilot.press("h")
        await settle(pilot)
        assert screen.article.url == KINH_TE_SO
        assert screen.view.scroll_y == where
        await pilot.press("alt+left")  # nothing before the first article: a note, no change
        await settle(pilot)
        assert screen.article.url == KINH_TE_SO
        # From the very end of a long article to a short one (no scrollbar) and back.
        await pilot.press("G", "2")
        await settle(pilot)
        await pilot.press("backspace")
        await settle(pilot)
        assert screen.view.scroll_y == screen.view.max_scroll_y > where


async def test_the_link_cursor_walks_the_related_links_and_enter_follows(
    reader: AppFactory,
) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_first_article(pilot)
        await pilot.press("G")
        assert screen.view.link is None
        await pilot.press("j", "j")  # at the end, ↓ walks the links
        assert screen.view.link == 1
        await pilot.press("k")
        assert screen.view.link == 0
        await pilot.press("j", "enter")
        await settle(pilot)
        assert screen.article is not None and screen.article.url == KINH_TE_SO
        await pilot.press("backspace")
        await settle(pilot)
        assert screen.article.url == HOI_NGHI
        assert screen.view.link == 1  # back where the reader was: on the second link
        assert screen.view.scroll_y == screen.view.max_scroll_y > 0


async def test_n_and_p_walk_the_list_across_pages_from_the_article_pane(
    reader: AppFactory,
) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await start_on_section(pilot)
        screen = await open_first_article(pilot)
        assert app.focused is screen.view
        for expected in (XUAT_KHAU, KINH_TE_SO, DOANH_NGHIEP):
            await pilot.press("n")
            await settle(pilot)
            assert screen.article is not None and screen.article.url == expected
        assert app.focused is screen.view  # n/p keep the reader where they are
        assert len(screen.articles.rows) == 6  # reaching the end loaded page 2
        await pilot.press("n")
        await settle(pilot)
        assert opened_url(screen) == LAO_DONG
        assert screen.articles.highlighted_row is not None
        assert screen.articles.highlighted_row.url == LAO_DONG
        await pilot.press("p", "p")
        await settle(pilot)
        assert opened_url(screen) == KINH_TE_SO
        await pilot.press("tab", "n")  # from the sections pane too
        await settle(pilot)
        assert opened_url(screen) == DOANH_NGHIEP


async def test_the_next_page_loads_at_the_end_of_the_list(reader: AppFactory) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await start_on_section(pilot)
        screen = main(app)
        await pilot.press("tab", "G")
        await settle(pilot)
        assert len(screen.articles.rows) == 6
        await pilot.press("G")  # page 3 does not exist: the end, quietly
        await settle(pilot)
        assert len(screen.articles.rows) == 6


async def test_slash_searches_without_diacritics(reader: AppFactory) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"hoi nghi")
        await pilot.press("enter")
        await settle(pilot)
        assert main(app) is screen
        assert app.focused is screen.articles
        assert screen.articles.highlighted == 0
        first = screen.articles.highlighted_row
        assert first is not None and first.url == HOI_NGHI
        assert str(screen.articles.border_title).startswith("Tìm: hoi nghi")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.article is not None and screen.article.url == HOI_NGHI
        await pilot.press("slash", "escape")  # Esc gives up
        assert main(app) is screen


async def test_m_marks_read_and_unread(reader: AppFactory, service: Service) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await start_on_section(pilot)
        screen = main(app)
        notes = Notes(app)
        await pilot.press("tab", "j", "m")
        await settle(pilot)
        assert service.userdata.is_read(XUAT_KHAU)
        assert XUAT_KHAU in screen.articles.read
        assert "Đã đánh dấu là đã đọc" in notes
        await pilot.press("m")
        await settle(pilot)
        assert not service.userdata.is_read(XUAT_KHAU)
        assert XUAT_KHAU not in screen.articles.read


async def test_f_bookmarks_and_F_lists_bookmarks(reader: AppFactory, service: Service) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_first_article(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert [b.url for b in service.userdata.bookmarks()] == [HOI_NGHI]
        await pilot.press("F")
        await settle(pilot)
        assert [r.url for r in screen.articles.rows] == [HOI_NGHI]
        summary = screen.articles.rows[0].summary  # the stored article's sapo
        assert summary is not None and summary.startswith("Sáng 13/4")
        assert screen.articles.border_title == "Đã lưu (1)"
        assert app.focused is screen.articles
        await pilot.press("f")  # on the list row: removes it, and the list follows
        await settle(pilot)
        assert service.userdata.bookmarks() == []
        assert screen.articles.rows == []


async def test_o_opens_the_browser_in_a_worker(
    reader: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(loaders, "console_browser", lambda: None)  # a graphical browser

    def browse(url: str, *args: object, **options: object) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", browse)
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_first_article(pilot)
        await pilot.press("o")
        await settle(pilot)
    assert opened == [HOI_NGHI]


async def test_o_without_a_browser_is_a_notification(
    reader: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loaders, "console_browser", lambda: None)
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: False)
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        notes = Notes(app)
        await open_first_article(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert notes.errors() == ["Không mở được trình duyệt"]


async def test_y_copies_the_url(reader: AppFactory) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_first_article(pilot)
        await pilot.press("y")
        assert app.clipboard == HOI_NGHI


async def test_e_exports_markdown_into_the_export_folder(
    reader: AppFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    app = reader(config=Config(export_dir=folder))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_first_article(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert screen.article is not None
        written = folder / export_name(screen.article.title)
    assert [p.name for p in folder.iterdir()] == [
        "hoi-nghi-tong-ket-cong-tac-tuyen-giao-nam-2023.md"
    ]
    text = written.read_text(encoding="utf-8")
    assert text.startswith("# Hội nghị tổng kết công tác tuyên giáo năm 2023\n")
    assert "*Ảnh: Quang cảnh Hội nghị.*" in text


async def test_e_defaults_to_the_current_folder(reader: AppFactory, tmp_path: Path) -> None:
    app = reader()  # the autouse fixture made tmp_path the current folder
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_first_article(pilot)
        await pilot.press("e")
        await settle(pilot)
    assert (tmp_path / "hoi-nghi-tong-ket-cong-tac-tuyen-giao-nam-2023.md").is_file()


async def test_question_mark_shows_every_binding(reader: AppFactory) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for keys in HELP_KEYS:
            assert keys in text, keys
        for binding_id in ("pane_next", "next_article", "follow_1…follow_9", "quit"):
            assert binding_id in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_q_quits(reader: AppFactory) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_mouse_clicks_open_sections_articles_and_links(reader: AppFactory) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await start_on_section(pilot)
        screen = main(app)
        await pilot.click(SectionList, offset=(4, 6))  # Khoa giáo (under the reader's lists)
        await settle(pilot)
        assert screen.articles.border_title == "Khoa giáo"
        await pilot.click(ArticleList, offset=(4, 1))
        await settle(pilot)
        assert screen.article is not None
        assert screen.article.url.endswith("-3001")
        await pilot.press("G")
        await pilot.click(RelatedLink, offset=(4, 0))
        await settle(pilot)
        assert screen.article.url == KINH_TE_SO


async def test_each_article_shows_exactly_its_own_related_links(reader: AppFactory) -> None:
    # The article pane keeps its widgets and updates them: going from an article with more
    # related links to one with fewer (or none) and back must leave no stale link behind.
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_first_article(pilot)
        counts: set[int] = set()
        for _ in range(len(screen.articles.rows)):
            await settle(pilot)
            article = screen.article
            assert article is not None
            links = [w for w in screen.view.query(RelatedLink) if w.is_mounted]
            assert [w.index for w in links] == list(range(len(article.related)))
            assert not any(w.has_class("-cursor") for w in links)
            counts.add(len(links))
            await pilot.press("G", "j")  # the end of the text: the links on the screen
            await settle(pilot)
            shown = screen_text(app)
            for link in article.related:
                assert link.title[:25] in shown
            await pilot.press("n")  # with the cursor left on a link
        assert len(counts) > 1  # the walk met articles with different numbers of links


async def test_search_results_come_a_page_at_a_time(
    reader: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tgreader.ui import loaders

    monkeypatch.setattr(loaders, "SEARCH_PAGE", 2)
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        everything = [hit.url for hit in app.service.search("kinh te", limit=50)]
        assert len(everything) > 4  # enough for three pages of two
        await pilot.press("slash", *"kinh te", "enter")
        await settle(pilot, rounds=len(everything))
        # Two results do not fill the pane: the next pages come until it is full or the
        # results end, said by the last row.
        assert [row.url for row in screen.articles.rows] == everything
        assert str(screen.articles.border_title).endswith(f"({len(everything)})")
        assert screen_text(app).count("Hết") == 1
        for _ in range(len(everything) + 2):  # and the cursor stops on the last result
            await pilot.press("j")
            await settle(pilot)
        assert screen.articles.highlighted_row is not None
        assert screen.articles.highlighted_row.url == everything[-1]


async def test_keys_typed_at_once_go_to_the_pane_they_were_typed_for(reader: AppFactory) -> None:
    # A fast typist's Tab then j arrive together: j must move the article list's cursor, the
    # pane Tab went to, not the sections' (Textual's own focus() waits for queued keys).
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        before = screen.sections.highlighted
        type_at_once(app, [("tab", None), ("j", None)])
        await settle(pilot)
        assert app.focused is screen.articles
        assert screen.articles.highlighted == 1
        assert screen.sections.highlighted == before


# "/hoi nghi" as the terminal sends it: each key's name and character.
_SLASH_HOI_NGHI = [("slash", "/"), *((c if c != " " else "space", c) for c in "hoi nghi")]


async def test_a_query_typed_at_once_after_the_slash_is_searched_whole(
    reader: AppFactory,
) -> None:
    # "/hoi nghi⏎" pasted or typed fast: the box did not have the focus yet for the first
    # keys, which were lost (the search was for the last letters only).
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        type_at_once(app, [*_SLASH_HOI_NGHI, ("enter", "\r")])
        await settle(pilot)
        assert app.screen is screen
        assert str(screen.articles.border_title).startswith("Tìm: hoi nghi (")
        row = screen.articles.highlighted_row
        assert row is not None and row.url == HOI_NGHI


async def test_keys_typed_at_once_through_the_search_box_never_close_it_twice(
    reader: AppFactory,
) -> None:
    # "/hoi nghi⏎" then Esc, sent at once (found in tmux: the box was closed twice and the
    # reader stopped with "Can't pop screen").
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        type_at_once(app, [*_SLASH_HOI_NGHI, ("enter", "\r"), ("escape", "\x1b"), ("j", "j")])
        await settle(pilot)
        assert app.screen is screen
        assert str(screen.articles.border_title).startswith("Tìm: hoi nghi (")
