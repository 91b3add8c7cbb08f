"""Run every benchmark and write BENCHMARKS.md at the root of the repository.

    python bench/run.py                # everything (about 10 minutes on 2 cores, less cached)
    python bench/run.py --quick        # one quick pass of each, for a smoke check
    python bench/run.py --only parse search --no-baseline

Every figure in BENCHMARKS.md comes from this run. The "before" figures are measured in the
same run on the code of commit ``BASELINE_REV`` (unpacked with ``git archive`` into the
bench cache and put first on ``PYTHONPATH``), against its own stores. Generated stores and
sites are cached in ``$TGREADER_BENCH_CACHE`` (default: ``/tmp/tgreader-bench``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import (
    launch_bench,
    memory_bench,
    parse_bench,
    search_bench,
    size_bench,
    sync_bench,
)
from bench.common import BASELINE_REV, REPO, Result, baseline_src, cache_root, machine, yes_no

BENCHMARKS: dict[str, Callable[..., Result]] = {
    "parse": parse_bench.run,
    "search": search_bench.run,
    "sync": sync_bench.run,
    "size": size_bench.run,
    "launch": launch_bench.run,
    "memory": memory_bench.run,
}

CHANGES = """\
## What was changed, and why

Each change was made where a profile (pyinstrument, cProfile) showed the time or the
bytes going; the before and after figures are those of the tables above (the "before" runs
use commit {rev}, the last one before these changes, against stores its own code built).

**Parse** (`text.py`, `parse/`). Folding diacritics (`text.fold`) walked every character in
Python and was called for every element of the page: it now decomposes in C and drops the
eight Vietnamese combining marks with `str.replace`, or every mark at once when only ASCII
and marks remain; other scripts still take the general rule (checked against the old
function on 300,000 random strings). `clean` collapses whitespace with `str.split` (the same
characters as the regex it replaces). `own_text` lets Lexbor join a node's own text. The
search for the "Các tin khác" heading skips text whose word count rules it out before
folding it, and the title and caption echo checks fold a paragraph only when its word count
allows a match (`same_key`; exact, see its docstring). The block walker reads a node's
attributes once and asks whether a line is all bold only when that decides anything. Gen
C's Next.js payload is decoded with `json` straight from the page instead of matching each
string with a regular expression first. No golden file changed.

