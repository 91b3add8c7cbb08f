"""The page cache on real SQLite files in tmp_path: round trips, freshness, the search index
kept in step, permissions, damaged files, read-only folders and concurrent writers."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from tgreader.errors import StoreError
from tgreader.model import (
    Article,
    Heading,
    Home,
    Image,
    Link,
    Listing,
    ListItem,
    Paragraph,
    Published,
    Quote,
    Section,
)
from tgreader.store import STORE_FILENAME, Store, default_cache_dir, default_store_path
from tgreader.text import VN_TZ

SITE = "https://tuyengiao.vn"
HTML = (
    "<!doctype html><html><head><title>Hội nghị</title></head><body>"
    + "<p>Đồng chí Trưởng Ban Tuyên giáo Trung ương phát biểu tại hội nghị.</p>\n" * 200
    + "</body></html>"
)


def article(
    slug: str = "thoi-su/hoi-nghi-giao-ban-113371",
    *,
    title: str = "Hội nghị giao ban công tác Tuyên giáo",
    body: str = "Đồng chí phát biểu chỉ đạo hội nghị.",
    section: str | None = "Thời sự",
    day: int = 13,
) -> Article:
    return Article(
        url=f"{SITE}/{slug}",
        section=section,
        title=title,
        published=Published(datetime(2023, 4, day, 7, 53, tzinfo=VN_TZ)),
        sapo="Sáng 13/4, Ban Tuyên giáo Trung ương tổ chức hội nghị trực tuyến.",
        author="Thu Hà",
        blocks=(
            Paragraph(body),
            Heading("Những nhiệm vụ trọng tâm"),
            Image(f"{SITE}/Uploads/2023/4/13/1/a.jpg", "Quang cảnh hội nghị"),
            Quote("Tuyên truyền phải đi trước một bước."),
        ),
        related=(Link("Bài liên quan", f"{SITE}/thoi-su/bai-lien-quan-113370"),),
        generation="A",
    )


def listing() -> Listing:
    return Listing(
        url=f"{SITE}/thoi-su",
        section="Thời sự",
        page=1,
        next=f"{SITE}/thoi-su?page=2",
        articles=(ListItem("Hội nghị", f"{SITE}/thoi-su/hoi-nghi-113371"),),
        generation="B",
    )


def home() -> Home:
    return Home(
        url=f"{SITE}/",
        sections=(Section("Thời sự", f"{SITE}/thoi-su"),),
        articles=(Link("Hội nghị", f"{SITE}/thoi-su/hoi-nghi-113371"),),
    )


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "cache" / STORE_FILENAME


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    with Store.open(store_path) as opened:
        yield opened


def delete_page(path: Path, url: str) -> int:
    """Remove the page of ``url`` from the file through a connection of its own, as
    another program or an older version could (the store never deletes one page)."""
    with sqlite3.connect(path) as conn:
        deleted = conn.execute("DELETE FROM pages WHERE url = ?", (url,)).rowcount
    conn.close()
    return deleted


def fts_rows(path: Path) -> list[tuple[int, str]]:
    """The index rows, read through a connection of its own."""
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT rowid, url FROM pages_fts ORDER BY rowid").fetchall()


# --- paths and opening -----------------------------------------------------------------


def test_default_cache_dir_honours_the_environment_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "elsewhere"
    monkeypatch.setenv("TGREADER_CACHE_DIR", str(target))
    assert default_cache_dir() == target
    assert default_store_path() == target / STORE_FILENAME
    assert not target.exists()
    monkeypatch.delenv("TGREADER_CACHE_DIR")
    assert default_cache_dir().name == "tgreader"


def test_import_has_no_side_effects(tmp_path: Path) -> None:
    code = (
        "import sys, tgreader.store, tgreader.search, tgreader.userdata\n"
        "assert 'textual' not in sys.modules\n"
    )
    env = {**os.environ, "TGREADER_CACHE_DIR": str(tmp_path / "c")}
    env["TGREADER_DATA_DIR"] = str(tmp_path / "d")
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    assert list(tmp_path.iterdir()) == []


def test_open_makes_private_files_in_wal_mode(store_path: Path) -> None:
    with Store.open(store_path) as store:
        store.put(article().url, article(), HTML)
        assert stat.S_IMODE(store_path.parent.stat().st_mode) == 0o700
        for suffix in ("", "-wal", "-shm"):
            file = store_path.with_name(store_path.name + suffix)
            assert file.exists(), suffix
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, suffix
        assert store.recovered_from is None
    with sqlite3.connect(store_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA page_size").fetchone()[0] == 2048
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 7  # schema 7
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x54475244
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_reopening_keeps_pages(store_path: Path) -> None:
    with Store.open(store_path) as store:
        store.put(article().url, article(), HTML)
    with Store.open(store_path) as store:
        assert store.get(article().url) is not None


def test_a_closed_store_raises_store_error(store_path: Path) -> None:
    store = Store.open(store_path)
    store.close()
    store.close()  # twice is fine
    with pytest.raises(StoreError, match="closed"):
        store.get(article().url)


# --- round trips -----------------------------------------------------------------------


def test_article_round_trip(store: Store) -> None:
    page = article()
    store.put(
        page.url,
        page,
        HTML,
        final_url=page.url + "?redirected=1",
        status=200,
        etag='"abc"',
        last_modified="Thu, 13 Apr 2023 00:53:00 GMT",
        fetched_at=1000.0,
    )
    stored = store.get(page.url)
    assert stored is not None
    assert stored.url == page.url
    assert stored.final_url == page.url + "?redirected=1"
    assert stored.kind == "article"
    assert stored.status == 200
    assert stored.etag == '"abc"'
    assert stored.last_modified == "Thu, 13 Apr 2023 00:53:00 GMT"
    assert stored.fetched_at == stored.checked_at == 1000.0
    assert stored.html == HTML
    assert stored.parsed == page.to_dict()
    assert stored.generation == "A"
    assert stored.model() == page


def test_listing_and_home_round_trip(store: Store) -> None:
    store.put(listing().url, listing(), "<html>listing</html>")
    store.put(home().url, home(), "<html>home</html>")
    stored_listing = store.get(listing().url)
    stored_home = store.get(home().url)
    assert stored_listing is not None and stored_home is not None
    assert stored_listing.kind == "listing" and stored_listing.model() == listing()
    assert stored_home.kind == "home" and stored_home.model() == home()


def test_get_accepts_the_final_url_and_prefers_the_key(store: Store) -> None:
    page = article()
    store.put(page.url, page, HTML, final_url=f"{SITE}/moved-113371")
    found = store.get(f"{SITE}/moved-113371")
    assert found is not None and found.url == page.url
    assert store.get(f"{SITE}/nothing-here-1") is None


def test_sapos_are_read_for_the_urls_asked_by_key_or_final_url(store: Store) -> None:
    # What a list of the latest news shows under each title: many URLs at once (more than
    # one query's batch), a redirected article by either URL, and nothing for the rest.
    many = [article(f"thoi-su/bai-{n}-{120000 + n}") for n in range(450)]
    for page in many:
        store.put(page.url, page, HTML)
    moved = article("thoi-su/bai-chuyen-113999")
    store.put(moved.url, moved, HTML, final_url=f"{SITE}/blogs/bai-chuyen-113999")
    bare = article("thoi-su/khong-sapo-113998")
    store.put(bare.url, replace(bare, sapo=None), HTML)
    store.put(listing().url, listing(), HTML)
    asked = [p.url for p in many] + [moved.url, f"{SITE}/blogs/bai-chuyen-113999"]
    asked += [bare.url, listing().url, f"{SITE}/thoi-su/chua-luu-113997"]
    found = store.sapos(asked)
    assert set(found) == {p.url for p in many} | {moved.url, f"{SITE}/blogs/bai-chuyen-113999"}
    assert set(found.values()) == {many[0].sapo}
    assert store.sapos([]) == {}


def test_a_damaged_parse_leaves_out_only_its_sapo(store: Store, store_path: Path) -> None:
    sound, broken = article("thoi-su/lanh-113371"), article("thoi-su/hong-113372")
    for page in (sound, broken):
        store.put(page.url, page, HTML)
    with sqlite3.connect(store_path) as conn:
        conn.execute("UPDATE pages SET parsed = x'00ff00ff' WHERE url = ?", (broken.url,))
    conn.close()
    assert store.sapos([sound.url, broken.url]) == {sound.url: sound.sapo}


def test_html_and_parse_are_stored_compressed(store: Store, store_path: Path) -> None:
    page = article()
    store.put(page.url, page, HTML)
    info = store.info()
    assert info.raw_bytes == len(HTML.encode("utf-8"))
    assert 0 < info.stored_bytes < info.raw_bytes / 5
    with sqlite3.connect(store_path) as conn:
        body, raw_size, parsed, dict_id = conn.execute(
            "SELECT body, raw_size, parsed, dict FROM pages"
        ).fetchone()
    assert raw_size == len(HTML.encode("utf-8"))
    # The first page of its kind became the kind's dictionary and was compressed against
    # it: neither column holds the text in the clear, and both read back whole.
    assert dict_id is not None
    assert "Hội nghị giao ban".encode() not in body + parsed
    assert len(body) + len(parsed) < len(HTML.encode("utf-8")) / 5
    stored = store.get(page.url)
    assert stored is not None and stored.html == HTML
    assert stored.parsed["title"] == page.title


def test_put_replaces_the_page(store: Store) -> None:
    store.put(article().url, article(), HTML, etag='"1"', fetched_at=1.0)
    newer = article(title="Hội nghị toàn quốc")
    store.put(newer.url, newer, "<html>new</html>", fetched_at=2.0)
    stored = store.get(newer.url)
    assert stored is not None
    assert stored.etag is None and stored.html == "<html>new</html>"
    assert stored.parsed["title"] == "Hội nghị toàn quốc"
    assert store.info().pages == 1


def test_only_parsed_pages_and_successes_are_written(store: Store) -> None:
    page = article()
    store.put(page.url, page, HTML, fetched_at=5.0)
    with pytest.raises(ValueError, match="500"):
        store.put(page.url, page, "<html>Internal error</html>", status=500)
    with pytest.raises(TypeError):
        store.put(page.url, None, "")  # type: ignore[arg-type]
    stored = store.get(page.url)
    assert stored is not None and stored.html == HTML and stored.fetched_at == 5.0


# --- 304, freshness ----------------------------------------------------------------------


def test_touch_renews_checked_at_only(store: Store) -> None:
    page = article()
    store.put(page.url, page, HTML, etag='"v1"', last_modified="then", fetched_at=100.0)
    assert store.touch(page.url, 500.0) is True
    stored = store.get(page.url)
    assert stored is not None
    assert (stored.fetched_at, stored.checked_at) == (100.0, 500.0)
    assert (stored.etag, stored.last_modified, stored.html) == ('"v1"', "then", HTML)
    assert store.touch(page.url, 600.0, etag='"v2"')
    stored = store.get(page.url)
    assert stored is not None and stored.etag == '"v2"' and stored.last_modified == "then"
    assert store.touch(f"{SITE}/unknown-1234", 1.0) is False


# --- the search index kept in step -----------------------------------------------------------


def test_index_follows_update_delete_and_clear(store: Store, store_path: Path) -> None:
    page = article(body="Bàn về kinh tế số.")
    store.put(page.url, page, HTML)
    assert [h.url for h in store.search("kinh te so")] == [page.url]
    changed = article(body="Bàn về chuyển đổi xanh.")
    store.put(changed.url, changed, HTML)
    assert store.search("kinh te so") == []
    assert [h.url for h in store.search("chuyen doi xanh")] == [page.url]
    assert len(fts_rows(store_path)) == 1
    assert store.check() == []

    # The same URL now holding a listing: no longer an article, no longer indexed.
    store.put(page.url, listing(), "<html/>")
    assert store.search("chuyen doi xanh") == []
    assert fts_rows(store_path) == []

    store.put(changed.url, changed, HTML)
    other = article("kinh-te/kinh-te-xanh-113400", body="Chuyển đổi xanh ở địa phương.")
    store.put(other.url, other, HTML)
    assert len(store.search("chuyen doi xanh")) == 2
    assert delete_page(store_path, changed.url) == 1  # as an older version could
    assert delete_page(store_path, changed.url) == 0
    assert [h.url for h in store.search("chuyen doi xanh")] == [other.url]
    assert [url for _, url in fts_rows(store_path)] == [other.url]
    assert store.check() == []

    store.put(listing().url, listing(), "<html/>")
    assert store.clear() == 2
    assert store.search("chuyen doi xanh") == []
    assert fts_rows(store_path) == []
    assert store.info().pages == 0
    assert store.check() == []


def test_deleting_by_hand_also_drops_the_index_row(store: Store, store_path: Path) -> None:
    store.put(article().url, article(), HTML)
    with sqlite3.connect(store_path) as conn:
        conn.execute("DELETE FROM pages")
    assert fts_rows(store_path) == []


def test_vacuum_keeps_pages_and_index(store: Store, store_path: Path) -> None:
    pages = [article(f"thoi-su/bai-{i}-11340{i}", body=f"Nội dung số {i}.") for i in range(5)]
    for page in pages:
        store.put(page.url, page, HTML)
    for page in pages[:3]:
        delete_page(store_path, page.url)
    store.vacuum()
    assert store.check() == []
    assert sorted(h.url for h in store.search("noi dung")) == sorted(p.url for p in pages[3:])
    assert store.get(pages[4].url) is not None


# --- lists and info ---------------------------------------------------------------------------


def test_articles_by_section_newest_first(store: Store) -> None:
    older = article("thoi-su/cu-113001", title="Bài cũ", day=1)
    newer = article("thoi-su/moi-113002", title="Bài mới", day=20)
    economy = article("kinh-te/kinh-te-113003", title="Kinh tế", section="Kinh tế", day=10)
    for page in (older, newer, economy):
        store.put(page.url, page, HTML)
    store.put(listing().url, listing(), "<html/>")
    assert [a.title for a in store.articles()] == ["Bài mới", "Kinh tế", "Bài cũ"]
    by_name = store.articles("Thời sự")
    assert [a.url for a in by_name] == [newer.url, older.url]
    assert store.articles("thoi-su") == by_name
    assert store.articles(f"{SITE}/thoi-su") == by_name
    assert [a.title for a in store.articles("KINH TE")] == ["Kinh tế"]
    assert store.articles("the-gioi") == []
    row = by_name[0]
    assert (row.url, row.title, row.section, row.published) == (
        newer.url,
        "Bài mới",
        "Thời sự",
        "2023-04-20T07:53:00+07:00",
    )


def test_articles_match_the_url_folder_when_the_section_name_is_unknown(store: Store) -> None:
    page = article("nhip-cau-tuyen-giao/tuyen-giao-cac-cap/bai-113500", section=None)
    store.put(page.url, page, HTML)
    assert [a.url for a in store.articles("nhip-cau-tuyen-giao")] == [page.url]
    assert [a.url for a in store.articles("Tuyên giáo các cấp")] == [page.url]


def test_info(store: Store, store_path: Path) -> None:
    empty = store.info()
    assert empty.counts == {"home": 0, "listing": 0, "article": 0}
    assert (empty.oldest, empty.newest, empty.raw_bytes, empty.stored_bytes) == (None, None, 0, 0)
    store.put(article().url, article(), HTML, fetched_at=10.0)
    store.put(listing().url, listing(), "<p>listing</p>", fetched_at=20.0)
    store.put(home().url, home(), "<p>home</p>", fetched_at=30.0)
    info = store.info()
    assert info.path == store_path
    assert info.counts == {"home": 1, "listing": 1, "article": 1}
    assert info.pages == 3
    assert (info.oldest, info.newest) == (10.0, 30.0)
    wal = store_path.with_name(store_path.name + "-wal")
    assert info.file_size == store_path.stat().st_size + wal.stat().st_size


# --- damaged files, read-only places, full disks ---------------------------------------------


def test_a_non_sqlite_file_raises_store_error_naming_it(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(b"this is not SQLite at all \x00\xff" * 200)
    with pytest.raises(StoreError) as caught:
        Store.open(store_path)
    assert caught.value.where == str(store_path)
    assert caught.value.exit_code == 5
    assert "\n" not in str(caught.value)
    assert store_path.read_bytes().startswith(b"this is not SQLite")  # left untouched


def test_recover_moves_a_damaged_file_aside(store_path: Path) -> None:
    garbage = os.urandom(8192)
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(garbage)
    with Store.open(store_path, recover=True) as store:
        assert store.recovered_from is not None
        assert store.recovered_from.name.startswith(STORE_FILENAME + ".corrupt-")
        assert store.recovered_from.read_bytes() == garbage
        store.put(article().url, article(), HTML)
        assert store.check() == []
    with Store.open(store_path, recover=True) as again:
        assert again.recovered_from is None
        assert again.get(article().url) is not None


def test_damaged_pages_inside_a_real_database_are_detected(store_path: Path) -> None:
    with Store.open(store_path) as store:
        for i in range(30):
            page = article(f"thoi-su/bai-{i}-11350{i}", body=f"Đoạn văn {i}. " * 200)
            store.put(page.url, page, os.urandom(3000).hex())
        store.vacuum()  # everything into the main file, the WAL emptied
    size = store_path.stat().st_size
    with store_path.open("r+b") as file:
        for offset in range(4096, size, 4096 * 3):
            file.seek(offset)
            file.write(os.urandom(4096))
    with pytest.raises(StoreError, match=str(store_path)):
        Store.open(store_path)
    with Store.open(store_path, recover=True) as store:
        assert store.recovered_from is not None
        assert store.info().pages == 0


def test_another_programs_database_is_left_alone(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    with sqlite3.connect(store_path) as conn:
        conn.execute("CREATE TABLE notes (x)")
    with pytest.raises(StoreError, match="not a tgreader database"):
        Store.open(store_path, recover=True)
    with sqlite3.connect(store_path) as conn:
        tables = conn.execute("SELECT name FROM sqlite_schema").fetchall()
    assert tables == [("notes",)]


def test_a_newer_schema_is_refused_not_migrated(store_path: Path) -> None:
    Store.open(store_path).close()
    with sqlite3.connect(store_path) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer tgreader"):
        Store.open(store_path, recover=True)
    with sqlite3.connect(store_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 99


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_a_read_only_folder_raises_store_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(StoreError) as caught:
            Store.open(folder / STORE_FILENAME)
        assert "permission denied" in caught.value.cause.lower()
    finally:
        folder.chmod(0o700)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_a_read_only_file_raises_store_error(store_path: Path) -> None:
    Store.open(store_path).close()
    store_path.chmod(0o400)
    try:
        with pytest.raises(StoreError), Store.open(store_path) as store:
            store.put(article().url, article(), HTML)
    finally:
        store_path.chmod(0o600)


def test_a_folder_that_cannot_be_created_raises_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(StoreError) as caught:
        Store.open(blocker / STORE_FILENAME)
    assert str(blocker) in str(caught.value)


def test_a_full_disk_raises_store_error_and_keeps_the_old_copy(
    store: Store, store_path: Path
) -> None:
    page = article()
    store.put(page.url, page, HTML, fetched_at=1.0)
    # A cap on the file size is how SQLite reports a full disk (SQLITE_FULL).
    pages_now = store._conn.execute("PRAGMA page_count").fetchone()[0]  # type: ignore[union-attr]
    store._conn.execute(f"PRAGMA max_page_count = {pages_now + 2}")  # type: ignore[union-attr]
    huge = article(body=os.urandom(200_000).hex())
    with pytest.raises(StoreError, match="disk is full"):
        store.put(huge.url, huge, os.urandom(200_000).hex())
    stored = store.get(page.url)
    assert stored is not None and stored.html == HTML and stored.fetched_at == 1.0
    assert [h.url for h in store.search("phat bieu chi dao")] == [page.url]
    assert store.check() == []


# --- threads ---------------------------------------------------------------------------------


def test_two_stores_on_one_file_write_concurrently(store_path: Path) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def writer(name: str) -> None:
        try:
            with Store.open(store_path) as store:
                start.wait(timeout=30)  # never hang if the other writer failed to open
                for i in range(60):
                    page = article(f"thoi-su/{name}-{i}-11{i:04d}", body=f"{name} số {i}")
                    store.put(page.url, page, HTML)
                    store.touch(page.url)
                    assert store.get(page.url) is not None
                    store.search(name)
        except BaseException as error:  # reported below, with the thread's name
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("alpha", "beta")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store.open(store_path) as store:
        assert store.info().counts["article"] == 120
        assert len(store.search("alpha", limit=500)) == 60
        assert store.check() == []


def _open_and_put_at_once(path: Path, count: int) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def opener(n: int) -> None:
        try:
            start.wait(timeout=30)
            with Store.open(path) as store:
                page = article(f"thoi-su/o{n}-13{n:04d}")
                store.put(page.url, page, HTML)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=opener, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_stores_opening_a_new_file_at_once(tmp_path: Path) -> None:
    # Racing to create the folder, switch a new file to WAL and migrate it exactly once.
    for round_ in range(10):
        path = tmp_path / f"round{round_}" / "cache" / STORE_FILENAME
        assert _open_and_put_at_once(path, 4) == []
        with Store.open(path) as store:
            assert store.info().pages == 4


def test_one_store_shared_by_threads(store: Store) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(20):
                page = article(f"thoi-su/t{n}-{i}-12{i:04d}")
                store.put(page.url, page, HTML)
                store.get(page.url)
                store.articles("thoi-su")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.info().pages == 80
