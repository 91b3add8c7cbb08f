"""Shared helpers of the benchmarks: timing statistics, the machine, the sample site, caches.

Every figure in BENCHMARKS.md is a :class:`Stats` made here from repeated measurements:
the median, with the interquartile range and the min–max as its spread.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
SRC = REPO / "src"
# The commit the "before" figures are measured on: the last one before the benchmarks' fixes
# (the reader, the store and the parser as they were when the benchmarks began).
BASELINE_REV = "3c8b589"


@dataclass(frozen=True)
class Stats:
    """Repeated measurements of one thing (seconds, bytes or a rate) and their summary."""

    values: tuple[float, ...]

    @classmethod
    def of(cls, values: Iterable[float]) -> Stats:
        """Stats over ``values`` (at least one)."""
        found = tuple(float(v) for v in values)
        if not found:
            raise ValueError("no measurements")
        return cls(found)

    @property
    def n(self) -> int:
        """How many measurements."""
        return len(self.values)

    @property
    def median(self) -> float:
        """The median."""
        return statistics.median(self.values)

    @property
    def q1(self) -> float:
        """The first quartile (the median itself for fewer than 4 values)."""
        return self._quartiles()[0]

    @property
    def q3(self) -> float:
        """The third quartile."""
        return self._quartiles()[2]

    @property
    def min(self) -> float:
        """The smallest value."""
        return min(self.values)

    @property
    def max(self) -> float:
        """The largest value."""
        return max(self.values)

    def _quartiles(self) -> list[float]:
        if len(self.values) < 4:
            return [self.median] * 3
        return statistics.quantiles(self.values, n=4, method="inclusive")

    def ms(self, digits: int = 1) -> str:
        """``12.3 ms (IQR 12.1–12.9, min–max 11.8–14.0, n=30)`` for values in seconds."""
        return self.fmt(1000.0, "ms", digits)

    def fmt(self, scale: float = 1.0, unit: str = "", digits: int = 1) -> str:
        """The median and its spread, each multiplied by ``scale``."""

        def f(value: float) -> str:
            return f"{value * scale:.{digits}f}"

        unit = f" {unit}" if unit else ""
        return (
            f"{f(self.median)}{unit} (IQR {f(self.q1)}–{f(self.q3)}, "
            f"min–max {f(self.min)}–{f(self.max)}, n={self.n})"
        )

    def to_json(self) -> dict[str, Any]:
        """The values and their summary, for results.json."""
        return {
            "median": self.median,
            "q1": self.q1,
            "q3": self.q3,
            "min": self.min,
            "max": self.max,
            "n": self.n,
        }


def timed(fn: Callable[[], object], *, repeat: int, warmup: int = 1) -> Stats:
    """Call ``fn`` ``warmup`` times untimed, then ``repeat`` times, each timed on its own."""
    for _ in range(warmup):
        fn()
    values: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        values.append(time.perf_counter() - started)
    return Stats.of(values)


@dataclass
class Result:
    """What one benchmark found: the rows of the summary table and its report section."""

    name: str
    rows: list[Row] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def add(self, what: str, figure: str, target: str = "", met: bool | None = None) -> None:
        """A row of the summary table."""
        self.rows.append(Row(what, figure, target, met))

    def say(self, *lines: str) -> None:
        """Lines of Markdown for this benchmark's section."""
        self.text.extend(lines)


@dataclass(frozen=True)
class Row:
    """One line of the summary table."""

    what: str
    figure: str
    target: str
    met: bool | None


def machine() -> dict[str, str]:
    """The machine the figures come from: CPU model, cores, Python, SQLite, libraries."""
    import sqlite3

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for name in ("textual", "selectolax", "httpx", "trafilatura"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:  # not installed: the report says so
            versions[name] = "not installed"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "os": f"{platform.system()} {platform.release()}",
        "sqlite": sqlite3.sqlite_version,
        **versions,
    }


def cache_root() -> Path:
    """Where generated stores and sites are kept between runs (a temp folder, never git)."""
    override = os.environ.get("TGREADER_BENCH_CACHE")
    root = Path(override) if override else Path(tempfile.gettempdir()) / "tgreader-bench"
    root.mkdir(parents=True, exist_ok=True)
    return root


def code_fingerprint(paths: Sequence[Path]) -> str:
    """A short hash of files' contents: a cached artefact is rebuilt when its code changes."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def baseline_src(rev: str = BASELINE_REV) -> Path | None:
    """The ``src`` folder of commit ``rev``, unpacked with ``git archive`` (cached), or None
    when git or the commit is not available."""
    target = cache_root() / f"baseline-{rev}"
    if (target / "src" / "tgreader" / "__init__.py").exists():
        return target / "src"
    try:
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", rev, "src"],
            check=True,
            capture_output=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target / "src"


def python_with(src: Path | None) -> tuple[list[str], dict[str, str]]:
    """A command prefix and environment that run this Python with ``src`` first on the path
    (None: the working tree as installed)."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(src), str(REPO)])
    else:
        env["PYTHONPATH"] = os.pathsep.join([str(SRC), str(REPO)])
    return [sys.executable], env


def run_json(src: Path | None, script: str, args: Sequence[str]) -> dict[str, Any] | None:
    """Run ``script args`` with ``src`` first on the path and return the JSON object on its
    last line of output (None, with its stderr shown, when it fails)."""
    command, env = python_with(src)
    out = subprocess.run([*command, script, *args], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        print(out.stderr, file=sys.stderr)
        return None
    data: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return data


def yes_no(met: bool | None) -> str:
    """✅, ❌ or blank, for the summary table."""
    if met is None:
        return ""
    return "✅" if met else "❌"
