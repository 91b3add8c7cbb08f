"""Peak memory of the reader with the generated store of 50,000 articles.

A child process opens the reader (offline, headless, 120x40) on the cached store, waits for
its first screen, runs every search query of ``search_bench`` (50 hits, as the reader asks)
and opens the articles of the first list ("Mới nhất") one after another; it reports its resident set
size after the first screen and its peak (the kernel's ``VmHWM``) at the end.

    python bench/memory_bench.py [--size 50000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import corpus
from bench.common import REPO, Result

TARGET_MB = 150.0


def _rss_mb() -> float:
    """The resident set size now, in MiB (psutil, else Linux's /proc)."""
    try:
        import psutil
    except ImportError:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    return float(psutil.Process().memory_info().rss) / 2**20


def _peak_mb() -> float:
    """This process's peak resident set size, in MiB.

    Linux's VmHWM, not ``ru_maxrss``: the latter also counts the memory of the process
    image before ``exec`` (that is, of the parent that forked it: here, the benchmark run).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(store: Path, data: Path, spawned: float) -> None:
    """In the child: the reader on ``store``; print RSS after the first screen and the peak."""
    from bench.launch_bench import SIZE, FirstFrame, _safely, _until, first_screen_shown
    from bench.search_bench import QUERIES

    from tgreader.service import Settings
    from tgreader.ui.app import make_app
    from tgreader.ui.screen import MainScreen

    settings = Settings(cache_dir=store.parent, data_dir=data, offline=True)
    app = make_app(settings)
    frames = FirstFrame(app, _safely(lambda: first_screen_shown(app)))
    found: dict[str, Any] = {}

    async def pilot(p: Any) -> None:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        painted = await frames.painted()
        found["first_screen_s"] = painted + time.time() - time.perf_counter() - spawned
        found["first_screen_mb"] = _rss_mb()
        hits = 0
        for query in QUERIES:
            hits += len(await asyncio.to_thread(app.service.search, query, limit=50))
        found["search_hits"] = hits
        found["after_search_mb"] = _rss_mb()
        await p.press("tab")
        for index in range(len(screen.articles.rows)):
            screen.articles.highlighted = index
            await p.pause()
            shown = screen.article
            await p.press("enter")
            # An article the store does not hold (offline) is only a message: go on.
            with contextlib.suppress(TimeoutError):
                await _until(
                    lambda a=shown: screen.article is not None and screen.article is not a,
                    timeout=5,
                )
            await app.workers.wait_for_complete()
            await p.press("shift+tab")
        await p.pause()
        found["end_mb"] = _rss_mb()
        app.exit()

    app.run(headless=True, size=SIZE, auto_pilot=pilot)
    found["peak_mb"] = max(_peak_mb(), found["end_mb"])
    found["store_mb"] = store.stat().st_size / 2**20
    print(json.dumps(found))


def measure(size: int) -> dict[str, Any]:
    """Build (or find) the store of ``size`` articles and run the child on a copy's folder."""
    store = corpus.ensure(size)
    with tempfile.TemporaryDirectory() as scratch:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), str(REPO)])
        env["TGREADER_CONFIG_DIR"] = str(Path(scratch) / "config")
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                str(store),
                str(Path(scratch) / "data"),
                str(time.time()),
            ],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
    data: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    data["size"] = size
    return data


def run(quick: bool = False, baseline: Path | None = None, size: int = 50_000) -> Result:
    """The memory benchmark, as a section of the report."""
    found = measure(2_000 if quick else size)
    result = Result("Memory")
    result.add(
        f"Peak RSS, reader on the {found['size']:,}-article store",
        f"{found['peak_mb']:.0f} MB",
        "≤ 150 MB",
        found["peak_mb"] <= TARGET_MB,
    )
    result.say(
        f"The reader (`make_app`, offline, headless 120×40) on the generated store of "
        f"{found['size']:,} articles ({found['store_mb']:.0f} MB on disk): "
        f"{found['first_screen_mb']:.0f} MB resident at its first screen (shown "
        f"{found['first_screen_s'] * 1000:.0f} ms after the process was started), "
        f"{found['after_search_mb']:.0f} MB after the {len(_queries())} search queries of the "
        f"search benchmark (50 hits each, {found['search_hits']} hits in all), "
        f'{found["end_mb"]:.0f} MB after opening every article of the first list ("Mới nhất"); '
        f"**peak {found['peak_mb']:.0f} MB** (the kernel's high-water mark, `VmHWM`). "
        "One run: the figure is a peak, not a time.",
    )
    result.data = found
    return result


def _queries() -> tuple[str, ...]:
    from bench.search_bench import QUERIES

    return QUERIES


def main() -> int:
    """Print the memory figures (or, with ``--child``, be the measured reader)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=3, metavar=("STORE", "DATA", "SPAWNED"))
    parser.add_argument("--size", type=int, default=50_000)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]), float(args.child[2]))
        return 0
    print("\n".join(run(size=args.size).text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
