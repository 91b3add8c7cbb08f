"""Opening the store costs the same at any size: the whole file is checked only after a
crash (a WAL left by a process that died), after an error that said the file is damaged,
and when asked (``Store.check``, ``cache check``, ``cache vacuum``)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from tgreader.errors import StoreError
from tgreader.model import Article, Paragraph, Published
from tgreader.store import STORE_FILENAME, Store
from tgreader.text import VN_TZ

HTML = "<html><body>" + "<p>Nội dung bài viết.</p>" * 50 + "</body></html>"


def _article(i: int) -> Article:
    return Article(
        url=f"https://tuyengiao.vn/thoi-su/bai-{i}-{113000 + i}",
        section="Thời sự",
        title=f"Bài số {i}",
        published=Published(datetime(2023, 4, 1 + i % 28, 7, i % 60, tzinfo=VN_TZ)),
        sapo="Tóm tắt.",
        author=None,
        blocks=(Paragraph(f"Đoạn văn {i}. " * 300),),
    )


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "cache" / STORE_FILENAME


def _fill(path: Path, count: int = 40) -> None:
    with Store.open(path) as store:
        for i in range(count):
            page = _article(i)
            store.put(page.url, page, HTML + os.urandom(2000).hex())
        store.vacuum()  # everything in the main file, the WAL emptied


def _page_rows(path: Path) -> tuple[int, list[int]]:
    """The page size, and the last leaf pages of the ``pages`` table: no open reads them,
    only a whole-file check or a read of those very rows. (Asked before a crash is staged:
    the last connection to close takes the WAL with it.)"""
    with sqlite3.connect(path) as conn:
        size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        numbers = [
            int(row[0])
            for row in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = 'pages' AND pagetype = 'leaf' "
                "ORDER BY pageno DESC LIMIT 3"
            )
        ]
    conn.close()
    assert numbers
    return size, numbers


def _damage(path: Path, rows: tuple[int, list[int]]) -> None:
    size, numbers = rows
    with path.open("r+b") as file:
        for number in numbers:
            file.seek((number - 1) * size)
            file.write(os.urandom(size))


def _crash_while_writing(path: Path) -> None:
    """A process that opens the store, writes, and dies without closing it."""
    script = (
        "import os, sys\n"
        "from tgreader.store import Store\n"
        "store = Store.open(__import__('pathlib').Path(sys.argv[1]))\n"
        "store.touch('https://tuyengiao.vn/thoi-su/bai-1-113001')\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(path)], check=True, timeout=60)


def test_an_ordinary_open_does_not_read_the_whole_file(store_path: Path) -> None:
    _fill(store_path)
    _damage(store_path, _page_rows(store_path))
    # Opening and a lookup that does not reach the damaged rows work: nothing scanned it.
    with Store.open(store_path) as store:
        assert store.get(_article(0).url) is not None
        problems = store.check()
    assert problems, "the whole-file check finds the damage"


def test_a_crash_makes_the_next_open_check_the_file(store_path: Path) -> None:
    _fill(store_path)
    rows = _page_rows(store_path)
    _crash_while_writing(store_path)
    wal = store_path.with_name(STORE_FILENAME + "-wal")
    assert wal.stat().st_size > 0  # what a crash leaves
    _damage(store_path, rows)
    with pytest.raises(StoreError, match=r"damaged|malformed"):
        Store.open(store_path)
    with Store.open(store_path, recover=True) as store:
        assert store.recovered_from is not None
        assert store.info().pages == 0


def test_a_crash_on_a_sound_file_is_checked_once(store_path: Path) -> None:
    _fill(store_path)
    _crash_while_writing(store_path)
    with Store.open(store_path) as store:
        assert store.recovered_from is None
        assert store.check() == []
        assert store.info().counts["article"] == 40


def test_a_damage_met_while_reading_is_checked_at_the_next_open(store_path: Path) -> None:
    _fill(store_path)
    _damage(store_path, _page_rows(store_path))
    marker = store_path.with_name(STORE_FILENAME + "-check")
    with Store.open(store_path) as store, pytest.raises(StoreError, match="damaged"):
        for i in range(40):
            store.get(_article(i).url)
    assert marker.exists()
    with Store.open(store_path, recover=True) as store:
        assert store.recovered_from is not None
    assert not marker.exists()


def test_a_writer_still_open_elsewhere_is_not_a_crash(store_path: Path) -> None:
    _fill(store_path)
    rows = _page_rows(store_path)
    with Store.open(store_path) as writer:
        writer.touch(_article(1).url)
        _damage(store_path, rows)
        # The WAL is the live writer's: this open must not scan (nor call it damaged).
        with Store.open(store_path) as reader:
            assert reader.recovered_from is None
            assert reader.get(_article(0).url) is not None
