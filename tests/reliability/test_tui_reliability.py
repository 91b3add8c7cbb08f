"""The reader (Textual, through Pilot) when the site misbehaves or a page is hostile.

Every network fault: the reader says so in a notification and keeps showing the last good
copy, and the store is left as it was. Page text with bidi overrides, zero-width
characters and terminal escapes (ANSI, OSC, C1) is shown without them.
"""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from tgreader.demo.server import DemoServer, default_root, site_file
from tgreader.fetch import Fetcher
from tgreader.model import Article, Image, Link, Listing, Paragraph
from tgreader.service import Service, Settings
from tgreader.ui.app import ReaderApp, make_app
from tgreader.ui.screen import MainScreen
from tgreader.urls import Site

from rel_support.faults import FAULTS, RETRIES, TIMEOUT
from rel_support.faultserver import Behaviour, FaultServer, respond
from rel_support.runner import store_rows
from tui_support import screen_text, settle, svg_text

SIZE = (120, 40)
SECTION = "https://tuyengiao.vn/nhip-cau-tuyen-giao"
# The first article of that section, and its first related link (never stored).
ARTICLE = f"{SECTION}/tuyen-quang-boi-duong-nghiep-vu-cho-doi-ngu-bao-cao-vien-co-so-150163"
RELATED = f"{SECTION}/dong-nai-hoi-thi-tuyen-truyen-vien-gioi-khoi-doanh-nghiep-nam-2024-150149"
ARTICLE_PATH = ARTICLE.removeprefix("https://tuyengiao.vn")
PATHS = ("/", "/nhip-cau-tuyen-giao", ARTICLE_PATH, RELATED.removeprefix("https://tuyengiao.vn"))
# Past "Mới nhất", "Đã lưu" and the first section: the second section, its first article.
OPEN_ARTICLE = ("down", "down", "down", "enter", "enter")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the home page, the first two sections and an article, fetched just now."""
    folder = tmp_path_factory.mktemp("tui")

    async def fill(origin: str) -> None:
        service = Service(Settings(site=Site.from_url(origin), cache_dir=folder, retries=0))
        try:
            await service.home()
            await service.listing("thoi-su-chinh-tri")  # the reader opens the first section
            await service.listing(SECTION)
            await service.article(ARTICLE)
        finally:
            await service.aclose()

    with DemoServer() as server:
        asyncio.run(fill(server.url))
    return folder


@pytest.fixture
def settings(template: Path, tmp_path: Path) -> Settings:
    """Settings over a copy of the template store."""
    shutil.copytree(template, tmp_path / "cache")
    # Photos off: the server counts page requests; photos' faults are
    # test_hostile_images.py's.
    return Settings(
        cache_dir=tmp_path / "cache", data_dir=tmp_path / "data", retries=1, images="off"
    )


TUI_TIMEOUT = 0.2  # seconds: shorter than the CLI tests', the reader waits on each fault


def _service(settings: Settings, origin: str) -> Service:
    site = Site.from_url(origin)
    fetcher = Fetcher(
        site,
        retries=RETRIES,
        backoff=0.01,
        timeout=TUI_TIMEOUT,
        connect_timeout=TUI_TIMEOUT,
        deadline=TIMEOUT,  # the CLI's --timeout: a wait past it is not waited
    )
    return Service(replace(settings, site=site), fetcher=fetcher)


def _notes(app: ReaderApp) -> list[tuple[str, str]]:
    notes: list[tuple[str, str]] = []
    original = app.notify

    def notify(message: str, **options: Any) -> None:
        notes.append((message, str(options.get("severity", "information"))))
        original(message, **options)

    app.notify = notify  # type: ignore[method-assign]
    return notes


def _shown(screen: MainScreen) -> str:
    return "\n".join(str(part.render()) for part in screen.view.query(Static))


def _good(path: str) -> Behaviour:
    file = site_file(default_root(), path)
    assert file is not None
    return respond(200, file.read_bytes())


async def test_every_fault_keeps_the_last_good_content(settings: Settings) -> None:
    store = settings.store_path()
    failures: list[str] = []
    with FaultServer() as elsewhere, FaultServer() as server:
        service = _service(settings, server.url)
        app = make_app(
            service.settings, service=service, lang="en"
        )  # causes as the matrix words them
        notes = _notes(app)
        try:
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                await pilot.press(*OPEN_ARTICLE)
                await settle(pilot)
                screen = app.screen
                assert isinstance(screen, MainScreen)
                assert screen.article is not None and screen.article.url == ARTICLE
                # All of it from the store, but for the lists' next pages (not stored), asked
                # to fill the pane.
                assert [h for h in server.hits if "?page=" not in h] == []
                good_article, good_text = screen.article, _shown(screen)

                offline = False
                for fault in (f for f in FAULTS if not f.accepted):
                    if offline:  # the reader said so once: let it see the site work again
                        server.routes.update({p: _good(p) for p in PATHS})
                        await pilot.press("r")
                        await settle(pilot)
                    # The reader takes any failure without an HTTP status for "offline", and
                    # then notes one fallback, not one per page.
                    offline = fault.exit_code == 3 and not fault.cause.startswith("HTTP")
                    before, seen, hits = store_rows(store), len(notes), len(server.hits)
                    server.routes.update({p: fault.make(elsewhere.url, p) for p in PATHS})
                    await pilot.press("r")  # refresh what is shown
                    await settle(pilot)
                    await pilot.press("1")  # follow a related link never stored
                    await settle(pilot)
                    errors = [m for m, severity in notes[seen:] if severity == "error"]
                    problems = []
                    # One note for the refresh (the fallback), one for the link not shown.
                    if len([m for m in errors if fault.cause in m]) < 2:
                        problems.append(f"notes {errors}")
                    if screen.article != good_article or _shown(screen) != good_text:
                        problems.append("the article shown changed")
                    if store_rows(store) != before:
                        problems.append("the store changed")
                    asked = [h for h in server.hits[hits:] if h == ARTICLE_PATH]
                    if len(asked) != fault.expected_hits:
                        problems.append(f"{len(asked)} requests, not {fault.expected_hits}")
                    if problems:
                        failures.append(f"{fault.id}: {'; '.join(problems)}")
                assert app.is_running
        finally:
            await service.aclose()
    assert elsewhere.hits == []
    assert not failures, "\n".join(failures)


# -- hostile text on screen -----------------------------------------------------------------

# Bidi overrides and isolates, zero-width characters, a BOM, and terminal escapes: ANSI
# (CSI), OSC 8 hyperlinks and OSC 52 clipboard writes (7-bit and C1 forms), DCS, BEL, DEL.
BIDI = "\u202e\u202d\u202a\u202b\u202c\u2066\u2067\u2068\u2069\u200e\u200f"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
ESCAPES = "\x1b\x9b\x9d\x90\x9c\x07\x7f\x00"
FORBIDDEN = set(BIDI + ZERO_WIDTH + ESCAPES)


def _hostile(article: Article) -> Article:
    return replace(
        article,
        title="Tiêu\u200b đề \u202egpj.exe\u202c có\ufeff mã \x1b]8;;https://evil.example\x1b\\ẩn",
        sapo="Sapo \u2066đảo\u2069 chiều \u200fvà\u200e \x9b31mmàu\x9b0m.",
        blocks=(
            Paragraph("Đoạn \x1b]52;c;ZXZpbA==\x07sao chép\x1b[2J xoá \x9d0;tiêu đề\x9c hết."),
            Paragraph("Chữ\u200d nối\u2060 và \u202dép\u202c trái \x90q\x9c \x7fxong\x00."),
            Image(None, "Chú\u200c thích \u202bngược\u202c"),
        ),
        related=(Link("Liên \u2067kết\u2069 \x1b[5mnhấp nháy\x1b[0m", RELATED),),
    )


async def test_bidi_zero_width_and_escapes_never_reach_the_screen(settings: Settings) -> None:
    # The parser removes them; the reader must hold even if a stored page has them.
    with Service(replace(settings, offline=True)).store as store:
        page = store.get(ARTICLE)
        listing = store.get(SECTION)
        assert page is not None and listing is not None
        article, index = page.model(), listing.model()
        assert isinstance(article, Article) and isinstance(index, Listing)
        hostile = _hostile(article)
        store.put(ARTICLE, hostile, page.html)
        first = replace(index.articles[0], title=hostile.title)
        store.put(SECTION, replace(index, articles=(first, *index.articles[1:])), listing.html)

    service = Service(replace(settings, offline=True))
    app = make_app(service.settings, service=service)
    try:
        # Wide: each hostile line on one line of the screen, to be read back whole.
        async with app.run_test(size=(150, 40)) as pilot:
            await settle(pilot)
            await pilot.press(*OPEN_ARTICLE)
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            assert screen.article == hostile
            everything = svg_text(app)
            text = screen_text(app)
    finally:
        await service.aclose()
    assert FORBIDDEN.isdisjoint(everything), sorted(FORBIDDEN & set(everything))
    # What is left of the text is shown as typed, in logical order.
    for visible in (
        "Tiêu đề gpj.exe có mã ]8;;https://evil.example\\ẩn",
        "Sapo đảo chiều và 31mmàu0m.",
        "Đoạn ]52;c;ZXZpbA==sao chép[2J xoá 0;tiêu đề hết.",
        "Chữ nối và ép trái q xong.",
        "Ảnh: Chú thích ngược",
        "Liên kết [5mnhấp nháy[0m",
    ):
        assert visible in text, visible
