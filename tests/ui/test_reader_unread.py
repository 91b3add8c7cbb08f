"""Pilot tests: the unread workflow (N, A and its undo, u) and the bookmarks' stars."""

from __future__ import annotations

import dataclasses

from rich.console import Console
from rich.table import Table

from tgreader.service import Service
from tgreader.ui.widgets import BOOKMARK_MARK

from tui_support import screen_text, settle
from ui_support import AppFactory, Notes, main, start_on_section

BASE = "https://tuyengiao.vn"
HOI_NGHI = f"{BASE}/kinh-te/hoi-nghi-tong-ket-cong-tac-tuyen-giao-nam-2023-1001"
XUAT_KHAU = f"{BASE}/kinh-te/xuat-khau-nong-san-tang-truong-manh-trong-quy-mot-1002"
SIZE = (120, 40)


async def test_N_opens_the_next_unread_then_goes_on_into_the_next_section(
    reader: AppFactory,
) -> None:
    app = reader(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        notes = Notes(app)
        await settle(pilot)
        await start_on_section(pilot)
        screen = main(app)
        await pilot.press("N")
        await settle(pilot)
        assert screen.article is not None and screen.article.url == HOI_NGHI
        await pilot.press("N")  # HOI_NGHI is read now
        await settle(pilot)
        assert screen.article.url == XUAT_KHAU
        await pilot.press("tab", "A")  # every listed article of Kinh tế read (both pages:
        await settle(pilot)  # the list filled its pane)
        assert any(n.startswith("Marked 4 ") and n.endswith("(u: undo)") for n, _ in notes.items)
        assert len(screen.articles.rows) == 6 == len(screen.articles.read)
        await pilot.press("N")  # nothing unread in Kinh tế: on into the next section
        await settle(pilot, rounds=6)
        assert screen.paging.section is not None and screen.paging.section.name != "Kinh tế"
        assert screen.article.url.split("/")[3] != "kinh-te"
        assert screen.article.url in screen.articles.read


async def test_N_with_nothing_unread_anywhere_says_so(reader: AppFactory) -> None:
    app = reader(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        notes = Notes(app)
        await settle(pilot)
        screen = main(app)
        for _ in range(len(screen.sections.entries) + 1):
            await pilot.press("tab", "G")
            await settle(pilot)
            await pilot.press("A")
            await settle(pilot)
            await pilot.press("shift+tab", "j", "enter")
            await settle(pilot)
        for _ in range(len(screen.sections.entries) * 3):
            await pilot.press("N")
            await settle(pilot, rounds=4)
            if "Nothing unread anywhere" in notes:
                break
        assert "Nothing unread anywhere" in notes


async def test_N_in_search_results_goes_back_to_their_first_unread(reader: AppFactory) -> None:
    # Results have nothing after them: N past the last one looks from their top, and says
    # "nothing unread" only when none is left.
    app = reader(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        notes = Notes(app)
        await settle(pilot)
        screen = main(app)
        hits = [hit.url for hit in app.service.search("kinh te", limit=50)]
        await pilot.press("slash", *"kinh te", "enter")
        await settle(pilot, rounds=len(hits))
        await pilot.press("G", "enter")  # the last result, opened (and read)
        await settle(pilot)
        assert screen.article is not None and screen.article.url == hits[-1]
        await pilot.press("N")
        await settle(pilot)
        assert screen.article.url == hits[0]
        assert "Nothing unread anywhere" not in notes


async def test_A_then_A_again_or_u_undoes_marking_the_list(
    reader: AppFactory, service: Service
) -> None:
    app = reader(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        notes = Notes(app)
        await settle(pilot)
        screen = main(app)
        urls = [r.url for r in screen.articles.rows]
        await pilot.press("tab", "A")
        await settle(pilot)
        assert set(urls) <= screen.articles.read
        assert all(service.userdata.is_read(u) for u in urls)
        await pilot.press("A")  # again, at once: undo
        await settle(pilot)
        assert not set(urls) & screen.articles.read
        assert not any(service.userdata.is_read(u) for u in urls)
        await pilot.press("A", "u")
        await settle(pilot)
        assert not set(urls) & screen.articles.read
        await pilot.press("u")
        assert "Nothing to undo" in notes


async def test_a_bookmarked_article_is_starred_in_every_list_and_after_a_restart(
    reader: AppFactory,
) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "f")
        await settle(pilot)
        assert f"{BOOKMARK_MARK}Hội nghị tổng kết" in screen_text(app)
        await pilot.press("slash", *"hoi nghi", "enter")  # a search result too
        await settle(pilot)
        assert f"{BOOKMARK_MARK}Hội nghị tổng kết" in screen_text(app)
    again = reader()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert f"{BOOKMARK_MARK}Hội nghị tổng kết" in screen_text(again)
        await pilot.press("tab", "f")  # unbookmarked: the star goes
        await settle(pilot)
        assert BOOKMARK_MARK not in screen_text(again)


def counts_shown(app_text: str) -> dict[str, str]:
    """The number after each section's name in the sections pane (its first column)."""
    shown: dict[str, str] = {}
    for line in app_text.splitlines():
        cell = line.split("││")[0].strip("│ ")
        name, _, count = cell.rpartition(" ")
        if count.isdigit():
            shown[name.strip()] = count
    return shown


async def test_sections_show_their_unread_counts_and_follow_reading(
    reader: AppFactory, service: Service
) -> None:
    service.userdata.mark_read(XUAT_KHAU)  # read in an earlier session
    app = reader(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        # From the store, at start: Kinh tế's two stored pages list 6 articles, 1 read.
        assert counts_shown(screen_text(app)) == {
            "Kinh tế": "5",
            "Thời sự - Chính trị": "2",
            "Khoa giáo": "1",
        }
        await start_on_section(pilot)
        await pilot.press("tab", "enter")  # opens Hội nghị…: read
        await settle(pilot)
        assert counts_shown(screen_text(app))["Kinh tế"] == "4"
        await pilot.press("shift+tab", "m")  # m on the list's row: unread again
        await settle(pilot)
        assert counts_shown(screen_text(app))["Kinh tế"] == "5"
        await pilot.press("A")
        await settle(pilot)
        assert counts_shown(screen_text(app))["Kinh tế"] == "0"
        index = [s.name for s in screen.sections.entries].index("Kinh tế")
        option = screen.sections.get_option_at_index(len(screen.sections.lists) + index)
        assert isinstance(option.prompt, Table)
        segments = list(Console(width=30).render(option.prompt))
        zero = [seg for seg in segments if seg.text.strip() == "0"]
        assert zero and all(seg.style is not None and seg.style.dim for seg in zero)  # dim


async def test_ascii_marks_replace_the_star_and_the_caption_mark(
    reader: AppFactory, service: Service
) -> None:
    service.userdata.add_bookmark(HOI_NGHI, "Hội nghị tổng kết")
    service.settings = dataclasses.replace(service.settings, ascii=True)
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await start_on_section(pilot)
        await pilot.press("tab", "enter")  # Hội nghị…, with a photo caption
        await settle(pilot)
        text = screen_text(app)
        assert "* Hội nghị tổng kết" in text and "# Ảnh: Quang cảnh Hội nghị." in text
        assert "★" not in text and "▣" not in text
