"""Pilot tests: "Mới nhất", the list the reader starts on, and "Đã lưu" in the sections pane."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text

from tgreader.config import Config
from tgreader.model import Article, Paragraph, Published
from tgreader.service import Service
from tgreader.text import VN_TZ

from tui_support import focused, screen_text, settle
from ui_support import AppFactory, main, start_on_section

BASE = "https://tuyengiao.vn"
SIZE = (110, 30)


def add_articles(service: Service, count: int, sapo: str | None = None) -> list[str]:
    """``count`` dated articles of Khoa giáo, newest first, stored; their URLs. ``sapo``:
    each one's, with its number put in for ``{n}``."""
    start = datetime(2024, 6, 1, 8, 0, tzinfo=VN_TZ)
    urls: list[str] = []
    for n in range(count):
        url = f"{BASE}/khoa-giao/bai-so-{n}-{9000 + n}"
        when = Published(start - timedelta(hours=n))
        body = (Paragraph(f"Nội dung bài số {n}."),)
        teaser = sapo.format(n=n) if sapo is not None else None
        article = Article(url, "Khoa giáo", f"Bài số {n}", when, teaser, None, body)
        service.store.put(url, article, "<html></html>", fetched_at=1704067200.0)
        urls.append(url)
    return urls


async def test_the_latest_news_rows_show_the_stored_sapo_after_the_date(
    reader: AppFactory, service: Service
) -> None:
    # The home page and the store's list of articles give no sapo: the rows shown get the
    # stored article's, as a section's rows have theirs (without the agency's tag).
    added = add_articles(service, 40, sapo="(TG) - Tóm tắt số {n} của bài.")
    app = reader(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        rows = {r.url: r for r in screen.articles.rows}
        shown = [url for url in added if url in rows]
        assert len(shown) >= 3
        for url in shown:
            n = added.index(url)
            assert rows[url].summary == f"Tóm tắt số {n} của bài."
        assert "1/6/2024 08:00 · Tóm tắt…" in screen_text(app)  # as much as fits
        await pilot.press("tab", "G")  # rows taken later get theirs too
        await settle(pilot)
        later = [r for r in screen.articles.rows if r.url in added[len(shown) :]]
        assert later and all(r.summary and r.summary.startswith("Tóm tắt") for r in later)


async def test_the_latest_news_show_a_screenful_then_grow_to_the_end(
    reader: AppFactory, service: Service
) -> None:
    added = add_articles(service, 40)
    app = reader(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        home = [link.url for link in screen._home.articles] if screen._home else []
        urls = [r.url for r in screen.articles.rows]
        assert urls[: len(home)] == home  # the home page first, in page order
        assert urls[len(home) : len(home) + 3] == added[:3]  # then the newest stored
        shown = len(urls)
        assert 8 <= shown < len(home) + 40  # a screenful, not the whole list
        await pilot.press("tab", "G")  # the end of what is shown: the next rows come
        await settle(pilot)
        assert len(screen.articles.rows) > shown
        for _ in range(10):
            await pilot.press("G")
            await settle(pilot)
        rows = [r.url for r in screen.articles.rows]
        assert set(added) <= set(rows) and len(rows) == len(set(rows))
        assert screen.articles.highlighted == len(rows) - 1
        assert str(screen.articles.get_option("footer").prompt) == "The end"
        assert screen.articles.border_title is not None
        assert str(screen.articles.border_title) == f"Latest ({len(rows)})"


async def test_the_sections_pane_leads_with_latest_and_saved(reader: AppFactory) -> None:
    app = reader(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.sections.keys()[:2] == ["latest", "bookmarks"]
        assert screen.sections.highlighted_key == "latest"
        first = screen.articles.rows[0].url
        await pilot.press("tab", "f")  # bookmark the first of the latest news
        await settle(pilot)
        await pilot.press("shift+tab", "down", "enter")  # "Saved"
        await settle(pilot)
        assert [r.url for r in screen.articles.rows] == [first]
        assert str(screen.articles.border_title) == "Saved (1)"
        assert focused(app) is screen.articles
        await start_on_section(pilot)
        await pilot.press("F")  # F from anywhere: "Saved", its entry under the cursor
        await settle(pilot)
        assert screen.sections.highlighted_key == "bookmarks"
        assert [r.url for r in screen.articles.rows] == [first]
        await pilot.press("shift+tab", "home", "enter")  # back to "Latest"
        await settle(pilot)
        assert screen.paging.kind == "latest"
        assert screen.articles.rows[0].url == first
        assert screen.articles.highlighted == 0


async def test_saved_with_nothing_saved_says_how_in_the_pane(reader: AppFactory) -> None:
    app = reader(lang="en", config=Config(keymap={"bookmark": "b"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("F")
        await settle(pilot)
        assert screen.articles.rows == []
        shown = screen.articles.get_option_at_index(0).prompt
        assert isinstance(shown, Text)
        assert shown.plain == "No saved articles yet: press b on an article to save it."
        assert "No saved articles yet" in screen_text(app)
