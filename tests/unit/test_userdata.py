"""Bookmarks and read state in their own SQLite file: round trips, order, permissions, and
survival when the page cache is cleared, deleted or damaged."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tgreader.errors import StoreError
from tgreader.model import Listing
from tgreader.store import Store
from tgreader.userdata import (
    USERDATA_FILENAME,
    Bookmark,
    UserData,
    default_data_dir,
    default_userdata_path,
)

SITE = "https://tuyengiao.vn"
A = f"{SITE}/thoi-su/hoi-nghi-giao-ban-113371"
B = f"{SITE}/kinh-te/kinh-te-so-113372"
C = f"{SITE}/the-gioi/the-gioi-113373"


@pytest.fixture
def data_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / USERDATA_FILENAME


@pytest.fixture
def data(data_path: Path) -> Iterator[UserData]:
    with UserData.open(data_path) as opened:
        yield opened


def test_default_data_dir_honours_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TGREADER_DATA_DIR", str(tmp_path / "d"))
    assert default_data_dir() == tmp_path / "d"
    assert default_userdata_path() == tmp_path / "d" / USERDATA_FILENAME
    assert not (tmp_path / "d").exists()
    monkeypatch.delenv("TGREADER_DATA_DIR")
    assert default_data_dir().name == "tgreader"


def test_file_is_private_and_migrated(data: UserData, data_path: Path) -> None:
    data.mark_read(A)
    assert stat.S_IMODE(data_path.parent.stat().st_mode) == 0o700
    for suffix in ("", "-wal", "-shm"):
        file = data_path.with_name(data_path.name + suffix)
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, suffix
    with sqlite3.connect(data_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1


def test_read_state(data: UserData) -> None:
    assert not data.is_read(A)
    data.mark_read(A)
    data.mark_read(A)  # twice is fine
    data.mark_read(B)
    assert data.is_read(A) and data.is_read(B) and not data.is_read(C)
    assert data.read_urls([A, B, C, A]) == {A, B}
    data.mark_read(A, read=False)
    assert not data.is_read(A)
    assert data.read_urls([]) == set()


def test_read_urls_with_many_urls(data: UserData) -> None:
    many = [f"{SITE}/thoi-su/bai-{i}-1{i:05d}" for i in range(1800)]
    for url in many[::3]:
        data.mark_read(url)
    assert data.read_urls(many) == set(many[::3])


def test_bookmarks_round_trip_newest_first(data: UserData) -> None:
    assert data.bookmarks() == []
    data.add_bookmark(A, "Hội nghị giao ban")
    data.add_bookmark(B, "Kinh tế số")
    data.add_bookmark(C, "Thế giới")
    assert [b.url for b in data.bookmarks()] == [C, B, A]
    first = data.bookmarks()[-1]
    assert isinstance(first, Bookmark) and first.title == "Hội nghị giao ban"
    assert first.added_at > 0
    assert data.is_bookmarked(A) and not data.is_bookmarked(f"{SITE}/x-123")

    # Bookmarking again renames but keeps the place in the list.
    data.add_bookmark(A, "Hội nghị giao ban (sửa)")
    again = data.bookmarks()
    assert [b.url for b in again] == [C, B, A]
    assert again[-1].title == "Hội nghị giao ban (sửa)"
    assert again[-1].added_at == first.added_at

    assert data.remove_bookmark(B) is True
    assert data.remove_bookmark(B) is False
    assert [b.url for b in data.bookmarks()] == [C, A]


def test_toggle_bookmark(data: UserData) -> None:
    assert data.toggle_bookmark(A, "Hội nghị") is True
    assert data.is_bookmarked(A)
    assert data.toggle_bookmark(A, "Hội nghị") is False
    assert not data.is_bookmarked(A)
    assert data.toggle_bookmark(A, "Hội nghị") is True


def test_reopening_keeps_everything(data_path: Path) -> None:
    with UserData.open(data_path) as data:
        data.mark_read(A)
        data.add_bookmark(B, "Kinh tế số")
    with UserData.open(data_path) as data:
        assert data.is_read(A)
        assert [b.url for b in data.bookmarks()] == [B]


def test_user_data_survives_the_cache(tmp_path: Path) -> None:
    cache_path = tmp_path / "cache" / "pages.sqlite3"
    data_path = tmp_path / "data" / USERDATA_FILENAME
    listing = Listing(f"{SITE}/thoi-su", "Thời sự", 1, None, ())
    with UserData.open(data_path) as data:
        data.mark_read(A)
        data.add_bookmark(A, "Hội nghị giao ban")
        with Store.open(cache_path) as store:
            store.put(listing.url, listing, "<html/>")
            store.clear()
        assert data.is_read(A) and data.is_bookmarked(A)

        for suffix in ("", "-wal", "-shm"):
            cache_path.with_name(cache_path.name + suffix).unlink(missing_ok=True)
        assert data.is_read(A) and data.is_bookmarked(A)

        cache_path.write_bytes(os.urandom(4096))
        with Store.open(cache_path, recover=True) as store:
            assert store.recovered_from is not None
        assert data.is_read(A) and data.is_bookmarked(A)
    with UserData.open(data_path) as data:
        assert [b.url for b in data.bookmarks()] == [A]


def test_a_damaged_file_raises_or_is_moved_aside(data_path: Path) -> None:
    data_path.parent.mkdir(parents=True)
    data_path.write_bytes(b"\x00garbage" * 512)
    with pytest.raises(StoreError) as caught:
        UserData.open(data_path)
    assert caught.value.where == str(data_path)
    with UserData.open(data_path, recover=True) as data:
        assert data.recovered_from is not None and data.recovered_from.exists()
        assert data.bookmarks() == []


def test_a_closed_user_data_raises_store_error(data_path: Path) -> None:
    data = UserData.open(data_path)
    data.close()
    with pytest.raises(StoreError, match="closed"):
        data.is_read(A)


def test_shared_between_threads(data: UserData) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                url = f"{SITE}/thoi-su/t{n}-{i}-1{i:05d}"
                data.mark_read(url)
                data.toggle_bookmark(url, f"Bài {i}")
                data.is_bookmarked(url)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(data.bookmarks()) == 200
