"""Pilot tests: the reader answers keys while pages load, and survives any keys at all."""

from __future__ import annotations

import os
import random
import threading

import pytest

from tgreader import service as service_module
from tgreader.model import Article
from tgreader.service import Service
from tgreader.ui import loaders
from tgreader.ui.app import make_app
from tgreader.ui.keys import DEFAULT_KEYS
from tgreader.ui.screen import MainScreen
from tgreader.urls import Site

from tui_support import settle


async def test_keys_are_answered_while_a_page_is_being_parsed(
    demo_service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The article's parse is held until the test lets it go: were it run on the event
    # loop, no key could be handled meanwhile (and the wait would time out).
    gate = threading.Event()
    parsing = threading.Event()
    real = service_module._parse_article

    def slow_parse(html: str, url: str, site: Site) -> Article:
        parsing.set()
        assert gate.wait(10), "the test never let the parse go"
        return real(html, url, site)

    monkeypatch.setattr(service_module, "_parse_article", slow_parse)
    app = make_app(demo_service.settings, service=demo_service, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("tab", "enter")  # the first article: fetched, then parsed
        for _ in range(200):
            if parsing.is_set():
                break
            await pilot.pause(0.01)
        assert parsing.is_set() and screen.article is None
        await pilot.press("shift+tab", "j")  # the list answers while the parse is held
        assert app.focused is screen.articles
        assert screen.articles.highlighted == 1
        assert screen.article is None
        gate.set()
        await settle(pilot)
        assert screen.article is not None


KEYS = [
    key
    for binding_id, keys in DEFAULT_KEYS.items()
    if binding_id not in ("quit", "open_browser")
    for key in keys.split(",")
] + ["escape", "enter", "j", "j", "n"]


# 200 keys a run, wide and narrow; TGREADER_RANDOM_KEYS=N presses N (and tries more seeds
# with TGREADER_RANDOM_SEEDS).
PRESSES = int(os.environ.get("TGREADER_RANDOM_KEYS", "200"))
SEEDS = range(1, 1 + int(os.environ.get("TGREADER_RANDOM_SEEDS", "1")))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_hundreds_of_random_keys_with_loads_in_flight_end_in_a_clean_quit(
    demo_service: Service, monkeypatch: pytest.MonkeyPatch, seed: int, size: tuple[int, int]
) -> None:
    monkeypatch.setattr(loaders, "console_browser", lambda: None)
    chooser = random.Random(seed)
    app = make_app(demo_service.settings, service=demo_service, lang="vi")
    async with app.run_test(size=size) as pilot:
        for step in range(PRESSES):
            await pilot.press(chooser.choice(KEYS))
            if step % 50 == 49:
                await settle(pilot, rounds=1)  # some loads finish, others stay in flight
        for _ in range(4):  # out of any dialog or full-screen photo
            await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
