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
    hostile_bench,
    launch_bench,
    memory_bench,
    parse_bench,
    photo_bench,
    relevance_bench,
    scale_bench,
    search_bench,
    size_bench,
    sync_bench,
)
from bench.common import (
    BASELINE_REV,
    REPO,
    Result,
    Stats,
    baseline_src,
    cache_root,
    machine,
    yes_no,
)

BENCHMARKS: dict[str, Callable[..., Result]] = {
    "parse": parse_bench.run,
    "search": search_bench.run,
    "relevance": relevance_bench.run,
    "sync": sync_bench.run,
    "size": size_bench.run,
    "launch": launch_bench.run,
    "memory": memory_bench.run,
    "photos": photo_bench.run,
    "hostile": hostile_bench.run,
    "scale": scale_bench.run,  # builds stores of up to 200,000 articles: the longest
}

CHANGES = """\
## What was changed, and why

Each change was made where a profile (pyinstrument, cProfile, or timestamps taken inside the
program) showed the time or the bytes going; the "before" figures in the tables above are
those of commit {rev}, the last one before any of these changes, measured in the same run
against stores its own code built. Four sessions of work are in them; what a later one
changed in an earlier one's is said where it did.

**Parse** (`text.py`, `parse/`). Folding diacritics (`text.fold`) walked every character in
Python and was called for every element of the page: it now decomposes in C and drops the
eight Vietnamese combining marks with `str.replace`, or every mark at once when only ASCII
and marks remain (checked against the old function on 300,000 random strings). `clean`
returns printable, single-spaced text (most text) as NFC without splitting it into words
and joining them again, which was most of a paragraph's time; other text takes the old
path (a property test holds it to its definition). Word counts of cleaned text are counted
in C. The "Các tin khác" heading was looked for by cleaning and folding the text of every
element of the page (some 1,200 on a 150 KB page): the search now starts at the article's
body (or its title when the body is not known yet), where the block nearly always follows,
and only then looks at the whole page; an element whose trimmed text is too long for a
heading or plainly starts or ends with a letter no heading starts or ends with is turned
down before it is cleaned (exact: a property test checks that no heading is turned down).
Generations are detected in MARKUP.md's order (C, B, A), which spares a Gen B page a scan of
the whole tree for Gen A's ten selectors. The publication-date fallbacks (the payload, a
dozen meta-tag searches, a time element) are asked in turn, not all at once. In the fourth
session: the headings of the blocks that follow an article are one set with one test
(`parse/_headings.py`), used wherever a heading is asked for, with the cheap tests above
before any cleaning (the walk of the body cleaned and folded the text of every paragraph,
and the fallback body search that of the first element of every box; a property test holds
the quick test to folding); a text is compared with a folded key (the title, a caption) only
when its first and last plain letters agree with the key's (each paragraph was folded to be
compared with the title); the leftmost parts of the sapo and breadcrumb selectors are looked
for in one query before the selectors one by one (most pages of a generation have none);
link density counts the characters other than white space in the raw text, all the links'
text at once (it cleaned the text of every box and of every link); the `__NEXT_DATA__`
expression runs only on pages that hold the id. And the C heap: glibc handed Lexbor's tree
back to the kernel after every page and the next page faulted it all in again (for the 150
KB Gen A page, 256 page faults and 0.8 ms of a 1.4 ms Lexbor parse); its trim threshold is
now raised to 8 MB when the parser loads, if the tgreader program asked (`_memory.py`). In
one process on a quiet machine, the 150 KB Gen B and C pages went from 2.46 and 2.58 ms to
2.23 and 2.11 ms. No golden file changed.

**Search** (`store.py`, `search.py`, the reader). The query joined every matching row to its
page and carried each page's parse through the sort: it ranks in the index alone (`ORDER BY
bm25(…) LIMIT n`), then reads and decompresses only the pages returned. Snippets look for
the query's phrases only where one of their first words begins (`str.find` in C; the
regular expression had tried, and failed at, every position of a long body), with a
property test that they find exactly what the expression's own scan finds. The reader asks
for results a page of 20 at a time, as it does listing pages, and for the next page when
the cursor reaches the end of the list (it asked for 50 at once). What was left was FTS5
ranking every match: the typical queries match most of the archive, and bm25 reads the
position lists of each (the first session's two connections, each ranking half of the
index, gained a tenth to a fifth and are gone). In the third session the index keys became
the publication time (schema 3: `pages.doc`, the index rebuilt under the new keys when an
older store is opened), and a query is ranked among its 2,000 most recent matches first,
then among the older ones (README, "search"): the cut is the 2,000th key from the end of the
matches, which FTS5 reads from the end of each word's list, and the ranking then asks for
keys from the cut on, which FTS5 seeks to. What still grows with the archive is what bm25
takes from the whole index: how many articles hold each phrase (for a phrase of several
words, FTS5 checks their positions in every article that has them all).

**Size** (`store.py`, schema 2, migrated in place from schema 1). The store kept an
article's text three times: in the HTML, in the parse, and folded in the search index's own
content table. The index is now contentless; a replaced or deleted article leaves its index
row behind under an id never given again, every query joins the pages, and `cache vacuum`
rebuilds the index without them. HTML and parses are compressed against a dictionary per
kind and generation of page (an earlier page without its own text, with the new page's parse
where that text stood, so that every part is within zlib's 32 KB reach of its counterpart).
The page that becomes a dictionary was kept a second time in plain zlib; it is now
compressed against its own dictionary like the others, which is most of what a small store
such as the demo site's saved. The third session (schema 3) took on what a small store
pays whatever it holds, measured with SQLite's `dbstat` on the demo store: SQLite's pages
are 2 KB instead of 4 (every table and index of a small store takes at least one, and
compressed pages of 1 to 3 KB pack with less slack: the 50,000-article file is a seventh
smaller, its searches about 5 % slower; 1 KB pages made them half slower and the file no
smaller); new files have auto-vacuum, so the pages the search index frees as it merges its
segments leave the file at once (building the 10,000-article store took no longer); a
dictionary is kept compressed against an older one where that is smaller (the pages of
every kind share the site's furniture: the demo's six dictionaries from 32 to 21 KB); the
index of final URLs holds only the pages that were redirected (a partial index, which the
lookups name so SQLite uses it); and a page that becomes a dictionary has its own text
looked for in its body: it was looked for from the top of the file, where the head's meta
description repeats the first paragraph, and the menu was cut out with the text (stored in
30 random orders, the demo's pages gave 31.6-36.2 % before, 31.2-33.9 % after). The search
keys (above) are minutes since 2000, eight to a minute: small, close keys keep the index
small, which stores each as the distance from the one before. Schema 5 (diacritics as
typed, issue 15) indexed every field a second time with its words' positions and took the
archives from 24-25 % to 37-38 %; schema 7 keeps the fields as written in an index of their
own with only the words of each field (`detail=column`, two fifths of that size), their
phrase checked in the folded index: 29-30 % again. The demo store keeps the vocabulary of
that second index (about 33 KB for 23 articles), over the target.

**Launch** (`service.py`, `ui/`). The parser and the HTTP client load on first use (a reader
opening on its store needs neither before its first screen; the service had imported the
parser for every page it answered from the store). The stored copies of the menu and of the
first section are read in the handlers that ask for them, before the first frame, so the
first frame shows them (they came from workers, one message and one frame each). The screen
sets its breakpoint class before it is first styled (Textual set it at the first resize,
and restyled every widget). The loaders' messages are plain classes (nine dataclasses took a
few milliseconds to make), and the dialogs, the browser module and the Markdown renderer
load at first use. Once the modules are imported, `gc.freeze()` keeps them out of the
collector's later full passes, which otherwise walked every imported object again, several
times, while the first screen was built. In the fourth session the internal records (stored
pages, answers, search hits, bookmarks, history places, list rows and the like) became
`NamedTuple`s: on Python 3.11 a frozen dataclass compiles its six generated methods one by
one, about 0.6 ms a class at import, and these were half of the reader's own import time;
the data model stays frozen dataclasses. Importing the reader once Textual is loaded: 37-43
ms before, 31-32 ms after. In the seventh session (tmux 1.31-1.34x the floor in three runs
before, 1.26x after): the program's start asked glibc to keep freed memory through
`tgreader.parse._memory`, which imported the whole parser, selectolax and ctypes before
the reader's first screen; the program now only asks, and the tuning is done as the parser
loads (the command line's part of a launch, from its imports to `app.run`: 15 ms before,
7 ms after). The first loads' workers start once the first frame is painted (their thread
competed with it: 42.4 to 40.3 ms from `make_app` to that frame), and three cold regular
expressions and `render.py` compile or load at first use (22.6 to 21.4 ms of imports).
The rows of the latest news now show the stored article's sapo: read and painted in the
frame after the first one (painting them in the first cost it 2.8 ms).

**Open** (`ui/`). The stored article is shown in the handler of Enter itself (it came from a
worker, one message later); the article pane keeps its widgets and updates them in place
(it removed and mounted, and so restyled, a new set for every article); the pane class that
only the narrow layout's CSS reads no longer restyles the panes in the wide one. In the
fourth session (after a run in a slow spell of the machine put this figure at 58.9 ms): a
focused list is no longer tinted (its border, title and cursor show the focus). Textual tints
a focused option list's background, so every row of the article list was drawn again each
time Enter moved the focus to the article (and back with Tab or Backspace): the list's
repaint on Enter went from 6.1 to 4.4 ms, the open from 29-35 to 26-28 ms (medians, quiet
machine). What is left is mostly Textual's: a change of focus repaints the whole screen,
and the article pane's new height lays it out again.

**Measuring** (`bench/launch_bench.py`). Three faults of the harness made the reader look
slower than it is, and are fixed: every launch of `src/` compiled the package again (this
machine sets PYTHONDONTWRITEBYTECODE; an installed package has its bytecode), the open
benchmark pressed Enter with `Pilot.press`, which sleeps at least 40 ms after each key, and
the frame was taken as "the next one after the harness noticed", one or two frames late;
now every frame is looked at as the compositor hands it to the display. A second open
figure is taken in a real terminal (tmux), from the pane's output.
"""

