"""The reader's screen as text, and waiting for it to settle, for the Pilot tests of both
tests/ui and tests/reliability (Textual is imported only here)."""

from __future__ import annotations

import asyncio
import html
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widget import Widget

__all__ = ["focused", "screen_text", "settle", "svg_text", "type_at_once", "until"]

_TEXT = re.compile(
    r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
    r'clip-path="url\(#[\w-]+-line-(\d+)\)">([^<]*)</text>'
)
_CELL = 12.2  # the width of one cell in Textual's SVG export


def svg_text(app: App[Any]) -> str:
    """Every character of the exported screenshot, entities decoded (markup included)."""
    return html.unescape(app.export_screenshot())


def screen_text(app: App[Any]) -> str:
    """What the terminal shows, line by line."""
    lines: dict[int, list[str]] = {}
    for x, line, chunk in _TEXT.findall(app.export_screenshot()):
        row = lines.setdefault(int(line), [])
        column = round(float(x) / _CELL)
        text = html.unescape(chunk).replace("\xa0", " ")
        if len(row) < column:
            row.extend(" " * (column - len(row)))
        row[column : column + len(text)] = list(text)
    return "\n".join("".join(lines[n]).rstrip() for n in sorted(lines))


async def settle(pilot: Pilot[Any], rounds: int = 3) -> None:
    """Let workers finish and their messages be handled (a handler may start another)."""
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def until(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 5) -> None:
    """Wait (without waiting for workers) until ``condition`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)
    await pilot.pause()


def focused(app: App[Any]) -> Widget | None:
    """The focused widget, read afresh (an ``assert app.focused is …`` narrows the type
    for the rest of the test, though a key press changes it)."""
    return app.focused


def type_at_once(app: App[Any], keys: Iterable[tuple[str, str | None]]) -> None:
    """Deliver ``keys`` (name, character) as the terminal driver does, all at once: none
    waits for the app to handle the one before, as when a fast typist or a paste sends
    them (``Pilot.press`` waits after each key)."""
    driver = app._driver
    assert driver is not None
    for key, character in keys:
        event = events.Key(key, character)
        event.set_sender(app)
        driver.send_message(event)
