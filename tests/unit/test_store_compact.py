"""Schema 2 of the page store: pages compressed against per-kind dictionaries, a contentless
search index whose rows of replaced pages are never seen, ranking in two halves on a big
index, and the migration of a schema 1 file."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
import zlib
from datetime import datetime
from pathlib import Path

import pytest

from tgreader import _sqlite, store
from tgreader.model import Article, Image, Link, Paragraph, Published
from tgreader.search import article_text
from tgreader.store import STORE_FILENAME, Store
from tgreader.text import VN_TZ

SITE = "https://tuyengiao.vn"
FURNITURE = (
    "<header><nav>"
    + "".join(f'<a href="/muc-{i}">Chuyên mục số {i}</a>' for i in range(60))
    + "</nav></header>"
)
FOOTER = "<footer>" + "<p>Tạp chí Tuyên giáo - Cơ quan của Ban Tuyên giáo Trung ương</p>" * 20


def article(number: int, words: str = "Hội nghị giao ban công tác tuyên giáo") -> Article:
    return Article(
        url=f"{SITE}/thoi-su/bai-so-{number}-11{number:04d}",
        section="Thời sự",
        title=f"Bài số {number}: {words}",
        published=Published(datetime(2023, 4, 1 + number % 28, 7, 53, tzinfo=VN_TZ)),
        sapo=f"Tóm tắt của bài số {number}.",
        author="Thu Hà",
        blocks=(
            Paragraph(f"{words}, đoạn thứ nhất của bài {number}."),
            Image(f"{SITE}/Uploads/{number}.jpg", f"Ảnh của bài {number}"),
            Paragraph(f"Đoạn thứ hai của bài {number}: {words}."),
        ),
        related=(Link("Bài khác", f"{SITE}/thoi-su/bai-khac-110000"),),
        generation="B",
    )


def page_html(page: Article) -> str:
    body = "".join(
        f"<p>{b.text}</p>" if isinstance(b, Paragraph) else f'<img src="{b.src}">'
        for b in page.blocks
    )
    return f"<html><body>{FURNITURE}<h1>{page.title}</h1><p>{page.sapo}</p>{body}{FOOTER}</html>"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "cache" / STORE_FILENAME


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_every_page_is_compressed_against_its_kinds_dictionary(path: Path) -> None:
    pages = [article(n) for n in range(12)]
    with Store.open(path) as opened:
        for page in pages:
            opened.put(page.url, page, page_html(page))
        for page in pages:
            stored = opened.get(page.url)
            assert stored is not None
            assert stored.html == page_html(page)
            assert stored.model() == page
        info = opened.info()
    dicts = {d for (d,) in rows(path, "SELECT dict FROM pages ORDER BY id")}
    # The first page became the dictionary, and was compressed against it like the others.
    assert rows(path, "SELECT count(*) FROM page_dicts") == [(1,)]
    assert dicts == {rows(path, "SELECT id FROM page_dicts")[0][0]}
    # The furniture and the text cost next to nothing: a plain zlib copy of a page is
    # several times the size of the biggest stored one.
    plain = len(zlib.compress(page_html(pages[0]).encode("utf-8"), 6))
    largest = rows(path, "SELECT max(length(body)) FROM pages")[0][0]
    assert isinstance(largest, int) and largest < plain / 3
    assert info.stored_bytes < info.raw_bytes / 10


def test_a_kind_the_dictionary_serves_poorly_gets_a_new_one(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "_DICT_PATIENCE", 2)
    with Store.open(path) as opened:
        first = article(0)
        opened.put(first.url, first, page_html(first))
        # The site's look changed: nothing of the old page is in the new ones.
        others = [article(n) for n in range(1, 8)]
        for page in others:
            noise = "".join(
                hashlib.sha256(f"{page.url}{i}".encode()).hexdigest() for i in range(40)
            )
            opened.put(page.url, page, f"<html><div>{noise}</div><p>{page.title}</p></html>")
        # Every third poorly served page (patience 2) became a dictionary, and no other.
        assert rows(path, "SELECT count(*) FROM page_dicts")[0][0] == 1 + len(others) // 3
        for page in [first, *others]:
            stored = opened.get(page.url)
            assert stored is not None and stored.model() == page


def test_a_replaced_article_is_never_found_by_its_old_words(path: Path) -> None:
    with Store.open(path) as opened:
        old = article(1, "Kinh tế số")
        opened.put(old.url, old, page_html(old))
        new = article(1, "Chuyển đổi xanh")
        opened.put(new.url, new, page_html(new))
        assert opened.search("kinh te so") == []
        assert [h.url for h in opened.search("chuyen doi xanh")] == [new.url]
        assert rows(path, "SELECT count(*) FROM pages_fts") == [(1,)]
        # The old index row stays until a vacuum, under an id no page will get again.
        assert rows(path, "SELECT count(*) FROM search_index_docsize") == [(2,)]
        opened.vacuum()
        assert rows(path, "SELECT count(*) FROM search_index_docsize") == [(1,)]
        assert [h.url for h in opened.search("chuyen doi xanh")] == [new.url]
        assert opened.check() == []


def test_ids_of_deleted_articles_are_never_given_again(path: Path) -> None:
    with Store.open(path) as opened:
        pages = [article(n, "Kinh tế số") for n in range(3)]
        for page in pages:
            opened.put(page.url, page, page_html(page))
        last = rows(path, "SELECT max(id) FROM pages")[0][0]
        with sqlite3.connect(path) as conn:  # by hand, behind the store's back
            conn.execute("DELETE FROM pages WHERE id = ?", (last,))
        fresh = article(9, "Chuyển đổi xanh")
        opened.put(fresh.url, fresh, page_html(fresh))
        new_id = rows(path, f"SELECT id FROM pages WHERE url = '{fresh.url}'")[0][0]
        assert isinstance(new_id, int) and isinstance(last, int) and new_id > last
        assert sorted(h.url for h in opened.search("kinh te so")) == sorted(
            p.url for p in pages[:2]
        )
        assert [h.url for h in opened.search("chuyen doi xanh")] == [fresh.url]


def test_ranking_in_two_halves_gives_the_same_hits(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(path) as opened:
        for n in range(40):
            words = "Hội nghị tuyên giáo " * (1 + n % 7)
            page = article(n, words.strip())
            opened.put(page.url, page, page_html(page))
        whole = [(h.url, h.score) for h in opened.search("hoi nghi", limit=15)]
        monkeypatch.setattr(store, "_SPLIT_ABOVE", 0)
        halves = [(h.url, h.score) for h in opened.search("hoi nghi", limit=15)]
        assert halves == whole
        assert len(whole) == 15
        section = opened.search("hoi nghi", limit=5, section="thoi-su")
        assert len(section) == 5


def test_clear_removes_the_dictionaries_too(path: Path) -> None:
    with Store.open(path) as opened:
        for n in range(3):
            page = article(n)
            opened.put(page.url, page, page_html(page))
        assert opened.clear() == 3
        assert rows(path, "SELECT count(*) FROM page_dicts") == [(0,)]
        again = article(5)
        opened.put(again.url, again, page_html(again))
        stored = opened.get(again.url)
        assert stored is not None and stored.html == page_html(again)


def test_a_dictionary_of_a_failed_write_is_never_served_for_another(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A write that fails after its page became a new dictionary is rolled back, and so is
    # the dictionary's id, which the next new dictionary then gets: nothing of the failed
    # one may be kept under that id.
    first = article(1)
    other = dataclasses.replace(article(2, "Chuyển đổi số ở cơ sở"), generation="A")
    encode = Store._encode

    def encode_then_fail(self: Store, db: sqlite3.Connection, row: object) -> object:
        encode(self, db, row)  # type: ignore[arg-type]
        raise sqlite3.OperationalError("disk I/O error")

    with Store.open(path) as opened:
        monkeypatch.setattr(Store, "_encode", encode_then_fail)
        with pytest.raises(store.StoreError):
            opened.put(first.url, first, page_html(first))
        monkeypatch.setattr(Store, "_encode", encode)
        opened.put(other.url, other, page_html(other))
        opened.put(first.url, first, page_html(first))
    with Store.open(path) as again:  # a new process: nothing cached
        for page in (other, first):
            stored = again.get(page.url)
            assert stored is not None and stored.model() == page


def test_a_missing_dictionary_is_a_store_error_not_a_crash(path: Path) -> None:
    with Store.open(path) as opened:
        for n in range(2):
            page = article(n)
            opened.put(page.url, page, page_html(page))
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM page_dicts")
    with Store.open(path) as opened:
        for n in range(2):
            with pytest.raises(store.StoreError, match="damaged"):
                opened.get(article(n).url)


def test_a_schema_1_file_is_migrated_with_its_index(path: Path) -> None:
    # A file as the first version of the store wrote it.
    opened = _sqlite.open_database(path, store._MIGRATIONS[:1])
    conn = opened.conn
    page = article(7, "Kinh tế số")
    parsed = page.to_dict()
    folded = article_text(parsed).folded()
    page_id = conn.execute(
        "INSERT INTO pages (url, final_url, kind, status, fetched_at, checked_at, body, "
        "raw_size, parsed, generation, title, section, section_keys, published) VALUES "
        "(?, ?, 'article', 200, 1.0, 1.0, ?, ?, ?, 'B', ?, 'Thời sự', ' thoi-su ', NULL) "
        "RETURNING id",
        (
            page.url,
            page.url,
            zlib.compress(page_html(page).encode()),
            len(page_html(page).encode()),
            zlib.compress(json.dumps(parsed, ensure_ascii=False).encode()),
            page.title,
        ),
    ).fetchone()[0]
    conn.execute(
        "INSERT INTO pages_fts (rowid, title, sapo, body, captions, url, section) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (page_id, folded.title, folded.sapo, folded.body, folded.captions, page.url, "Thời sự"),
    )
    conn.close()
    with Store.open(path) as migrated:
        assert [h.url for h in migrated.search("kinh te so")] == [page.url]
        stored = migrated.get(page.url)
        assert stored is not None and stored.model() == page
        newer = article(8, "Kinh tế số")
        migrated.put(newer.url, newer, page_html(newer))
        assert len(migrated.search("kinh te so")) == 2
        assert migrated.check() == []
    assert rows(path, "PRAGMA user_version") == [(2,)]
