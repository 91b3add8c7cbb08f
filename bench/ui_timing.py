"""How fast the reader paints: launch to first screen, and Enter to an article's text.

    python bench/ui_timing.py [--runs 9] [--opens 30]

Both with a filled store (the demo site synced into a temporary folder, the demo server
running, as with ``tgreader --demo``), headless at 120x40. Prints medians (and min/max).

- launch: a fresh Python process (interpreter start, imports, store, first layout) until
  the first frame that shows the sections and the first section's articles from the store;
- open: Enter on a stored article in the list until the frame that shows its text.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_CHILD = "TGREADER_BENCH_CHILD"


def _settings(site: str, root: Path, ttl: float = 600.0) -> object:
    from tgreader.service import Settings
    from tgreader.urls import Site

    return Settings(site=Site.from_url(site), cache_dir=root / "c", data_dir=root / "d", ttl=ttl)


async def _painted(app: object) -> None:
    """Wait for the next frame to be rendered."""
    done = asyncio.get_running_loop().create_future()
    app.call_after_refresh(lambda: done.done() or done.set_result(None))  # type: ignore[attr-defined]
    await done


async def _until(condition: object, timeout: float = 10.0) -> None:
    from textual.css.query import NoMatches

    deadline = time.monotonic() + timeout
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError("the reader did not get there")
        try:
            if condition():  # type: ignore[operator]
                return
        except NoMatches:  # not composed yet
            pass
        await asyncio.sleep(0.0005)


def child_launch(site: str, root: Path, started: float, ttl: float) -> None:
    """One launch, in its own process: print seconds from spawn to the first full frame."""
    from tgreader.ui.app import make_app
    from tgreader.ui.screen import MainScreen

    imported = time.time()
    app = make_app(_settings(site, root, ttl))  # type: ignore[arg-type]
    result: dict[str, float] = {"imports": imported - started}

    async def pilot(p: object) -> None:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await _until(lambda: bool(screen.articles.rows) and bool(screen.sections.entries))
        await _painted(app)
        result["launch"] = time.time() - started
        app.exit()

    app.run(headless=True, size=(120, 40), auto_pilot=pilot)  # type: ignore[arg-type]
    print(json.dumps(result))


async def _opens(site: str, root: Path, count: int) -> list[float]:
    from tgreader.ui.app import make_app
    from tgreader.ui.screen import MainScreen

    app = make_app(_settings(site, root))  # type: ignore[arg-type]
    times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await _until(lambda: len(screen.articles.rows) >= 2)
        await app.workers.wait_for_complete()
        await pilot.press("tab")
        for n in range(count):
            index = n % 2  # alternate, so every Enter shows another article
            screen.articles.highlighted = index
            await pilot.pause()
            before = screen.article
            started = time.perf_counter()
            # Enter, as the list's binding runs it (pilot.press would add its own waits).
            screen.articles.action_select()
            # (a redirected article has another URL than its row: wait for any new one)
            await _until(lambda b=before: screen.article is not None and screen.article is not b)
            await _painted(app)
            times.append(time.perf_counter() - started)
            await app.workers.wait_for_complete()
            await pilot.press("shift+tab")  # back to the list for the next Enter
    return times


def _fill(site: str, root: Path) -> None:
    from tgreader.service import Service
    from tgreader.sync import sync

    async def run() -> None:
        service = Service(_settings(site, root))  # type: ignore[arg-type]
        try:
            sections, _, _ = await service.sections()
            await sync(service, [s.url for s in sections], pages=2, depth=1)
        finally:
            await service.aclose()

    asyncio.run(run())


def _report(name: str, values: list[float]) -> None:
    ms = [v * 1000 for v in values]
    print(
        f"{name}: median {statistics.median(ms):.0f} ms "
        f"(min {min(ms):.0f}, max {max(ms):.0f}, n={len(ms)})"
    )


def main() -> int:
    """Fill a store from the demo site, then time launches and opens."""
    if os.environ.get(_CHILD):
        site, root, started, ttl = os.environ[_CHILD].split("|")
        child_launch(site, Path(root), float(started), float(ttl))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="launches to time")
    parser.add_argument("--opens", type=int, default=30, help="article opens to time")
    args = parser.parse_args()

    from tgreader.demo.server import DemoServer

    with tempfile.TemporaryDirectory() as scratch, DemoServer() as server:
        root = Path(scratch)
        _fill(server.url, root)
        launches: list[float] = []
        imports: list[float] = []
        stale: list[float] = []
        for run in range(2 * args.runs):
            # Every other launch finds the store stale: the site is asked while it paints.
            ttl = 0.0 if run % 2 else 600.0
            env = dict(os.environ, **{_CHILD: f"{server.url}|{root}|{time.time()}|{ttl}"})
            out = subprocess.run(
                [sys.executable, __file__], env=env, capture_output=True, text=True, check=True
            )
            result = json.loads(out.stdout.strip().splitlines()[-1])
            if ttl:
                launches.append(result["launch"])
                imports.append(result["imports"])
            else:
                stale.append(result["launch"])
        opens = asyncio.run(_opens(server.url, root, args.opens))
    _report("launch to first painted screen (filled store)", launches)
    _report("  of which interpreter start and imports", imports)
    _report("launch to first painted screen (stale store, site revalidating)", stale)
    _report("Enter on a stored article to its painted text", opens)
    return 0


if __name__ == "__main__":
    sys.exit(main())
