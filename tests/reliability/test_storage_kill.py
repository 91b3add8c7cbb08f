"""A sync killed with SIGKILL at random moments leaves a whole store, and a new sync
finishes the job.

Each trial starts ``tgreader sync --pages 2 --depth 2`` against the demo server (slowed
down, so the kill lands while pages are being written), kills it at a random moment, then
checks the store: ``PRAGMA integrity_check``, the search index's own check, and every
stored page holding exactly what the parser makes of its HTML (no half-written page).
Then a sync without a kill must complete: 8 listing pages, 23 articles, nothing failed.
"""

from __future__ import annotations

import random
import re
import signal
import time
from pathlib import Path

import pytest

from tgreader.demo.server import DemoServer
from tgreader.urls import Site

from rel_support import stats
from rel_support.runner import Cli, base_env
from rel_support.storecheck import whole_store

SYNC = ("sync", "--pages", "2", "--depth", "2")
LATENCY = 0.03  # seconds per request: a sync then writes for about half a second
ARTICLES, LISTINGS = 23, 8


def _trial(folder: Path, server: DemoServer, rng: random.Random) -> str:
    """One kill and one resumed sync; returns how the kill went."""
    cli = Cli(base_env(folder))
    store = folder / "cache" / "pages.sqlite3"
    wal = store.with_name(store.name + "-wal")
    proc = cli.start("--site", server.url, *SYNC)
    try:
        if rng.random() < 0.2:
            # Any moment at all: starting up, creating the file, migrating it.
            time.sleep(rng.uniform(0.0, 0.6))
        else:
            # Once the store is open (WAL mode makes the -wal file): mid-sync.
            deadline = time.monotonic() + 10
            while not wal.exists() and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.002)
            time.sleep(rng.uniform(0.0, 0.6))
        finished = proc.poll() is not None
        proc.send_signal(signal.SIGKILL)  # nothing if it is already over
    finally:
        proc.wait(timeout=30)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        proc.stderr.close()
    outcome = "finished first" if finished else "killed mid-sync"

    site = Site.from_url(server.url)
    before = whole_store(store, site) if store.exists() else None
    stats.STORED_AT_KILL.append(sum(before.values()) if before is not None else -1)
    resumed = cli("--site", server.url, *SYNC)
    assert resumed.code == 0, resumed.err
    assert "Traceback" not in resumed.err and "locked" not in resumed.err
    summary = re.search(r"(\d+) listing pages, (\d+) articles fetched, (\d+) already stored, "
                        r"(\d+) failed", resumed.out)  # fmt: skip
    assert summary is not None, resumed.out
    listings, fetched, skipped, failed = map(int, summary.groups())
    assert (listings, fetched + skipped, failed) == (LISTINGS, ARTICLES, 0), resumed.out
    if before is not None:
        assert skipped == before["article"]  # what was stored before the kill is kept
    after = whole_store(store, site)
    assert (after["article"], after["listing"], after["home"]) == (ARTICLES, LISTINGS, 1)
    return outcome


def _trials(count: int, tmp_path: Path) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    with DemoServer(latency=LATENCY) as server:
        for n in range(count):
            stats.KILLS["run"] += 1
            try:
                outcome = _trial(tmp_path / f"trial{n}", server, rng)
            except AssertionError as error:
                raise AssertionError(f"trial {n} (seed {seed}): {error}") from error
            stats.KILLS[outcome] += 1
            stats.KILLS["passed"] += 1


def test_sync_killed_at_random_moments(tmp_path: Path) -> None:
    _trials(3, tmp_path)


@pytest.mark.slow
def test_sync_killed_at_random_moments_many(tmp_path: Path) -> None:
    _trials(20, tmp_path)
