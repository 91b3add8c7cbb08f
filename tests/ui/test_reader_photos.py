"""Photos in the reader: drawn in half-cells above their captions, loaded after the text
without moving it, toggled with i, shown alone with v; with the Kitty graphics protocol or
Sixel when the terminal has one (tests/ui/pages on the loopback demo server, which answers
every upload path with a generated photo)."""

from __future__ import annotations

import asyncio
import io
import sys
import types
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tgreader.demo.server import demo_photo
from tgreader.model import Article, Image
from tgreader.photos import Photo, PhotoStore, downscale
from tgreader.service import Service, Settings
from tgreader.settings import ImageMode
from tgreader.ui.app import ReaderApp, make_app
from tgreader.ui.photos import PhotoScreen, Protocol, choose_protocol
from tgreader.ui.screen import MainScreen
from tgreader.urls import Site

from tui_support import screen_text, settle
from ui_support import fill_store, main

SIZE = (120, 50)


class GatedService(Service):
    """The real service, whose photos wait for ``gate`` (and those in ``refused`` fail), so
    a test can move in the article before they land."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.gate = asyncio.Event()
        self.refused: set[str] = set()

    async def photo(self, url: str) -> Photo | None:
        await self.gate.wait()
        return None if url in self.refused else await super().photo(url)


@pytest.fixture
def photo_settings(online_settings: Settings) -> Settings:
    return replace(online_settings, images="halfcell")


def pane_lines(app: ReaderApp) -> list[str]:
    """The article pane's lines, as shown."""
    view = main(app).view.region
    lines = screen_text(app).splitlines()[view.y + 1 : view.bottom - 1]
    return [line[view.x + 1 : view.right - 1].ljust(view.width - 2) for line in lines]


def photo_urls(article: Article | None) -> list[str]:
    assert article is not None
    return [b.src for b in article.blocks if isinstance(b, Image) and b.src]


async def open_first_article(pilot: Pilot[Any]) -> MainScreen:
    await settle(pilot)
    await pilot.press("tab", "enter")
    await settle(pilot)
    return main(pilot.app)  # type: ignore[arg-type]


