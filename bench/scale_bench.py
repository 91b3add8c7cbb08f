"""The whole archive: launch, a command and a page of search results against store size.

Stores of 1,000 to 200,000 generated articles (``corpus.py``: the demo site plus N
articles). For each:

- ``tgreader --offline sections --json``: wall time of the process (start to exit);
- the reader's first screen in a real terminal (tmux, as ``launch_bench.in_tmux``): from
  spawning the session to the first section's name and the first title of "Mới nhất" shown;
- ``newsboat`` (when installed) over its own cache of as many RSS items, first screen
  (its feed list) in tmux the same way, for comparison;
- a page of 20 search results (the benchmark's queries, phrase ranking on), median;
- the file's size per article;
- at the largest size, opening a copy made to look like a store from before schema 7 (its
  indexes emptied, the rebuild pending): the whole rebuild, with its progress reports.

The target: at 200,000 articles, launch and ``sections`` within 10 % of 1,000; a page of
results at most 30 ms; the rebuild at 200,000 at most 2 minutes.

    python bench/scale_bench.py [--sizes 1000 10000 50000 200000] [--tag T] [--repeat N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import corpus, launch_bench
from bench.common import REPO, Result, Stats, timed

SIZES = (1_000, 10_000, 50_000, 200_000)
QUERIES = ("hoi nghi", "dang", "chuyen doi so", '"cong tac tuyen giao"', "Đảng bộ tỉnh", "hội nghị")
LAUNCH_RATIO = 1.10
SEARCH_TARGET_S = 0.030
REINDEX_TARGET_S = 120.0


def _env(cache: Path, scratch: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        TGREADER_CACHE_DIR=str(cache),
        TGREADER_DATA_DIR=str(scratch / "data"),
        TGREADER_CONFIG_DIR=str(scratch / "config"),
        PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO)]),
    )
    return env


def sections_time(cache: Path, scratch: Path) -> float:
    """Seconds for one ``tgreader --offline sections --json`` process."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tgreader", "--offline", "sections", "--json"],
        env=_env(cache, scratch), check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - started


def first_screen_texts(cache: Path, scratch: Path) -> tuple[str, ...]:
    """The first section's name and the first title of the list the reader starts on
    ("Mới nhất"), as the store holds them."""
    from tgreader.model import Home
    from tgreader.service import Service, Settings

    service = Service(Settings(cache_dir=cache, data_dir=scratch / "data", offline=True))
    try:
        home = service.stored(service.site.home_url, Home)
        assert home is not None and home.page.sections
        latest = service.latest_from(home.page)
        assert latest
        return home.page.sections[0].name, latest[0].title[:20]
    finally:
        asyncio.run(service.aclose())


def reader_first_screen(cache: Path, scratch: Path, texts: tuple[str, ...]) -> float:
    """Seconds from spawning the reader in tmux to its first screen."""
    # Given in the command: a session takes the environment of the tmux server, not of
    # the client that starts it.
    env = _env(cache, scratch)
    names = ("TGREADER_CACHE_DIR", "TGREADER_DATA_DIR", "TGREADER_CONFIG_DIR", "PYTHONPATH")
    settings = [f"{name}={env[name]}" for name in names]
    command = ["env", *settings, "LANG=C.UTF-8", sys.executable, "-m", "tgreader", "--offline"]
    return launch_bench.in_tmux(command, texts, scratch, "scale")