# What limits each figure when its target is missed (by the start of the row's name); printed
# only for the targets this run missed.
MISSED_NOTES = {
    "Parse": (
        "About a third of a 150 KB page's time is Lexbor's own parse (with the text's UTF-8 "
        "encoding); most of the rest is the walk of the article's blocks in Python, a few "
        "tens of microseconds a block. This shared machine's speed drifts by half from one "
        "second to the next (see the spread)."
    ),
    "Search": (
        "A page of hits reads the newest matches of each kind of match from the end of each "
        "word's list; what is left is checking the tiers as typed against the exact index a "
        "batch at a time, and reading and cutting snippets for the page of hits."
    ),
    "Store size": (
        "A store of a few dozen pages pays what every store pays once: a 2 KB page for each "
        "table and index, a dictionary per kind and generation of page, and the vocabulary of "
        "both search indexes (the one with diacritics alone, about 33 KB for the demo's 23 "
        "articles). The generated stores show what an archive gets."
    ),
    "Launch": (
        "What is left over the floor: the reader's own modules imported, about 21 ms (4 ms "
        "of it the model's eleven frozen dataclasses, whose methods Python 3.11 compiles one "
        "by one); the first frame, about 10 ms longer (two option lists laid out and painted "
        "with their entries); the store opened, about 3 ms; in tmux the command line read "
        "too. The spread between runs on this shared machine is as wide as the distance to "
        "the target."
    ),
    "Open": (
        "After Enter: the handler (the stored article read and put in place, the focus "
        "moved, about 7 ms), then Textual's layout and paint of the article pane and the "
        "list pane (whose highlight and border change with the focus), 15 to 25 ms; in a "
        "terminal the frame is then turned into escape sequences and written. The spread "
        "between runs on this shared machine is as wide as the distance to the target."
    ),
    "Sync": (
        "tgreader is within a few pages per second of a client that does nothing with the "
        "pages; parsing and storing in a thread (tried) was slower, the parser holding the "
        "interpreter lock most of the time."
    ),
}


