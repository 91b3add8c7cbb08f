"""Remote text is data: page text is shown as typed, never run as markup or escapes."""

from __future__ import annotations

from dataclasses import replace

from textual.geometry import Region
from textual.widgets import Static

from tgreader.model import Article, Paragraph
from tgreader.service import Service
from tgreader.ui.screen import MainScreen

from tui_support import screen_text, settle
from ui_support import AppFactory, start_on_section

SPECIAL = "https://tuyengiao.vn/thoi-su-chinh-tri/bai-viet-co-ky-tu-dac-biet-trong-noi-dung-2001"


async def test_markup_in_page_text_is_shown_literally(reader: AppFactory) -> None:
    app = reader()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await start_on_section(pilot)
        await pilot.press("j", "enter", "enter")  # Thời sự - Chính trị, its first article
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.article is not None and screen.article.url == SPECIAL
        text = screen_text(app)
        for literal in (
            "Đoạn văn có [bold]x[/] ở giữa và",  # the paragraph wraps here
            "[@click=app.quit]y[/] ở cuối.",
            "[red]chữ",
            "[/red]",
            "▣ Ảnh: Chú thích có [i]nghiêng[/i] ở đây.",
        ):
            assert literal in text, literal
        assert text.count("[bold]x[/]") == 3  # article title, list row, paragraph
        assert text.count("[@click=app.quit]y[/]") == 3

        # Nothing was interpreted: no style, no click action came from the page's brackets.
        body = screen.view.query(".body").first(Static)
        strips = body.render_lines(Region(0, 0, body.size.width, body.size.height))
        lines = ["".join(segment.text for segment in strip) for strip in strips]
        for strip in strips:
            for segment in strip:
                style = segment.style
                if style is None:
                    continue
                assert "@click" not in (style.meta or {})
                assert style.link is None
                if "[" in segment.text and "Đoạn văn" in "".join(s.text for s in strip):
                    assert not style.bold  # the paragraph's "[bold]" stays plain text

        # Clicking on the would-be action does nothing but focus the pane.
        row = next(i for i, line in enumerate(lines) if "[@click=app.quit]y[/]" in line)
        column = lines[row].index("[@click=app.quit]y[/]") + len("[@click=app.quit]")
        await pilot.click(body, offset=(column, row))  # the "y"
        row = next(i for i, line in enumerate(lines) if "Đoạn văn có [bold]x[/]" in line)
        column = lines[row].index("[bold]x") + len("[bold]")
        await pilot.click(body, offset=(column, row))  # the "x"
        await settle(pilot)
        assert app.is_running
        assert isinstance(app.screen, MainScreen)


async def test_control_characters_never_reach_the_terminal(
    reader: AppFactory, service: Service
) -> None:
    # The parser drops control characters; the UI must hold even if a stored page has them.
    page = service.store.get(SPECIAL)
    assert page is not None
    article = page.model()
    assert isinstance(article, Article)
    hostile = replace(
        article,
        title="Tiêu đề \x1b[2J\x1b]0;pwned\x07 có mã thoát",
        blocks=(Paragraph("Đoạn \x1b[31mđỏ\x1b[0m và \x9b2J hết."),),
    )
    service.store.put(SPECIAL, hostile, page.html)
    app = reader()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await start_on_section(pilot)
        await pilot.press("j", "enter", "enter")
        await settle(pilot)
        svg = app.export_screenshot()
        text = screen_text(app)
    assert "\x1b" not in svg and "\x9b" not in svg and "\x07" not in svg
    assert "Tiêu đề [2J]0;pwned có mã thoát" in text
    assert "Đoạn [31mđỏ[0m và 2J hết." in text