def reindex_time(path: Path, scratch: Path) -> dict[str, Any]:
    """Seconds to open a copy of the store at ``path`` made to look like a store from
    before schema 7 (its indexes emptied, the rebuild pending), the rebuild included; how
    many progress reports it gave; and whether a search finds articles afterwards."""
    import sqlite3

    from tgreader.store import Store
    from tgreader.store_index import index_command

    copy = scratch / "older.sqlite3"
    shutil.copyfile(path, copy)
    conn = sqlite3.connect(copy)
    with conn:
        index_command(conn, "delete-all")
        conn.execute("DELETE FROM index_rebuild")
        conn.execute("INSERT INTO index_rebuild (reached) VALUES (-1)")  # as migration 7
    conn.close()
    reports: list[tuple[int, int]] = []
    try:
        started = time.perf_counter()
        with Store.open(
            copy, on_reindex=lambda done, total: reports.append((done, total))
        ) as store:
            seconds = time.perf_counter() - started
            found = len(store.search("hoi nghi"))
    finally:
        for leftover in scratch.glob("older.sqlite3*"):
            leftover.unlink()
    total = reports[-1][1] if reports else 0
    return {"seconds": seconds, "reports": len(reports), "articles": total, "found": found}


def newsboat_cache(size: int, folder: Path) -> Path | None:
    """A newsboat home with one feed of ``size`` items, loaded into its cache once; None
    without newsboat."""
    if shutil.which("newsboat") is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    feed = folder / "feed.xml"
    if not (folder / "cache.db").exists():
        items = "".join(
            f"<item><title>Bài viết số {n}</title><link>https://tuyengiao.vn/a/bai-{n}</link>"
            f"<guid>bai-{n}</guid><description>Tóm tắt bài {n}.</description></item>"
            for n in range(size)
        )
        feed.write_text(
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Tuyên giáo</title><link>https://tuyengiao.vn/</link>{items}"
            "</channel></rss>",
            encoding="utf-8",
        )
        (folder / "urls").write_text(f'"exec:cat {feed}"\n', encoding="utf-8")
        (folder / "config").write_text("max-items 0\n", encoding="utf-8")
        subprocess.run(
            ["newsboat", "-u", str(folder / "urls"), "-c", str(folder / "cache.db"),
             "-C", str(folder / "config"), "-x", "reload"],
            check=True, capture_output=True, timeout=3600,
        )  # fmt: skip
    return folder


def newsboat_first_screen(folder: Path, size: int, scratch: Path) -> float:
    """Seconds from spawning newsboat in tmux to its feed list with the item count."""
    command = ["newsboat", "-u", str(folder / "urls"), "-c", str(folder / "cache.db"),
               "-C", str(folder / "config")]  # fmt: skip
    return launch_bench.in_tmux(command, (f" ({size}/",), scratch, "newsboat")


def measure(sizes: tuple[int, ...], tag: str, repeat: int) -> dict[str, Any]:
    """Every figure for every size (stores built first if needed)."""
    # A tmux server of this run's own, kept up by an idle session: when the last session
    # goes the server quits, and a session started at that moment fails.
    launch_bench._TMUX_SOCKET = f"tgreader-scale-{os.getpid()}"
    launch_bench._tmux("new-session", "-d", "-s", "keep", "sleep 86400")
    try:
        return _measure(sizes, tag, repeat)
    finally:
        launch_bench._tmux("kill-server")


def _measure(sizes: tuple[int, ...], tag: str, repeat: int) -> dict[str, Any]:
    from tgreader.store import Store

    found: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        (scratch / "config").mkdir()
        for size in sizes:
            path = corpus.ensure(size, tag)
            cache = path.parent
            texts = first_screen_texts(cache, scratch)
            sections_time(cache, scratch)  # the file cache warm, as for every launch after
            entry: dict[str, Any] = {
                "sections": [sections_time(cache, scratch) for _ in range(repeat)],
                "first_screen": [reader_first_screen(cache, scratch, texts) for _ in range(repeat)],
            }
            with Store.open(path) as store:
                for query in QUERIES:
                    store.search(query)
                stats = [timed(lambda q=q: store.search(q), repeat=repeat) for q in QUERIES]
                entry["search"] = [v for s in stats for v in s.values]
                entry["articles"] = store.info().counts["article"]
            entry["bytes"] = path.stat().st_size
            boat = newsboat_cache(size, corpus.cache_root() / f"newsboat-{size}")
            if boat is not None:
                entry["newsboat"] = [
                    newsboat_first_screen(boat, size, scratch) for _ in range(repeat)
                ]
            if size == max(sizes):
                entry["reindex"] = reindex_time(path, scratch)
            found[str(size)] = entry
    return found