def _missed_note(what: str) -> str:
    return next((note for start, note in MISSED_NOTES.items() if what.startswith(start)), "")


def machine_probe() -> float:
    """Seconds a fixed pure-Python loop takes (median of 5): how fast this shared machine
    was when it ran, to read the run's figures by."""

    def loop() -> int:
        total = 0
        for i in range(1_000_000):
            total += i * i
        return total

    return Stats.of(_timed_once(loop) for _ in range(5)).median


def _timed_once(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def write_report(
    results: list[Result],
    started: float,
    quick: bool,
    probes: tuple[float, float] | None = None,
    path: Path = REPO / "BENCHMARKS.md",
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
        *(
            [
                f"Speed of the machine during the run: a fixed pure-Python loop took "
                f"{probes[0] * 1000:.0f} ms at the start and {probes[1] * 1000:.0f} ms at the end "
                "(`machine_probe` in `bench/run.py`). Compare it between runs: this shared "
                "machine's speed drifts, and the same code's figures move with it.",
                "",
            ]
            if probes
            else []
        ),
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
    lines += ["", CHANGES.format(rev=BASELINE_REV).rstrip()]
    lines += ["", "## Targets missed in this run", ""]
    missed = [row for r in results for row in r.rows if row.met is False]
    if not missed:
        lines.append("None: every target with a figure above was met in this run.")
    for row in missed:
        lines.append(f"- **{row.what}**: {row.figure}. {_missed_note(row.what)}".rstrip())
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
    first_probe = machine_probe()
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
    path = write_report(results, started, args.quick, (first_probe, machine_probe()))
    (cache_root() / "results.json").write_text(json.dumps(raw, default=str, indent=1))
    print(f"[{time.time() - started:6.1f} s] wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
