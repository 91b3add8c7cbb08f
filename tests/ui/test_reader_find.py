"""Pilot tests: Ctrl+F finds in the open article, diacritics optional."""

from __future__ import annotations

from tui_support import settle
from ui_support import AppFactory, main

SIZE = (120, 40)


async def test_ctrl_f_highlights_counts_steps_and_esc_closes(reader: AppFactory) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert screen.article is not None
        await pilot.press("ctrl+f", *"tuyen giao")  # "tuyên giáo", typed without marks
        await settle(pilot)
        bar = screen.query_one("#find")
        assert app.focused is bar
        find = screen.view.find
        assert find is not None and len(find.parts) >= 2
        total = len(find.parts)
        assert bar.border_subtitle == f"1/{total}"
        await pilot.press("enter")
        assert bar.border_subtitle == f"2/{total}"
        await pilot.press("shift+f3", "shift+f3")
        assert bar.border_subtitle == f"{total}/{total}"  # round to the last
        await pilot.press("f3")
        assert bar.border_subtitle == f"1/{total}"
        await pilot.press("escape")
        await settle(pilot)
        assert screen.view.find is None and not bar.display
        assert app.focused is screen.view


async def test_ctrl_f_scrolls_to_a_match_far_down_and_says_when_nothing_is_found(
    reader: AppFactory,
) -> None:
    app = reader()
    async with app.run_test(size=(100, 20)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("tab", "enter")
        await settle(pilot)
        article = screen.article
        assert article is not None
        last = article.blocks[-1]
        word = getattr(last, "text", "").split()[-1].strip(".,;:")
        await pilot.press("ctrl+f", *word.lower())
        await settle(pilot)
        find = screen.view.find
        assert find is not None and find.parts
        await pilot.press("shift+f3")  # the last match: near the end of the text
        await settle(pilot)
        assert screen.view.scroll_y > 0
        await pilot.press(*"zzqx")
        await settle(pilot)
        assert screen.query_one("#find").border_subtitle == "không thấy"
