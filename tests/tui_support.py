"""The reader's screen as text, and waiting for it to settle, for the Pilot tests of both
tests/ui and tests/reliability (Textual is imported only here)."""

from __future__ import annotations

import html
import re

from textual.app import App
from textual.pilot import Pilot

__all__ = ["screen_text", "settle", "svg_text"]

_TEXT = re.compile(
    r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
    r'clip-path="url\(#[\w-]+-line-(\d+)\)">([^<]*)</text>'
)
_CELL = 12.2  # the width of one cell in Textual's SVG export


def svg_text(app: App[object]) -> str:
    """Every character of the exported screenshot, entities decoded (markup included)."""
    return html.unescape(app.export_screenshot())


def screen_text(app: App[object]) -> str:
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


async def settle(pilot: Pilot[object], rounds: int = 3) -> None:
    """Let workers finish and their messages be handled (a handler may start another)."""
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()
