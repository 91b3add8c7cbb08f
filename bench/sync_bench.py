"""Sync throughput against the loopback demo server with 50 ms of latency per request.

The server serves a generated site (four sections of Gen B listing pages, each listing ten
generated articles; see ``corpus.py``) from a process of its own, as the real site would be
elsewhere: in the same process its request threads would share tgreader's interpreter lock.
``tgreader.sync.sync`` fetches every listing page, its articles and their related articles
(depth 1) at concurrency 4; pages per second are compared with the bound 4 / 0.05 s =
80 pages/s. In the same run, a trivial client (raw httpx, four tasks, no parsing, no
store) fetches the same pages from the same server: the floor the server allows.

    python bench/sync_bench.py [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import html as htmlmod
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from functools import cache
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Result, Stats, cache_root, python_with
from bench.corpus import SECTIONS, article, render
from bench.pages import SITE

LATENCY = 0.05
CONCURRENCY = 4
BOUND = CONCURRENCY / LATENCY
LISTING_TEMPLATE = "thoi-su-chinh-tri"


@cache
def _listing_template() -> str:
    return (SITE / f"{LISTING_TEMPLATE}.html").read_text(encoding="utf-8")


def _listing(slug: str, name: str, page: int, items: list[int], total: int) -> str:
    e = htmlmod.escape
    rows = []
    for index in items:
        item = article(index, total)
        path = item.url.removeprefix("https://tuyengiao.vn")
        when = item.published.when if item.published else None
        stamp = f"{when:%d/%m/%Y - %H:%M}" if when else ""
        rows.append(
            f'        <div class="story-item clearfix mb-3 pb-3 border-bottom">\n'
            f'          <a class="story-thumb float-left mr-3" href="{path}"><img src="'
            f'https://cdn.tuyengiao.vn/uploads/thumb-{index}.jpeg" alt="{e(item.title)}" '
            f'width="240" height="160"></a>\n          <div class="story-info">\n'
            f'            <h3 class="story-title"><a href="{path}">{e(item.title)}</a></h3>\n'
            f'            <div class="story-meta clearfix"><span class="story-date">'
            f'<i class="far fa-clock"></i> {stamp}</span></div>\n'
            f'            <p class="story-sapo">{e(item.sapo or "")}</p>\n'
            f"          </div>\n        </div>"
        )
    text = _listing_template()
    text = re.sub(
        r'<div class="cate-list clearfix">.*?\n      </div>\n      <div class="text-center',
        lambda _m: (
            '<div class="cate-list clearfix">\n'
            + "\n".join(rows)
            + '\n      </div>\n      <div class="text-center'
        ),
        text,
        count=1,
        flags=re.DOTALL,
    )
    text = re.sub(r'<h1 class="cate-title">.*?</h1>', lambda _m: f'<h1 class="cate-title">'
                  f'<a href="/{slug}">{e(name)}</a></h1>', text, count=1)  # fmt: skip
    return text


def build_site(pages: int, per_page: int = 10) -> tuple[Path, list[str]]:
    """A site of ``pages`` listing pages per section with ``per_page`` articles each (cached);
    returns its folder and the canonical URLs of its sections."""
    total = len(SECTIONS) * pages * per_page
    root = cache_root() / f"sync-site-{pages}x{per_page}-v1"
    done = root / "built"
    if not done.exists():
        by_section: dict[int, list[int]] = {i: [] for i in range(len(SECTIONS))}
        for index in range(total):
            by_section[index % len(SECTIONS)].append(index)
            page = article(index, total)
            path = root / (page.url.removeprefix("https://tuyengiao.vn/") + ".html")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render(page), encoding="utf-8")
        for number, (slug, name) in enumerate(SECTIONS):
            items = by_section[number]
            for page_no in range(1, pages + 1):
                chunk = items[(page_no - 1) * per_page : page_no * per_page]
                suffix = f"@page={page_no}" if page_no > 1 else ""
                html = _listing(slug, name, page_no, chunk, total)
                (root / f"{slug}{suffix}.html").write_text(html, encoding="utf-8")
        (root / "index.html").write_text((SITE / "index.html").read_text("utf-8"), "utf-8")
        done.write_text("ok")
    return root, [f"https://tuyengiao.vn/{slug}" for slug, _ in SECTIONS]


class Server:
    """The demo server, serving ``root`` with ``latency``, in a process of its own."""

    def __init__(self, root: Path, latency: float, src: Path | None = None) -> None:
        command, env = python_with(src)
        code = (
            "import sys, time; from pathlib import Path\n"
            "from tgreader.demo.server import DemoServer\n"
            f"server = DemoServer(Path({str(root)!r}), latency={latency}).start()\n"
            "print(server.url, flush=True)\n"
            "sys.stdin.read()\n"
            "server.stop()\n"
        )
        self._process = subprocess.Popen(
            [*command, "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self._process.stdout is not None
        self.url = self._process.stdout.readline().strip()

    def close(self) -> None:
        """Stop the server process."""
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


async def _tgreader_sync(
    origin: str, sections: list[str], pages: int, folder: Path
) -> dict[str, float]:
    from tgreader.service import Service, Settings
    from tgreader.sync import sync
    from tgreader.urls import Site

    settings = Settings(site=Site.from_url(origin), cache_dir=folder / "c", data_dir=folder / "d")
    service = Service(settings)
    try:
        started = time.perf_counter()
        report = await sync(service, sections, pages=pages, depth=1, concurrency=CONCURRENCY)
        elapsed = time.perf_counter() - started
    finally:
        await service.aclose()
    fetched = report.listings + report.articles
    return {"pages": fetched, "seconds": elapsed, "failures": len(report.failures)}


def run_tgreader(origin: str, sections: list[str], pages: int) -> dict[str, float]:
    """One sync into a fresh store: pages fetched and seconds taken."""
    with tempfile.TemporaryDirectory() as scratch:
        return asyncio.run(_tgreader_sync(origin, sections, pages, Path(scratch)))


async def _raw(origin: str, paths: list[str]) -> dict[str, float]:
    import httpx

    queue: asyncio.Queue[str] = asyncio.Queue()
    for path in paths:
        queue.put_nowait(path)
    async with httpx.AsyncClient(base_url=origin) as client:

        async def worker() -> None:
            while not queue.empty():
                path = queue.get_nowait()
                response = await client.get(path)
                response.read()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
    return {"pages": len(paths), "seconds": elapsed, "failures": 0}


def run_raw(origin: str, root: Path) -> dict[str, float]:
    """The trivial client: every page of the site, four at a time, no parsing, no store."""
    paths = []
    for file in sorted(root.rglob("*.html")):
        rel = file.relative_to(root).with_suffix("").as_posix()
        if rel == "index":
            continue
        base, _, page = rel.partition("@page=")
        paths.append(f"/{base}" + (f"?page={page}" if page else ""))
    return asyncio.run(_raw(origin, paths))


def measure(runs: int, pages: int = 5, src: Path | None = None) -> dict[str, object]:
    """``runs`` syncs and ``runs`` trivial-client passes, alternated, against one server."""
    root, sections = build_site(pages)
    server = Server(root, LATENCY, src)
    ours: list[dict[str, float]] = []
    raw: list[dict[str, float]] = []
    try:
        for _ in range(runs):
            ours.append(run_tgreader(server.url, sections, pages))
            raw.append(run_raw(server.url, root))
    finally:
        server.close()
    return {"tgreader": ours, "raw": raw}


def _rates(samples: list[dict[str, float]]) -> Stats:
    return Stats.of(s["pages"] / s["seconds"] for s in samples)


def run(quick: bool = False, baseline: Path | None = None) -> Result:
    """The sync benchmark, as a section of the report."""
    runs = 1 if quick else 5
    pages = 1 if quick else 5
    found = measure(runs, pages)
    ours, raw = _rates(found["tgreader"]), _rates(found["raw"])  # type: ignore[arg-type]
    result = Result("Sync")
    fetched = int(found["tgreader"][0]["pages"])  # type: ignore[index]
    failures = int(found["tgreader"][0]["failures"])  # type: ignore[index]
    share = ours.median / BOUND
    result.add(
        "Sync, concurrency 4, 50 ms latency",
        f"{ours.fmt(1, 'pages/s')} = {share:.0%} of {BOUND:.0f}",
        "≥ 80 % of 80 pages/s",
        share >= 0.8,
    )
    result.add("  trivial client (raw httpx), same server", f"{raw.fmt(1, 'pages/s')} = "
               f"{raw.median / BOUND:.0%} of {BOUND:.0f}")  # fmt: skip
    result.say(
        f"A generated site of {len(SECTIONS)} sections × {pages} listing pages × 10 articles, "
        f"served by `tgreader.demo.server.DemoServer` with `latency={LATENCY}` from a process of "
        "its own (`ThreadingHTTPServer`: a thread per connection). `tgreader.sync.sync(pages="
        f"{pages}, depth=1, concurrency={CONCURRENCY})` into a fresh store fetched {fetched} pages "
        f"({failures} failures) per run: **{ours.fmt(1, 'pages/s')}**, {share:.0%} of the bound "
        f"of {CONCURRENCY} / {LATENCY} s = {BOUND:.0f} pages/s.",
        "",
        "The floor, in the same run against the same server: raw `httpx.AsyncClient`, four "
        f"tasks, the same pages, no parsing and no store: **{raw.fmt(1, 'pages/s')}** "
        f"({raw.median / BOUND:.0%} of the bound). tgreader reaches "
        f"{ours.median / raw.median:.0%} of what a client that does nothing with the pages gets.",
    )
    if baseline is not None:
        before = _baseline(baseline, runs, pages)
        if before is not None:
            result.data["before"] = before.to_json()
            result.say(
                "",
                f"Before the fixes (commit {baseline.parent.name.split('-')[-1]}): "
                f"{before.fmt(1, 'pages/s')} ({before.median / BOUND:.0%} of the bound).",
            )
    result.data.update(tgreader=ours.to_json(), raw=raw.to_json(), pages=fetched)
    return result


def _baseline(src: Path, runs: int, pages: int) -> Stats | None:
    command, env = python_with(src)
    out = subprocess.run(
        [*command, __file__, "--json", "--runs", str(runs), "--pages", str(pages)],
        capture_output=True,
        text=True,
        env=env,
    )
    if out.returncode != 0:
        print(out.stderr, file=sys.stderr)
        return None
    found = json.loads(out.stdout.strip().splitlines()[-1])
    return _rates(found["tgreader"])


def main() -> int:
    """Run the sync benchmark; ``--json`` prints the raw samples (for the baseline run)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    src = Path(os.environ["PYTHONPATH"].split(os.pathsep)[0]) if args.json else None
    found = measure(args.runs, args.pages, src)
    if args.json:
        print(json.dumps(found))
        return 0
    print(f"tgreader: {_rates(found['tgreader']).fmt(1, 'pages/s')}")  # type: ignore[arg-type]
    print(f"raw httpx: {_rates(found['raw']).fmt(1, 'pages/s')}")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
