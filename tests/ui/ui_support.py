"""Helpers for the UI tests: a store filled from tests/ui/pages, and the screen as text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from textual.app import App
from textual.pilot import Pilot

from tgreader.model import Article, Home, Listing
from tgreader.parse import parse_article, parse_home, parse_listing
from tgreader.store import Store
from tgreader.ui.app import ReaderApp
from tgreader.ui.screen import MainScreen
from tgreader.urls import CANONICAL_ORIGIN

from tui_support import settle

PAGES = Path(__file__).parent / "pages"
AppFactory = Callable[..., ReaderApp]
# 2024-01-01 00:00 UTC: when every page of a filled store was "fetched".
FETCHED_AT = 1704067200.0


def page_url(file: Path, root: Path = PAGES) -> str:
    """The canonical URL a page file of the demo layout answers."""
    relative = file.relative_to(root).as_posix().removesuffix(".html")
    if relative == "index":
        return CANONICAL_ORIGIN + "/"
    path, _, page = relative.partition("@page=")
    return f"{CANONICAL_ORIGIN}/{path}" + (f"?page={page}" if page else "")


def parse_page(file: Path, root: Path = PAGES) -> tuple[str, Article | Listing | Home, str]:
    """(URL, model, HTML) of a page file: index is the home, top-level files are listings."""
    url = page_url(file, root)
    text = file.read_text(encoding="utf-8")
    relative = file.relative_to(root)
    model: Article | Listing | Home
    if relative.name == "index.html" and len(relative.parts) == 1:
        model = parse_home(text, url)
    elif len(relative.parts) == 1:
        model = parse_listing(text, url)
    else:
        model = parse_article(text, url)
    return url, model, text


def fill_store(path: Path, *, root: Path = PAGES, fetched_at: float = FETCHED_AT) -> list[str]:
    """Put every page under ``root`` into a new store at ``path``; returns the URLs."""
    urls: list[str] = []
    with Store.open(path) as store:
        for file in sorted(root.rglob("*.html")):
            url, model, text = parse_page(file, root)
            store.put(url, model, text, fetched_at=fetched_at)
            urls.append(url)
    return urls


def main(app: ReaderApp) -> MainScreen:
    """The reader's main screen (the test fails if another screen is on top)."""
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


async def start_on_section(
    pilot: Pilot[Any], name: str = "Kinh tế", *, wait: bool = True
) -> MainScreen:
    """Open the section ``name`` as a reader would (the cursor down to it, Enter), then
    Shift+Tab back to the sections pane: the reader starts on the latest news, and this
    is where a test of a section's list begins. ``wait``: until its loads are done."""
    screen = main(cast(ReaderApp, pilot.app))
    url = next(s.url for s in screen.sections.entries if s.name == name)
    await pilot.press("home", *["down"] * screen.sections.keys().index(url), "enter")
    if wait:
        await settle(pilot)
    await pilot.press("shift+tab")
    return screen


def opened_url(screen: MainScreen) -> str:
    """The URL of the article open in ``screen`` (the test fails if none is)."""
    assert screen.article is not None
    return screen.article.url


class Notes:
    """Records the app's notifications: ``app.notify`` replaced on the instance."""

    def __init__(self, app: App[Any]) -> None:
        self.items: list[tuple[str, str]] = []
        original = app.notify

        def notify(message: str, **options: Any) -> None:
            self.items.append((message, str(options.get("severity", "information"))))
            original(message, **options)

        app.notify = notify  # type: ignore[method-assign]

    def errors(self) -> list[str]:
        """The messages notified with severity "error"."""
        return [m for m, s in self.items if s == "error"]

    def __contains__(self, text: str) -> bool:
        return any(text in m for m, _ in self.items)
