"""Hostile pages: seconds per MB of parsing each shape that once took quadratic time.

The shapes are those of the reliability tests (tests/reliability/rel_support/hostile.py):
200,000 nested divs, towers just past the depth limit, unterminated Next.js pushes,
deep ``__NEXT_DATA__`` JSON… Each is parsed by the three parsers at 20 KB, 0.5 and 1.5 MB: the
budget is 1 s per MB at every size (time linear in the size keeps the figures close).

    python bench/run.py --only hostile --no-baseline
    python bench/hostile_bench.py
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Result, yes_no

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "reliability"))
from rel_support.hostile import SHAPES, shape

__all__ = ["BUDGET_S_PER_MB", "measure", "run"]

BUDGET_S_PER_MB = 1.0
SIZES = (20_000, 500_000, 1_500_000)
URLS = (
    "https://tuyengiao.vn/thoi-su-chinh-tri/bai-viet-123",
    "https://tuyengiaodanvan.vn/blogs/tin-tuc/bai-viet",
)


def _parsers() -> list[Callable[[str, str], object]]:
    from tgreader.parse import parse_article, parse_home, parse_listing

    return [parse_article, parse_listing, parse_home]


def _seconds(html: str) -> float:
    """The slowest of the three parsers on ``html``, for either generation's URL."""
    from tgreader.errors import ParseError

    slowest = 0.0
    for parse in _parsers():
        for url in URLS:
            started = time.perf_counter()
            # A hostile page need not be understood, only refused in time.
            with contextlib.suppress(ParseError):
                parse(html, url)
            slowest = max(slowest, time.perf_counter() - started)
    return slowest


def measure(sizes: tuple[int, ...] = SIZES) -> dict[str, dict[int, float]]:
    """Seconds per MB (the slowest parser, best of two runs) of each shape at each size."""
    _seconds("<html><body><p>warm-up</p></body></html>")
    found: dict[str, dict[int, float]] = {}
    for name in SHAPES:
        found[name] = {}
        for size in sizes:
            html = shape(name, size)
            best = min(_seconds(html) for _ in range(2))
            found[name][size] = best / (len(html.encode("utf-8")) / 1_000_000)
    return found


def run(quick: bool = False, baseline: Path | None = None) -> Result:
    """The hostile-page benchmark, as a section of the report."""
    del baseline  # the code before had no bound: 200,000 nested divs took minutes
    found = measure(SIZES[:2] if quick else SIZES)
    result = Result("Hostile pages")
    sizes = sorted({size for per in found.values() for size in per})
    rows = [
        "| shape | " + " | ".join(f"{s / 1e6:g} MB" for s in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    for name, per in found.items():
        rows.append(f"| {name} | " + " | ".join(f"{per[s]:.3f} s/MB" for s in sizes) + " |")
    worst = max(value for per in found.values() for value in per.values())
    result.add(
        "Parse, hostile pages (worst shape)",
        f"{worst:.3f} s/MB",
        f"≤ {BUDGET_S_PER_MB:g} s/MB",
        worst <= BUDGET_S_PER_MB,
    )
    result.say(
        "Seconds per MB of the slowest of `parse_article`, `parse_listing` and "
        "`parse_home` (for a Gen B and a Gen C URL), best of two runs, for each hostile "
        "shape of tests/reliability/rel_support/hostile.py at each size:",
        "",
        *rows,
    )
    result.data = {"found": {k: {str(s): v for s, v in per.items()} for k, per in found.items()}}
    return result


def main() -> int:
    """Print the figures, and whether every shape is within the budget."""
    found = measure()
    for name, per in found.items():
        figures = ", ".join(f"{size / 1e6:g} MB {value:.3f} s/MB" for size, value in per.items())
        print(f"{name:32} {figures}")
    worst = max(value for per in found.values() for value in per.values())
    print(f"worst {worst:.3f} s/MB; budget {BUDGET_S_PER_MB:g} s/MB: {yes_no(worst <= 1.0)}")
    return 0 if worst <= BUDGET_S_PER_MB else 1


if __name__ == "__main__":
    sys.exit(main())