async def test_each_photo_is_drawn_just_above_its_caption(photo_settings: Settings) -> None:
    app = make_app(photo_settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_article(pilot)
        urls = photo_urls(screen.article)
        assert urls and set(screen.view.photos.images) == set(urls)
        lines = pane_lines(app)
        notes = [n for n, line in enumerate(lines) if "▣" in line]
        assert notes, "\n".join(lines)
        assert "▀" in lines[notes[0] - 1]  # the photo's last row, right above its note
        assert "▀" not in lines[0] and "▀" not in lines[notes[0]]


async def test_photos_off_shows_the_captions_alone(online_settings: Settings) -> None:
    app = make_app(replace(online_settings, images="off"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_article(pilot)
        assert photo_urls(screen.article)
        assert not screen.view.photos.blocks
        assert "▀" not in screen_text(app) and "▣" in screen_text(app)


async def scroll_below_the_first_box(pilot: Pilot[Any], screen: MainScreen) -> str:
    """Scroll until the first photo box is above the pane's top line, which is text."""
    box = screen.view.photos.blocks[0]
    for _ in range(200):
        top = pane_lines(pilot.app)[0]  # type: ignore[arg-type]
        if screen.view.scroll_y > box.top + 1 and top.strip() and "▀" not in top:
            return top
        await pilot.press("down")
        await pilot.pause()
    raise AssertionError("the article is too short to scroll past its first photo")


async def test_photos_that_land_or_fail_above_do_not_move_the_text(
    photo_settings: Settings,
) -> None:
    service = GatedService(photo_settings)
    app = make_app(photo_settings, service=service)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "enter")
        for _ in range(3):
            await pilot.pause()
        screen = main(app)
        urls = photo_urls(screen.article)
        # The text is painted before any photo: each box is reserved, empty.
        assert not screen.view.photos.images and len(screen.view.photos.blocks) == len(urls)
        top = await scroll_below_the_first_box(pilot, screen)
        service.refused.add(urls[0])  # the box above the reader goes away
        service.gate.set()
        await settle(pilot)
        assert screen.view.photos.failed == {urls[0]}
        assert set(screen.view.photos.images) == set(urls[1:])
        assert pane_lines(app)[0] == top
    await service.aclose()


async def test_i_toggles_photos_on_the_same_line(photo_settings: Settings) -> None:
    app = make_app(photo_settings)
    # Short, so that the article without its photos is still longer than the pane.
    async with app.run_test(size=(120, 24)) as pilot:
        screen = await open_first_article(pilot)
        top = await scroll_below_the_first_box(pilot, screen)
        await pilot.press("i")
        await settle(pilot)
        assert not screen.view.photos.enabled
        assert "▀" not in screen_text(app)
        assert pane_lines(app)[0] == top
        await pilot.press("i")
        await settle(pilot)
        assert screen.view.photos.enabled and screen.view.photos.images
        assert pane_lines(app)[0] == top


async def test_v_shows_the_photo_alone_and_esc_returns(photo_settings: Settings) -> None:
    app = make_app(photo_settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_article(pilot)
        await pilot.press("down", "down")
        where = screen.view.scroll_y
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, PhotoScreen)
        shown = screen_text(app)
        assert shown.count("▀") > 40 * 20  # most of the screen
        await pilot.press("escape")
        await settle(pilot)
        assert main(app) is screen and screen.view.scroll_y == where


def store_photos(settings: Settings, articles: list[Article]) -> None:
    """Store, for each photo of ``articles``, the demo photo its path is answered with."""
    with PhotoStore.open(settings.photos_path()) as store:
        for article in articles:
            for url in photo_urls(article):
                data = demo_photo(url.split("cdn.tuyengiao.vn", 1)[-1])
                assert data is not None
                store.put(downscale(url, data), cap_bytes=10_000_000, now=0.0)


def test_snapshot_article_with_a_photo(snap_compare: Any, tmp_path: Path) -> None:
    """The lead photo above its caption note, in half-cells, from the photo store (offline)."""
    settings = Settings(
        site=Site(),
        cache_dir=tmp_path / "c",
        data_dir=tmp_path / "d",
        offline=True,
        images="halfcell",
    )
    fill_store(settings.store_path())
    service = Service(settings)
    articles = [a for a in (service.stored(r.url, Article) for r in service.store.articles()) if a]
    store_photos(settings, [a.page for a in articles])
    service.store.close()
    app = make_app(settings, clock=lambda: 1704067500.0)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("tab", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 50), run_before=run_before)


FIRST_SCREEN = """
import asyncio, sys
from pathlib import Path
from tgreader.service import Settings
from tgreader.ui.app import make_app

async def main() -> None:
    root = Path(sys.argv[1])
    app = make_app(Settings(cache_dir=root / "c", data_dir=root / "d", offline=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    print(sorted({m.split(".")[0] for m in sys.modules} & {"PIL", "textual_image"}))

asyncio.run(main())
"""


def test_the_first_screen_loads_no_image_library(tmp_path: Path) -> None:
    """Pillow and textual-image load with the first photo, never for the first screen."""
    import subprocess
    import sys

    fill_store(tmp_path / "c" / "pages.sqlite3")
    found = subprocess.run(
        [sys.executable, "-c", FIRST_SCREEN, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert found.stdout.strip().splitlines()[-1] == "[]"


async def test_enter_with_no_link_chosen_opens_the_photo_in_view(photo_settings: Settings) -> None:
    app = make_app(photo_settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_article(pilot)
        assert screen.view.link is None
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PhotoScreen)
        await pilot.press("v")  # v closes it too
        await settle(pilot)
        assert main(app) is screen


@pytest.fixture
def tgp_sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The Kitty graphics messages textual-image sends (to the terminal's stdout, bypassing
    Textual), kept here instead: what a kitty terminal would have been told."""
    import textual_image.renderable.tgp as tgp

    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(tgp, "_send_tgp_message", lambda **message: sent.append(message))
    return sent


@pytest.mark.parametrize("protocol", ["kitty", "sixel"])
async def test_the_photo_alone_uses_the_terminals_protocol(
    protocol: Protocol, photo_settings: Settings, tgp_sent: list[dict[str, Any]]
) -> None:
    """With a graphics protocol the photo alone is textual-image's widget for it."""
    from textual_image.widget import SixelImage, TGPImage

    app = make_app(photo_settings, protocol=protocol)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_article(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, PhotoScreen)
        kind = TGPImage if protocol == "kitty" else SixelImage
        assert len(app.screen.query(kind)) == 1
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


# --- which protocol -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "detected", "chosen"),
    [
        ("auto", "kitty", "kitty"),
        ("auto", "sixel", "sixel"),
        ("auto", None, "halfcell"),  # tmux, an unknown terminal, a test
        ("halfcell", "kitty", "halfcell"),
        ("halfcell", "sixel", "halfcell"),
        ("off", "kitty", "halfcell"),  # i turns photos on in half-cells
    ],
)
def test_the_protocol_follows_the_setting_and_the_terminal(
    mode: ImageMode, detected: Protocol | None, chosen: Protocol
) -> None:
    asked: list[bool] = []

    def detect() -> Any:
        asked.append(True)
        return detected

    assert choose_protocol(mode, detect) == chosen
    assert asked == ([True] if mode == "auto" else [])  # only "auto" asks the terminal


class Tty(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


TERMINAL_VARS = ("TMUX", "TERM", "TERM_PROGRAM", "KITTY_WINDOW_ID")


@pytest.mark.parametrize(
    ("env", "tty"),
    [
        ({"TMUX": "/tmp/tmux-0/default,1,0", "TERM": "xterm-kitty"}, True),
        ({"TERM": "screen-256color", "TERM_PROGRAM": "WezTerm"}, True),
        ({"TERM": "xterm-256color"}, True),
        ({"TERM": "xterm-kitty"}, False),
    ],
    ids=["inside-tmux", "inside-screen", "unknown-terminal", "not-a-terminal"],
)
def test_half_cells_where_no_protocol_can_work(
    env: dict[str, str], tty: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under tmux or screen, in a terminal not known for graphics, or without a terminal,
    the terminal is never asked, and "auto" draws half-cells."""
    from tgreader.ui import photos

    monkeypatch.setattr(sys, "__stdout__", Tty(tty))
    for name in TERMINAL_VARS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    asked: list[str] = []
    spy = types.ModuleType("textual_image.renderable")
    spy.__getattr__ = asked.append  # type: ignore[method-assign]  # any use of it is seen
    monkeypatch.setitem(sys.modules, "textual_image.renderable", spy)
    assert photos.detect_protocol() is None
    assert photos.choose_protocol("auto") == "halfcell"
    assert asked == []


@pytest.mark.parametrize(
    ("term", "found", "protocol"),
    [
        ("xterm-kitty", "TGPImage", "kitty"),
        ("foot", "SixelImage", "sixel"),
        ("foot", "HalfcellImage", None),
    ],
)
def test_the_protocol_is_the_one_textual_image_detects(
    term: str, found: str, protocol: Protocol | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a terminal that may have graphics, textual-image's answer decides (its renderable
    ``Image`` is the class for what the terminal said it draws)."""
    import textual_image.renderable as renderables
    import textual_image.widget  # noqa: F401 - imported (and cells measured) once, not a tty

    from tgreader.ui import photos

    monkeypatch.setattr(sys, "__stdout__", Tty(True))
    for name in TERMINAL_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", term)
    monkeypatch.setattr(renderables, "Image", getattr(renderables, found))
    assert photos.detect_protocol() == protocol
    assert photos.choose_protocol("auto") == (protocol or "halfcell")
    assert photos.choose_protocol("halfcell") == "halfcell"


# --- Kitty graphics and Sixel in the article ------------------------------------------


@pytest.mark.parametrize("protocol", ["kitty", "sixel"])
async def test_photos_in_the_article_use_the_terminals_protocol(
    protocol: Protocol, photo_settings: Settings, tgp_sent: list[dict[str, Any]]
) -> None:
    """Each photo is textual-image's widget for the protocol, mounted in the article pane
    over its box (the box's size is the photo's, in the terminal's cells), scrolling with
    the text; the body draws no half-cells under it."""
    from textual.geometry import Region
    from textual_image.widget import SixelImage, TGPImage

    app = make_app(photo_settings, protocol=protocol)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_article(pilot)
        view = screen.view
        urls = photo_urls(screen.article)
        await settle(pilot)
        overlays = view.overlays
        assert set(overlays) == set(urls)
        kind = TGPImage if protocol == "kitty" else SixelImage
        width = view.query_one(".body").content_size.width
        body_y = view.query_one(".body").region.y
        for block in view.photos.blocks:
            widget = overlays[block.url]
            assert isinstance(widget, kind) and widget.parent is view
            cols, rows = block.size(width)
            assert widget.region.size == (cols, rows)
            assert widget.region.y == body_y + block.top  # over its box, nothing moved
        assert "▀" not in screen_text(app)  # the boxes under the photos are blank
        first = overlays[urls[0]]
        if protocol == "kitty":
            # Sent once to the terminal, then drawn as Unicode placeholder cells.
            assert {m.get("i") for m in tgp_sent if m.get("payload")}
            assert "\U0010eeee" in screen_text(app)
        else:
            impl = first.children[0]
            strips = impl.render_lines(Region(0, 0, *impl.size))
            assert any(s.text.startswith("\x1bP") for s in strips[-1])  # a Sixel image
        before = first.region.y
        await pilot.press("down", "down", "down")
        await pilot.pause()
        assert first.region.y == before - round(view.scroll_y)  # it scrolls with the text
        await pilot.press("i")
        await settle(pilot)
        assert not view.overlays and not view.query(kind)  # photos off: captions alone


def sent_ids(sent: list[dict[str, Any]]) -> list[Any]:
    """The ids of the photos sent to the terminal, each once, in order."""
    return list(dict.fromkeys(m["i"] for m in sent if m.get("payload")))


async def test_a_kitty_photo_is_sent_to_the_terminal_once(
    photo_settings: Settings, tgp_sent: list[dict[str, Any]]
) -> None:
    """Scrolling, or the photo alone and back, does not send the article's photos again;
    the photo alone is freed in the terminal when it closes."""
    app = make_app(photo_settings, protocol="kitty")
    async with app.run_test(size=SIZE) as pilot:
        await open_first_article(pilot)
        await settle(pilot)
        shown = sent_ids(tgp_sent)
        assert shown
        await pilot.press("down", "down", "up")
        await pilot.press("v")
        await settle(pilot)
        alone = sent_ids(tgp_sent)[len(shown) :]
        assert len(alone) == 1
        await pilot.press("escape")
        await settle(pilot)
        assert sent_ids(tgp_sent) == shown + alone
        assert [m["I"] for m in tgp_sent if m.get("a") == "d"] == alone


async def test_a_photo_that_cannot_be_had_gets_no_graphics_widget(
    photo_settings: Settings, tgp_sent: list[dict[str, Any]]
) -> None:
    service = GatedService(photo_settings)
    app = make_app(photo_settings, service=service, protocol="kitty")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "enter")
        for _ in range(3):
            await pilot.pause()
        screen = main(app)
        urls = photo_urls(screen.article)
        assert not screen.view.overlays  # the text first, the boxes empty
        service.refused.add(urls[0])
        service.gate.set()
        await settle(pilot)
        assert set(screen.view.overlays) == set(urls[1:])
    await service.aclose()


async def test_auto_in_tests_and_tmux_draws_half_cells(
    online_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What ``tgreader`` would choose here ("auto", no graphics terminal): half-cells
    in the body, no graphics widget mounted."""
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    protocol = choose_protocol("auto")
    assert protocol == "halfcell"
    app = make_app(online_settings, protocol=protocol)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_article(pilot)
        assert screen.view.photos.images and not screen.view.overlays
        assert "▀" in screen_text(app)


def test_a_box_is_never_wider_than_its_photo_in_pixels() -> None:
    from tgreader.ui.photos import ArticlePhotos, PhotoBlock

    photos = ArticlePhotos(enabled=True)
    photos.start({"icon": (16, 16), "wide": (1280, 640)}, max_rows=20)
    assert PhotoBlock("icon", photos).size(60) == (16, 8)
    assert PhotoBlock("wide", photos).size(60) == (60, 15)
    assert PhotoBlock("unknown", photos).size(60) == (60, 20)  # 3:2 until it is known
    photos.arrived("wide", None, b"")
    assert PhotoBlock("wide", photos).size(60) == (0, 0)
