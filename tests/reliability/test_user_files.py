"""The user's own files: a damaged bookmarks/read-state file keeps every row SQLite can
still read; a store or data path that is a symlink never has its target's mode changed,
and what is not a regular file is refused (exit 5), never opened and waited on."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from tgreader.cli import main
from tgreader.errors import StoreError
from tgreader.store import Store
from tgreader.userdata import UserData

PAGE = 4096


def _fill(path: Path, count: int) -> dict[str, str]:
    marks = {f"https://tuyengiao.vn/kinh-te/bai-so-{n:04d}-{100000 + n}": f"Bài {n}" * 3
             for n in range(count)}  # fmt: skip
    with UserData.open(path) as data:
        for url, title in marks.items():
            data.add_bookmark(url, title)
            data.mark_read(url, True)
    # Everything in the main file, so the damage below hits the rows themselves.
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return marks


def _damage_page(path: Path, number: int) -> None:
    with path.open("r+b") as file:
        file.seek(number * PAGE + 100)
        file.write(b"\xff" * (PAGE - 200))


def test_a_damaged_user_file_keeps_every_readable_row(tmp_path: Path) -> None:
    path = tmp_path / "userdata.sqlite3"
    marks = _fill(path, 600)
    pages = path.stat().st_size // PAGE
    _damage_page(path, pages // 3)
    # Opening does not read the whole file; the first read that meets the damage fails,
    # one line naming the file, and asks the next open to check it.
    with UserData.open(path, recover=True) as data, pytest.raises(StoreError, match=str(path)):
        data.bookmarks()
        data.read_urls(marks)
    with UserData.open(path, recover=True) as data:
        assert data.recovered_from is not None
        kept = data.bookmarks()
        read = data.read_urls(marks)
        assert data.salvaged == len(kept) + len(read)
    assert 0 < len(kept) < len(marks) or 0 < len(read) < len(marks)  # something was lost…
    assert len(kept) + len(read) >= len(marks)  # …but most rows were kept
    for mark in kept:
        assert marks[mark.url] == mark.title  # every kept row is a row that was there


def test_the_cli_says_how_many_rows_were_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "d"
    data.mkdir(mode=0o700)
    path = data / "userdata.sqlite3"
    marks = _fill(path, 600)
    _damage_page(path, path.stat().st_size // PAGE // 2)
    argv = ["--offline", "--cache-dir", str(tmp_path / "c"), "--data-dir", str(data)]
    assert main([*argv, "bookmarks"]) == 0
    out, err = capsys.readouterr()
    (line,) = err.splitlines()
    assert line.startswith(f"tgreader: {path}: the file was damaged; moved it to ")
    kept = int(line.split("keeping the ")[1].split()[0])
    with UserData.open(path) as again:
        listed = again.bookmarks()
        assert kept == len(listed) + len(again.read_urls(marks))
    assert out.count("https://") == len(listed) > 0  # what bookmarks printed is what was kept


def test_a_store_path_that_is_a_symlink_keeps_its_target_mode(tmp_path: Path) -> None:
    target = tmp_path / "shared" / "pages.sqlite3"
    target.parent.mkdir()
    target.touch(mode=0o644)
    target.chmod(0o644)
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "pages.sqlite3").symlink_to(target)
    with Store.open(folder / "pages.sqlite3"):
        pass
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_a_store_folder_that_is_a_symlink_keeps_its_mode(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir(mode=0o755)
    real.chmod(0o755)
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    with UserData.open(link / "userdata.sqlite3"):
        pass
    assert stat.S_IMODE(real.stat().st_mode) == 0o755


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_a_store_path_that_is_not_a_file_is_refused(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    path = folder / "pages.sqlite3"
    if kind == "device":
        path.symlink_to("/dev/null")
    else:
        os.mkfifo(path)
    with pytest.raises(StoreError) as caught:
        Store.open(path, recover=True)
    assert str(caught.value) == f"{path}: not a regular file (a device, a pipe or a folder)"
    assert caught.value.exit_code == 5
