"""Snapshots of the reader over tests/ui/pages (offline, fixed clock: deterministic).

Update the baselines with ``pytest tests/ui --snapshot-update`` and look at each one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from tgreader.ui.app import ReaderApp

from tui_support import settle

SnapApp = Callable[..., ReaderApp]


def keys(*presses: str) -> Callable[[Pilot[Any]], Any]:
    """A run_before that presses keys, letting every load finish after each one."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for press in presses:
            await pilot.press(*press.split(","))
            await settle(pilot)

    return run


def test_main_screen(snap_compare: Any, snap_app: SnapApp) -> None:
    """Sections, the first section's articles, the empty article pane."""
    assert snap_compare(snap_app(), terminal_size=(120, 40), run_before=keys())


def test_article_with_captions_and_related_links(snap_compare: Any, snap_app: SnapApp) -> None:
    """Byline, title, sapo, captions as notes, a quote, the author, 'Các tin khác'."""
    assert snap_compare(snap_app(), terminal_size=(120, 62), run_before=keys("tab,enter"))


def test_help_screen(snap_compare: Any, snap_app: SnapApp) -> None:
    """Every key, what it does and its id."""
    assert snap_compare(snap_app(), terminal_size=(120, 44), run_before=keys("question_mark"))


def test_search_results(snap_compare: Any, snap_app: SnapApp) -> None:
    """'/' and a query typed without diacritics; matches highlighted."""
    search = "slash,h,o,i,space,n,g,h,i,enter"
    assert snap_compare(snap_app(), terminal_size=(120, 40), run_before=keys(search))


def test_narrow_layout(snap_compare: Any, snap_app: SnapApp) -> None:
    """80 columns: only the article pane, after opening an article."""
    assert snap_compare(snap_app(), terminal_size=(80, 30), run_before=keys("tab,enter"))


def test_english_main_screen(snap_compare: Any, snap_app: SnapApp) -> None:
    """The English interface (page text stays Vietnamese)."""
    assert snap_compare(
        snap_app(lang="en"), terminal_size=(120, 30), run_before=keys("tab,j,enter")
    )
