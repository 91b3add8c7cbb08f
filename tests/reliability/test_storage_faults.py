"""The store when the disk misbehaves, the file is damaged, or several tgreaders share it.

- A damaged or truncated store: tgreader says so in one line naming the file and where
  the damaged one went, moves it aside, starts a new one; bookmarks and read state (their
  own file) survive.
- The store on a read-only folder or a full disk: one line naming the file and the
  cause, exit 5, no traceback; what was stored is intact.
- Two readers and a sync at once, and two syncs at once, on one store: everyone finishes,
  nobody sees "database is locked".
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tgreader.demo.server import DemoServer
from tgreader.urls import Site
from tgreader.userdata import UserData

from rel_support.faults import SEED
from rel_support.runner import Cli, Result, one_line, page_row, store_rows
from rel_support.storecheck import whole_store

STORE = "pages.sqlite3"
OTHER = (
    "https://tuyengiao.vn/nhip-cau-tuyen-giao/"
    "lao-cai-dua-tu-sach-phap-luat-ve-thon-ban-vung-cao-150115"
)

# -- damaged and truncated store files ---------------------------------------------------------


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(path.stat().st_size))


def _half(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def _header_only(path: Path) -> None:
    os.truncate(path, 100)


def _pages_overwritten(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as file:
        for offset in range(4096, size, 4096 * 2):
            file.seek(offset)
            file.write(os.urandom(4096))


def _not_sqlite(path: Path) -> None:
    path.write_text("<html>this is not a database</html>\n" * 100)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "random-bytes": _garbage,
    "truncated-half": _half,
    "truncated-header": _header_only,
    "pages-overwritten": _pages_overwritten,
    "not-sqlite": _not_sqlite,
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_store_is_moved_aside_and_said(
    damage: str, cli: Cli, seeded: Path, demo: DemoServer, env: dict[str, str]
) -> None:
    data = UserData.open(Path(env["TGREADER_DATA_DIR"]) / "userdata.sqlite3")
    data.add_bookmark(SEED, "Bắc Kạn")
    data.mark_read(SEED)
    data.close()
    DAMAGE[damage](seeded)
    damaged = seeded.read_bytes()

    read = cli("--site", demo.url, "read", SEED, "--json")

    assert read.code == 0, read.err
    note = one_line(read)
    moved = re.fullmatch(
        rf"tgreader: {re.escape(str(seeded))}: the file was damaged; moved it to (\S+) "
        r"and started a new one",
        note,
    )
    assert moved is not None, note
    aside = Path(moved.group(1))
    assert aside.parent == seeded.parent and aside.name.startswith(STORE + ".corrupt-")
    assert aside.read_bytes() == damaged  # kept, for whoever wants to look
    assert json.loads(read.out)["url"] == SEED
    assert whole_store(seeded, Site.from_url(demo.url))["article"] == 1  # a new store
    # Bookmarks and read state live in their own file: nothing lost.
    marks = cli("bookmarks", "--json")
    assert marks.code == 0 and marks.err == ""
    assert [m["url"] for m in json.loads(marks.out)] == [SEED]
    with UserData.open(Path(env["TGREADER_DATA_DIR"]) / "userdata.sqlite3") as again:
        assert again.is_read(SEED)
    # Said once: the new store is fine.
    shown = cli("--offline", "read", SEED)
    # Stored through the demo server, read for the real site: it says where it came from.
    assert re.fullmatch(
        r"tgreader: offline: showing the copy stored \d+ s ago from http://127\.0\.0\.1:\d+\n",
        shown.err,
    )


def test_a_damaged_user_data_file_is_moved_aside_and_said(cli: Cli, env: dict[str, str]) -> None:
    path = Path(env["TGREADER_DATA_DIR"]) / "userdata.sqlite3"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00garbage" * 512)
    marks = cli("bookmarks", "--json")
    assert marks.code == 0
    assert json.loads(marks.out) == []
    assert one_line(marks).startswith(f"tgreader: {path}: the file was damaged; moved it to ")


# -- read-only folders and full disks ------------------------------------------------------------


def _mount(*args: str) -> bool:
    try:
        done = subprocess.run(["mount", *args], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _umount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=10)


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make ``folder`` read-only: a read-only bind mount for root (who ignores
    permissions), else the folder's mode."""
    if os.geteuid() == 0:
        if not _mount("--bind", str(folder), str(folder)):
            pytest.skip("cannot bind-mount here")
        try:
            if not _mount("-o", "remount,ro,bind", str(folder)):
                pytest.skip("cannot remount read-only here")
            yield
        finally:
            _umount(folder)
        return
    mode = folder.stat().st_mode
    folder.chmod(0o500)
    for file in folder.iterdir():
        file.chmod(0o400)
    try:
        yield
    finally:
        for file in folder.iterdir():
            file.chmod(0o600)
        folder.chmod(mode)


def _stderr_is_clear(result: Result, path: Path, *causes: str) -> None:
    assert result.code == 5, result.err
    line = one_line(result)
    assert line.startswith(f"tgreader: {path}"), line
    assert any(cause in line.lower() for cause in causes), line


def _last_line(sync: Result) -> Result:
    """A sync's failure without the progress bar drawn before it (stderr, not a terminal)."""
    assert "Traceback" not in sync.err, sync.err
    *bar, last = sync.err_lines or [""]
    assert all(line.startswith("Syncing") for line in bar), sync.err
    return Result(sync.code, sync.out, last + "\n")


READ_ONLY = ("read-only", "permission denied")