def _median(values: list[float]) -> float:
    return statistics.median(values)


def run(
    quick: bool = False, baseline: Path | None = None, sizes: tuple[int, ...] | None = None
) -> Result:
    """The scale benchmark, as a section of the report (``quick``: 1,000 and 10,000 only)."""
    sizes = sizes or ((1_000, 10_000) if quick else SIZES)
    repeat = 3 if quick else 9
    data = measure(sizes, "", repeat)
    result = Result("Scale")
    boat = all("newsboat" in e for e in data.values())
    lines = [
        "Stores of generated articles (`corpus.py`). Medians of "
        f"{repeat} runs each; the file cache warm.",
        "",
        "| articles | `sections --json` | first screen (tmux) "
        + ("| newsboat first screen " if boat else "")
        + "| 20 hits | file per article |",
        "|---:|---:|---:|" + ("---:|" if boat else "") + "---:|---:|",
    ]
    for size, entry in data.items():
        cells = [
            f"{int(size):,}",
            Stats.of(entry["sections"]).ms(0),
            Stats.of(entry["first_screen"]).ms(0),
            *([Stats.of(entry["newsboat"]).ms(0)] if boat else []),
            Stats.of(entry["search"]).ms(1),
            f"{entry['bytes'] / entry['articles'] / 1024:.1f} KB",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    result.say(*lines)
    small, large = data[str(min(sizes))], data[str(max(sizes))]
    for key, what in (("sections", "`sections --json`"), ("first_screen", "first screen")):
        ratio = _median(large[key]) / _median(small[key])
        result.add(
            f"{what}, {max(sizes):,} articles against {min(sizes):,}",
            f"× {ratio:.2f}",
            f"≤ × {LAUNCH_RATIO:.2f}",
            ratio <= LAUNCH_RATIO,
        )
    median = _median(large["search"])
    result.add(
        f"Search, {max(sizes):,} articles, 20 hits (phrase ranking)",
        f"{median * 1000:.1f} ms",
        f"≤ {SEARCH_TARGET_S * 1000:.0f} ms",
        median <= SEARCH_TARGET_S,
    )
    rebuild = large["reindex"]
    result.say(
        "",
        f"Reindex: a copy of the {max(sizes):,}-article store made to look like one from "
        "before schema 7 (indexes emptied, rebuild pending), opened with a progress callback: "
        f"{rebuild['seconds']:.1f} s for {rebuild['articles']:,} articles, "
        f"{rebuild['reports']} progress reports, then a search found {rebuild['found']} hits.",
    )
    result.add(
        f"Reindex of an older store, {max(sizes):,} articles (progress bar)",
        f"{rebuild['seconds']:.1f} s",
        f"≤ {REINDEX_TARGET_S:.0f} s",
        rebuild["seconds"] <= REINDEX_TARGET_S and rebuild["reports"] > 2 and rebuild["found"] > 0,
    )
    result.data = data
    return result


def main() -> int:
    """Print the scale figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--tag", default="")
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    data = measure(tuple(args.sizes), args.tag, args.repeat)
    for size, entry in data.items():
        parts = [
            f"{int(size):>7,} articles",
            f"sections {_median(entry['sections']) * 1000:.0f} ms",
            f"first screen {_median(entry['first_screen']) * 1000:.0f} ms",
            f"search {_median(entry['search']) * 1000:.1f} ms",
            f"{entry['bytes'] / entry['articles'] / 1024:.1f} KB/article",
        ]
        if "newsboat" in entry:
            parts.append(f"newsboat {_median(entry['newsboat']) * 1000:.0f} ms")
        print(", ".join(parts), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
