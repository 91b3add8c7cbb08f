"""Store size against the raw HTML it holds: the synced demo site and the generated stores.

For each store: the file (with its WAL) against the uncompressed HTML of its pages, and what
takes the space (SQLite's ``dbstat``: the pages of each table and index).

    python bench/size_bench.py
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import corpus
from bench.common import BASELINE_REV, Result, run_json

TARGET = 0.35


def breakdown(path: Path) -> dict[str, Any]:
    """Raw HTML bytes, file bytes, and bytes by kind of content, of the store at ``path``."""
    conn = sqlite3.connect(path)
    try:
        raw, html, parses = conn.execute(
            "SELECT sum(raw_size), sum(length(body)), sum(length(parsed)) FROM pages"
        ).fetchone()
        count = conn.execute("SELECT count(*) FROM pages").fetchone()[0]
        groups: dict[str, int] = {}
        for name, size in conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
            if name.startswith(("pages_fts", "search_index", "search_exact")):
                key = "search index"
            elif name == "pages":
                key = "pages (HTML, parses, columns)"
            elif name == "page_dicts":
                key = "compression dictionaries"
            else:
                key = "indexes, schema, free"
            groups[key] = groups.get(key, 0) + int(size)
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        free = conn.execute("PRAGMA freelist_count").fetchone()[0] * page_size
    finally:
        conn.close()
    wal = path.with_name(path.name + "-wal")
    file_size = path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    return {
        "pages": count,
        "raw": int(raw or 0),
        "file": file_size,
        "html": int(html or 0),
        "parses": int(parses or 0),
        "groups": groups,
        "free": free,
    }


def demo_store(folder: Path, vacuum: bool) -> Path:
    """The demo site synced (every section, 3 listing pages, related 2 deep) into ``folder``."""
    from tgreader.demo.server import DemoServer
    from tgreader.service import Service, Settings
    from tgreader.sync import sync
    from tgreader.urls import Site

    async def go(origin: str) -> Path:
        settings = Settings(site=Site.from_url(origin), cache_dir=folder, data_dir=folder / "d")
        service = Service(settings)
        try:
            sections, _, _ = await service.sections()
            await sync(service, [s.url for s in sections], pages=3, depth=2)
            if vacuum:
                service.store.vacuum()
            return service.store.path
        finally:
            await service.aclose()

    with DemoServer() as server:
        return asyncio.run(go(server.url))


def measure(sizes: tuple[int, ...], tag: str = "") -> dict[str, Any]:
    """The demo store after sync and after vacuum, and the generated stores, broken down."""
    found: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as scratch:
        path = demo_store(Path(scratch), vacuum=False)
        found["demo, after sync"] = breakdown(path)
        from tgreader.store import Store

        with Store.open(path) as store:  # the same store, as `tgreader cache vacuum` leaves it
            store.vacuum()
        found["demo, after cache vacuum"] = breakdown(path)
    for size in sizes:
        found[f"generated, {size:,} articles"] = breakdown(corpus.ensure(size, tag))
    return found


def _mb(value: int) -> str:
    return f"{value / 1e6:.2f} MB" if value >= 1e6 else f"{value / 1e3:.0f} KB"


def run(
    quick: bool = False, baseline: Path | None = None, sizes: tuple[int, ...] = (10_000, 50_000)
) -> Result:
    """The size benchmark, as a section of the report."""
    found = measure((2_000,) if quick else sizes)
    before = _baseline(baseline) if baseline is not None else None
    result = Result("Store size")
    lines = [
        "| store | pages | raw HTML | file (+WAL) | ratio | HTML stored | parses | "
        "search index | dictionaries | other |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, facts in found.items():
        ratio = facts["file"] / facts["raw"]
        groups = facts["groups"]
        lines.append(
            f"| {name} | {facts['pages']:,} | {_mb(facts['raw'])} | {_mb(facts['file'])} | "
            f"**{ratio:.1%}** | {_mb(facts['html'])} | {_mb(facts['parses'])} | "
            f"{_mb(groups.get('search index', 0))} | "
            f"{_mb(groups.get('compression dictionaries', 0))} | "
            f"{_mb(groups.get('indexes, schema, free', 0))} |"
        )
        result.add(f"Store size / raw HTML, {name}", f"{ratio:.1%}", "≤ 35 %", ratio <= TARGET)
    if before:
        for name, facts in before.items():
            ratio = facts["file"] / facts["raw"]
            lines.append(
                f"| before ({BASELINE_REV}): {name} | {facts['pages']:,} | {_mb(facts['raw'])} | "
                f"{_mb(facts['file'])} | {ratio:.1%} | {_mb(facts['html'])} | "
                f"{_mb(facts['parses'])} | {_mb(facts['groups'].get('search index', 0))} | – | "
                f"{_mb(facts['groups'].get('indexes, schema, free', 0))} |"
            )
    result.say(
        "The file with its WAL (as `tgreader cache info` counts it) against the uncompressed "
        "HTML of the pages it holds. “HTML stored” and “parses” are the compressed columns; "
        "“search index”, “dictionaries” and “other” are the SQLite pages of those tables and "
        "indexes (2 KB each; 4 KB in the baseline's files; the pages table's own pages also "
        "hold the HTML and parses). The demo store is the sample site synced by "
        "`tgreader.sync` (home, 9 listing pages, 23 articles); “after cache vacuum” is that "
        "store after `Store.vacuum()`. (At concurrency 4 the pages arrive in a different order "
        "each time, so another page may become a kind's dictionary: the demo store's size "
        "varies by a point or two from run to run.) The generated stores are those of the "
        "search benchmark.",
        "",
        *lines,
    )
    result.data = {"after": found, "before": before}
    return result


def _baseline(src: Path) -> dict[str, Any] | None:
    args = ["--json", "--sizes", "10000", "--tag", f"baseline-{BASELINE_REV}"]
    return run_json(src, __file__, args)


def main() -> int:
    """Print the size figures (``--json``: as data, for the baseline run)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 50_000])
    parser.add_argument("--tag", default="")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure(tuple(args.sizes), args.tag)))
        return 0
    print("\n".join(run(sizes=tuple(args.sizes)).text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