def test_a_store_on_a_read_only_folder(cli: Cli, seeded: Path, demo: DemoServer) -> None:
    before = store_rows(seeded)
    with read_only(seeded.parent):
        read = cli("--site", demo.url, "read", OTHER)
        refresh = cli("--site", demo.url, "read", SEED, "--refresh")
        sync = cli("--site", demo.url, "sync", "khoa-giao")
    for result in (read, refresh, _last_line(sync)):
        _stderr_is_clear(result, seeded, *READ_ONLY)
        assert result.out == ""
    assert store_rows(seeded) == before


def test_a_new_store_under_a_read_only_folder(cli: Cli, tmp_path: Path, demo: DemoServer) -> None:
    parent = tmp_path / "locked"
    parent.mkdir()
    with read_only(parent):
        result = cli("--cache-dir", str(parent / "cache"), "--site", demo.url, "read", SEED)
    _stderr_is_clear(result, parent / "cache", *READ_ONLY)


@contextlib.contextmanager
def full_disk(folder: Path, seeded: Path) -> Iterator[None]:
    """A tmpfs of 2 MB at ``folder`` holding a copy of ``seeded``'s folder, filled to the
    last byte."""
    if os.geteuid() != 0 or not _mount("-t", "tmpfs", "-o", "size=2m,mode=0700", "tgfull",
                                        str(folder)):  # fmt: skip
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        shutil.copytree(seeded.parent, folder, dirs_exist_ok=True)
        fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            for size in (65536, 4096, 512, 1):
                with contextlib.suppress(OSError):
                    while True:
                        os.write(fd, b"\0" * size)
        finally:
            os.close(fd)
        assert shutil.disk_usage(folder).free < 4096
        yield
    finally:
        _umount(folder)


FULL = ("the disk is full",)


def test_a_store_on_a_full_disk(cli: Cli, seeded: Path, tmp_path: Path, demo: DemoServer) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    store = disk / STORE
    before = store_rows(seeded)  # the copy on the full disk holds the same
    with full_disk(disk, seeded):
        refresh = cli("--cache-dir", str(disk), "--site", demo.url, "read", SEED, "--refresh")
        read = cli("--cache-dir", str(disk), "--site", demo.url, "read", OTHER)
        sync = cli("--cache-dir", str(disk), "--site", demo.url, "sync", "khoa-giao")
        offline = cli("--cache-dir", str(disk), "--offline", "read", SEED, "--json")
        (disk / "filler").unlink()  # room again: what was stored is all there
        after = store_rows(store)
        kept = page_row(store, SEED)
        whole = whole_store(store, Site.from_url(demo.url))
    # Even reading needs room: SQLite cannot make the shared-memory file of WAL mode.
    for result in (refresh, read, _last_line(sync), offline):
        _stderr_is_clear(result, store, *FULL)
        assert result.out == ""
    assert after == before
    assert kept is not None and whole["article"] == 1


# -- several tgreaders on one store -----------------------------------------------------------


SYNC = ("sync", "--pages", "2", "--depth", "2")
SUMMARY = re.compile(r"(\d+) listing pages, (\d+) articles fetched, (\d+) already stored, 0 failed")


def _no_lock_trouble(result: Result) -> None:
    for word in ("locked", "busy", "Traceback"):
        assert word not in result.err, result.err


def test_two_readers_and_a_sync_at_once(cli: Cli, seeded: Path) -> None:
    results: list[Result] = []
    with DemoServer(latency=0.03) as server:
        site = Site.from_url(server.url)
        syncing = cli.start("--site", server.url, *SYNC)

        def reader(commands: list[tuple[str, ...]]) -> None:
            rounds = 0
            while syncing.poll() is None or rounds < 2:
                for command in commands:
                    results.append(cli("--site", server.url, *command))
                rounds += 1

        readers = [
            threading.Thread(target=reader, args=([("--offline", "search", "hoi nghi"),
                                                   ("read", SEED, "--refresh")],)),
            threading.Thread(target=reader, args=([("--offline", "list", "khoa-giao"),
                                                   ("--offline", "read", OTHER),
                                                   ("cache", "info", "--json")],)),
        ]  # fmt: skip
        for thread in readers:
            thread.start()
        out, err = syncing.communicate(timeout=120)
        for thread in readers:
            thread.join(timeout=120)
    sync = Result(syncing.returncode, out, err)
    assert sync.code == 0, sync.err
    assert SUMMARY.search(sync.out), sync.out
    _no_lock_trouble(sync)
    assert len(results) >= 5
    for result in results:
        _no_lock_trouble(result)
        # Reading what the sync has not stored yet is "not in the store"; nothing else fails.
        assert result.code == 0 or (result.code == 3 and "not in the store" in result.err), (
            result.err
        )
    whole_store(seeded, site)


def test_two_syncs_at_once(cli: Cli, tmp_path: Path) -> None:
    with DemoServer(latency=0.01) as server:
        both = [cli.start("--site", server.url, *SYNC) for _ in range(2)]
        ended = [Result(p.returncode, *p.communicate(timeout=120)) for p in both]
        ended = [Result(p.returncode, r.out, r.err) for p, r in zip(both, ended, strict=True)]
        store = tmp_path / "cache" / STORE
        kinds = whole_store(store, Site.from_url(server.url))
    for result in ended:
        assert result.code == 0, result.err
        _no_lock_trouble(result)
        summary = SUMMARY.search(result.out)
        assert summary is not None, result.out
        listings, fetched, skipped = map(int, summary.groups())
        assert (listings, fetched + skipped) == (8, 23)
    assert (kinds["article"], kinds["listing"], kinds["home"]) == (23, 8, 1)
