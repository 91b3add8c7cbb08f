"""Take the README's pictures: run the reader headless on the demo site, save SVG, make PNG.

    python scripts/screenshots.py [--out screenshots] [--keep-svg]

Needs ``rsvg-convert`` (Debian: librsvg2-bin) and a monospace font with Vietnamese glyphs
(fonts-firacode) for the PNGs; without rsvg-convert only the SVGs are written.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tgreader.demo.server import DemoServer
from tgreader.service import Service, Settings
from tgreader.sync import sync
from tgreader.ui.app import make_app
from tgreader.urls import Site


@dataclass(frozen=True)
class Shot:
    """One picture: its name, the terminal size, and the keys pressed before it is taken."""

    name: str
    size: tuple[int, int]
    keys: tuple[str, ...] = ()
    lang: str | None = None


def _typed(text: str) -> tuple[str, ...]:
    return tuple("space" if ch == " " else ch for ch in text)


SHOTS = (
    Shot("main", (120, 36), ("tab", "enter")),
    # The seed article (captions, the author line, "Các tin khác"), found by a search.
    Shot("article", (120, 52), ("slash", *_typed("bac kan"), "enter", "enter")),
    Shot("article-end", (120, 40), ("slash", *_typed("bac kan"), "enter", "enter", "G", "j")),
    Shot("help", (120, 40), ("question_mark",)),
    # An article with its lead photo (half-cells: a headless run has no graphics protocol).
    Shot("photo", (120, 44), ("tab", "j", "enter")),
    Shot("search", (120, 36), ("slash", *_typed("hoi nghi"), "enter")),
    Shot("narrow", (80, 30), ("tab", "enter")),
    Shot("english", (120, 36), ("tab", "enter"), lang="en"),
)


async def _settle(pilot: object) -> None:
    for _ in range(3):
        await pilot.pause()  # type: ignore[attr-defined]
        await pilot.app.workers.wait_for_complete()  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


async def _take(settings: Settings, shot: Shot, folder: Path) -> Path:
    app = make_app(settings, lang=shot.lang)
    async with app.run_test(size=shot.size) as pilot:
        await _settle(pilot)
        for key in shot.keys:
            await pilot.press(key)
            await _settle(pilot)
        name = f"{shot.name}.svg"
        app.save_screenshot(filename=name, path=str(folder))
    return folder / name


async def _fill(settings: Settings) -> None:
    """Fetch every section and its articles once, so search has something to find."""
    service = Service(settings)
    try:
        sections, _, _ = await service.sections()
        await sync(service, [s.url for s in sections], pages=1, depth=1)
    finally:
        await service.aclose()


async def _main(out: Path, keep_svg: bool) -> int:
    out.mkdir(parents=True, exist_ok=True)
    converter = shutil.which("rsvg-convert")
    with tempfile.TemporaryDirectory() as scratch, DemoServer() as server:
        root = Path(scratch)
        settings = Settings(
            site=Site.from_url(server.url),
            cache_dir=root / "cache",
            data_dir=root / "data",
            demo=True,
        )
        await _fill(settings)
        for shot in SHOTS:
            svg = await _take(settings, shot, root if converter and not keep_svg else out)
            if converter:
                png = out / f"{shot.name}.png"
                subprocess.run([converter, "-o", str(png), str(svg)], check=True)
                print(png)
                if keep_svg:
                    print(svg)
            else:
                print(f"{svg} (rsvg-convert not found: no PNG)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Write screenshots/*.png (and with --keep-svg the SVGs)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent.parent / "screenshots")
    parser.add_argument("--keep-svg", action="store_true", help="also keep the SVG files")
    args = parser.parse_args(argv)
    return asyncio.run(_main(args.out, args.keep_svg))


if __name__ == "__main__":
    sys.exit(main())