**Search** (`store.py`, `search.py`). The query joined every matching row to its page and
carried each page's parse through the sort: it now ranks in the index alone (`ORDER BY
bm25(…) LIMIT n`, bm25 spelled out, which measured faster than the configured rank column),
then reads and decompresses only the pages returned. On a big index the two halves of the
rowid range are ranked at once on two connections (SQLite releases the interpreter lock;
bm25 takes its statistics from the whole index, so the scores are the same). Snippets fold
a text in C when every character folds one for one (Vietnamese does), stop at the first
window holding every phrase a field can hold, skip fields that cannot beat the best window,
and count a window's phrases by bisection; the snippets are those of the old code (checked
on 8,000 random cases).

**Size** (`store.py`, schema 2, migrated in place from schema 1). The store kept an
article's text three times: in the HTML, in the parse, and folded in the search index's own
content table. The index is now contentless (it keeps only the index); a replaced or
deleted article leaves its index row behind under an id that is never given again, every
query joins the pages so such rows are never seen, and `cache vacuum` rebuilds the index
without them (the view `pages_fts` lists the index rows of stored pages). HTML and parses
are compressed against a dictionary per kind and generation of page (an earlier page without
its own text, with the new page's parse where that text stood, so that every part is within
zlib's 32 KB reach of its counterpart): the header, menu, sidebars and footer cost almost
nothing, and the text inside the HTML refers back to the parse. The first page of a kind is
stored plain and becomes the dictionary; a kind the dictionary serves poorly for a while gets
a new one. zlib level 6 (level 9 saved almost nothing more and took longer).

**Launch** (`service.py`). The service imported the HTTP client (httpx) and the parser at
startup; a reader opening on its store needs neither before its first screen, so they load
on first use (see "Importing the reader" above).

## The targets still missed, and what would reach them

- **Parse, 150 KB pages.** What is left: Lexbor's own parse of the page; the scan of every
  element for the "Các tin khác" heading (a Python loop over some 1,200 elements, each
  cleaned, and the short ones folded); and the article itself (the seed's 19 paragraphs and
  6 pictures). Further gains need a different shape: look for the heading only after the
  article body first, or find candidate text nodes in C.
- **Search, 50,000 articles.** The time is SQLite's bm25, which scores every matching
  article before the best are taken, and the generated corpus's typical queries match most
  of it (see the "matching articles" column). Reaching the target needs a decision: rank
  only the most recent N matches of a very broad query, or let the reader ask for snippets
  of the rows it shows only (it asks for 50 at once).
- **Launch and open.** Both are mostly the reader's own Textual work (`src/tgreader/ui/`):
  a profile of Enter shows most of the time in `MainScreen._focus_pane` setting the
  `-active` class on the article pane (a restyle of every paragraph widget) and in mounting
  one `Static` per block; one widget for the text, or a class change that does not cascade,
  would cut it. Launching on a big store also pays `PRAGMA quick_check` at every open
  (`_sqlite.py`), which reads the whole file (see the memory section's first-screen time).
- **Store size of the demo site.** 33 pages pay what a store pays once: a 4 KB page for each
  table and index, and a dictionary per kind and generation. The generated stores show the
  ratio a real archive gets.
- **Sync.** tgreader is within a few pages per second of a client that does nothing with the
  pages; parsing and storing in a thread (tried) was slower, the interpreter lock being held
  by the parser most of the time.
"""


def write_report(
    results: list[Result], started: float, quick: bool, path: Path = REPO / "BENCHMARKS.md"
) -> Path:
    """BENCHMARKS.md (or ``path``) from the results of this run."""
    facts = machine()
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        f"Produced by `python bench/run.py{' --quick' if quick else ''}` on {when}, in "
        f"{(time.time() - started) / 60:.1f} minutes. Every figure below comes from that run: "
        "the median of repeated runs, with its interquartile range (IQR), its min–max and the "
        "number of runs.",
        "",
        f"Machine: {facts['cpu']}, {facts['cores']} cores; {facts['os']}; "
        f"{facts['implementation']} {facts['python']}; SQLite {facts['sqlite']}; textual "
        f"{facts['textual']}, selectolax {facts['selectolax']}, httpx {facts['httpx']}, "
        f"trafilatura {facts['trafilatura']}. Other programs may have been running on the "
        "machine: the spread says how much that mattered.",
        "",
        "## Summary",
        "",
        "| what | figure | target | met |",
        "|---|---|---|---|",
    ]
    for result in results:
        for row in result.rows:
            lines.append(f"| {row.what} | {row.figure} | {row.target} | {yes_no(row.met)} |")
    for result in results:
        lines += ["", f"## {result.name}", "", *result.text]
    lines += ["", CHANGES.format(rev=BASELINE_REV)]
    path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    return path


def main() -> int:
    """Run the benchmarks chosen on the command line and write BENCHMARKS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one quick pass of each")
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS), default=None)
    parser.add_argument("--no-baseline", action="store_true", help="skip the 'before' runs")
    args = parser.parse_args()
    started = time.time()
    baseline = None if args.no_baseline else baseline_src()
    if baseline is None and not args.no_baseline:
        print(f"note: commit {BASELINE_REV} not available, no 'before' figures", file=sys.stderr)
    results: list[Result] = []
    raw: dict[str, object] = {}
    for name in args.only or list(BENCHMARKS):
        print(f"[{time.time() - started:6.1f} s] {name}…", file=sys.stderr, flush=True)
        try:
            result = BENCHMARKS[name](quick=args.quick, baseline=baseline)
        except Exception:  # one broken benchmark must not lose the others' figures
            failure = Result(name.capitalize())
            failure.add(name, "failed (see the section)", "", False)
            failure.say("The benchmark failed:", "", "```", traceback.format_exc(), "```")
            result = failure
        results.append(result)
        raw[name] = result.data
    path = write_report(results, started, args.quick)
    (cache_root() / "results.json").write_text(json.dumps(raw, default=str, indent=1))
    print(f"[{time.time() - started:6.1f} s] wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
