"""Schemas 2 and 3 of the page store: pages compressed against per-kind dictionaries, a
contentless search index whose rows of replaced pages are never seen, index keys in
publication order and the ranking of a query's most recent matches first, and the migration
of schema 1 and 2 files."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
import zlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tgreader import _sqlite, store_codec, store_index
from tgreader.errors import StoreError
from tgreader.model import Article, Image, Link, Paragraph, Published
from tgreader.search import article_text
from tgreader.store import STORE_FILENAME, Store
from tgreader.store_codec import SharedDict
from tgreader.store_index import DOC_EPOCH
from tgreader.store_schema import BY_URL, MIGRATIONS
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
        f"<p>{b.text}</p>" if isinstance(b, Paragraph) else f'<img src="{getattr(b, "src", "")}">'
        for b in page.blocks
    )
    return f"<html><body>{FURNITURE}<h1>{page.title}</h1><p>{page.sapo}</p>{body}{FOOTER}</html>"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "cache" / STORE_FILENAME


def old_page_row(conn: sqlite3.Connection, page: Article, *, published: str | None) -> int:
    """Write ``page`` as the first two schemas did (plain zlib, no dictionary); its id."""
    html = page_html(page).encode()
    parsed = json.dumps(page.to_dict(), ensure_ascii=False).encode()
    page_id = conn.execute(
        "INSERT INTO pages (url, final_url, kind, status, fetched_at, checked_at, body, "
        "raw_size, parsed, generation, title, section, section_keys, published) VALUES "
        "(?, ?, 'article', 200, 1.0, 1.0, ?, ?, ?, 'B', ?, 'Thời sự', ' thoi-su ', ?) "
        "RETURNING id",
        (page.url, page.url, zlib.compress(html), len(html), zlib.compress(parsed), page.title,
         published),
    ).fetchone()[0]  # fmt: skip
    assert isinstance(page_id, int)
    return page_id


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
    monkeypatch.setattr(store_codec, "_DICT_PATIENCE", 2)
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


def test_keys_of_deleted_articles_are_never_given_again(path: Path) -> None:
    # Articles published in the same minute share its slots.
    pages = [
        dataclasses.replace(article(n, "Kinh tế số"), published=article(0).published)
        for n in range(3)
    ]
    with Store.open(path) as opened:
        for page in pages:
            opened.put(page.url, page, page_html(page))
        last = rows(path, "SELECT max(doc) FROM pages")[0][0]
        with sqlite3.connect(path) as conn:  # by hand, behind the store's back
            conn.execute("DELETE FROM pages WHERE doc = ?", (last,))
        fresh = dataclasses.replace(article(9, "Chuyển đổi xanh"), published=pages[0].published)
        opened.put(fresh.url, fresh, page_html(fresh))
        new_doc = rows(path, f"SELECT doc FROM pages WHERE url = '{fresh.url}'")[0][0]
        assert isinstance(new_doc, int) and isinstance(last, int) and new_doc > last
        assert sorted(h.url for h in opened.search("kinh te so")) == sorted(
            p.url for p in pages[:2]
        )
        assert [h.url for h in opened.search("chuyen doi xanh")] == [fresh.url]


def test_index_keys_follow_the_publication_time(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_index, "DOC_SLOTS", 2)  # a minute's slots run out at the third
    day = datetime(2024, 5, 1, 8, 0, tzinfo=VN_TZ)
    stamps = [day + timedelta(days=d) for d in (3, 0, 2, 0, 0, 1)]
    pages = [
        dataclasses.replace(article(n), published=Published(when)) for n, when in enumerate(stamps)
    ]
    undated = dataclasses.replace(article(20), published=None)
    with Store.open(path) as opened:
        for page in [*pages, undated]:
            opened.put(page.url, page, page_html(page))
        keyed = {
            str(u): int(str(d))
            for u, d in rows(path, "SELECT url, doc FROM pages WHERE kind = 'article'")
        }
        # Newest last; the undated one before every dated one; three articles of one
        # minute in the order they came, the third in the next minute's slots.
        order = sorted(keyed, key=keyed.__getitem__)
        by_time = [undated, pages[1], pages[3], pages[4], pages[5], pages[2], pages[0]]
        assert order == [p.url for p in by_time]
        assert len(set(keyed.values())) == len(keyed)
        first = (int(day.timestamp()) - DOC_EPOCH) // 60 * 2
        assert [keyed[pages[i].url] for i in (1, 3, 4)] == [first, first + 1, first + 2]
        # A vacuum that rebuilds the index keys them again, in the same order.
        with sqlite3.connect(path) as conn:
            conn.execute("DELETE FROM pages WHERE url = ?", (pages[5].url,))
        opened.vacuum()
        again = {
            str(u): int(str(d))
            for u, d in rows(path, "SELECT url, doc FROM pages WHERE kind = 'article'")
        }
        assert sorted(again, key=again.__getitem__) == [p.url for p in by_time if p is not pages[5]]
        assert rows(path, "SELECT count(*) FROM search_index_docsize") == [(len(again),)]


def _scored(n: int) -> Article:
    """Article ``n``, published on day ``n``, with ``1 + n * 5 % 7`` mentions of the
    query: scores that do not follow the dates."""
    words = "Hội nghị tuyên giáo " * (1 + n * 5 % 7)
    page = article(n, words.strip())
    when = datetime(2024, 1, 1, 9, 0, tzinfo=VN_TZ) + timedelta(days=n)
    return dataclasses.replace(page, published=Published(when))


def test_a_broad_query_ranks_its_newest_matches_first(path: Path) -> None:
    # Every article holds the query in its title, as often as it may: within that kind of
    # match the newest come first, however many times the others say it.
    pages = [_scored(n) for n in range(14)]
    other = dataclasses.replace(article(30, "Kinh tế số"), published=pages[-1].published)
    with Store.open(path) as opened:
        for page in [*pages, other]:
            opened.put(page.url, page, page_html(page))
        hits = opened.search("hoi nghi", limit=50)
        assert [h.url for h in hits] == [p.url for p in reversed(pages)]
        assert len({h.score for h in hits}) == 1
        # Pages of three give the same list.
        paged = [
            h.url for o in range(0, 15, 3) for h in opened.search("hoi nghi", limit=3, offset=o)
        ]
        assert paged == [h.url for h in hits]
        few = opened.search("kinh te so", limit=50)
        assert [h.url for h in few] == [other.url]


def test_rows_left_behind_never_take_a_place_among_the_hits(path: Path) -> None:
    pages = [_scored(n) for n in range(10)]
    with Store.open(path) as opened:
        for page in pages:
            opened.put(page.url, page, page_html(page))
        # Two of the newest rewritten without the words: their old rows stay in the index.
        for page in (pages[9], pages[7]):
            gone = dataclasses.replace(
                page, title="Bài khác", sapo=None, blocks=(Paragraph("Khác."),)
            )
            opened.put(page.url, gone, page_html(gone))
        matching = [p.url for p in pages if p not in (pages[9], pages[7])]
        whole = [h.url for h in opened.search("hoi nghi", limit=50)]
        assert sorted(whole) == sorted(matching)
        for size in (1, 2, 3):
            paged = [
                h.url
                for o in range(0, 10, size)
                for h in opened.search("hoi nghi", limit=size, offset=o)
            ]
            assert paged == whole, size
        assert whole == [p.url for p in reversed(pages) if p.url in matching]
        in_section = opened.search("hoi nghi", limit=50, section="thoi-su")
        assert sorted(h.url for h in in_section) == sorted(whole)
        opened.vacuum()
        assert [h.url for h in opened.search("hoi nghi", limit=50)] == [
            h.url for h in opened.search("hoi nghi", limit=50, section="thoi-su")
        ]
        assert opened.search("hoi nghi", limit=50, section="kinh-te") == []


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
    encode = store_codec.Codec.encode

    def encode_then_fail(
        self: store_codec.Codec, db: sqlite3.Connection, row: store_codec.PreparedRow
    ) -> object:
        encode(self, db, row)
        raise sqlite3.OperationalError("disk I/O error")

    with Store.open(path) as opened:
        monkeypatch.setattr(store_codec.Codec, "encode", encode_then_fail)
        with pytest.raises(StoreError):
            opened.put(first.url, first, page_html(first))
        monkeypatch.setattr(store_codec.Codec, "encode", encode)
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
            with pytest.raises(StoreError, match="damaged"):
                opened.get(article(n).url)


def test_a_schema_1_file_is_migrated_with_its_index(path: Path) -> None:
    # A file as the first version of the store wrote it.
    opened = _sqlite.open_database(path, MIGRATIONS[:1])
    conn = opened.conn
    page = article(7, "Kinh tế số")
    page_id = old_page_row(conn, page, published=None)
    folded = article_text(page.to_dict()).folded()
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
    assert rows(path, "PRAGMA user_version") == [(7,)]


def test_a_schema_2_file_is_indexed_again_in_publication_order(path: Path) -> None:
    # A file as the second version of the store wrote it: index rows keyed by page id,
    # pages in the order they were fetched (newest first, as a sync reads a listing).
    opened = _sqlite.open_database(path, MIGRATIONS[:2])
    conn = opened.conn
    pages = [article(n, "Kinh tế số") for n in (5, 3, 1)]
    for page in pages:
        assert page.published is not None
        page_id = old_page_row(conn, page, published=page.published.isoformat())
        folded = article_text(page.to_dict()).folded()
        conn.execute(
            "INSERT INTO search_index (rowid, title, sapo, body, captions) VALUES (?, ?, ?, ?, ?)",
            (page_id, folded.title, folded.sapo, folded.body, folded.captions),
        )
    conn.close()
    told: list[tuple[int, int]] = []
    with Store.open(path, on_reindex=lambda *seen: told.append(seen)) as migrated:
        assert sorted(h.url for h in migrated.search("kinh te so")) == sorted(p.url for p in pages)
        assert migrated.check() == []
    assert told == [(0, 3), (3, 3)]
    with Store.open(path, on_reindex=lambda *seen: told.append(seen)):
        pass
    assert told == [(0, 3), (3, 3)]  # once
    assert rows(path, "PRAGMA user_version") == [(7,)]
    keyed = rows(path, "SELECT url FROM pages ORDER BY doc")
    assert [url for (url,) in keyed] == [p.url for p in reversed(pages)]
    assert rows(path, "SELECT count(*) FROM search_index_docsize") == [(3,)]
    assert rows(path, "SELECT count(*) FROM pages_fts") == [(3,)]


def test_a_new_dictionary_is_kept_against_the_first_when_that_is_smaller(path: Path) -> None:
    # Another generation of article gets its own dictionary; the site's furniture is the
    # same, so it is kept compressed against the first.
    first = article(1)
    other = dataclasses.replace(article(2, "Chuyển đổi số ở cơ sở"), generation="A")
    with Store.open(path) as opened:
        opened.put(first.url, first, page_html(first))
        opened.put(other.url, other, page_html(other))
    (root, _), (second, base) = rows(path, "SELECT id, base FROM page_dicts ORDER BY id")
    assert base == root and second != root
    plain = len(zlib.compress(page_html(other).encode("utf-8"), 9))
    kept = rows(path, f"SELECT length(html) FROM page_dicts WHERE id = {second}")[0][0]
    assert isinstance(kept, int) and kept < plain / 2
    with Store.open(path) as again:  # a new process: nothing cached
        for page in (first, other):
            stored = again.get(page.url)
            assert stored is not None and stored.model() == page
            assert stored.html == page_html(page)


def test_a_dictionary_whose_base_is_not_older_is_damage_not_a_hang(path: Path) -> None:
    first = article(1)
    other = dataclasses.replace(article(2), generation="A")
    with Store.open(path) as opened:
        opened.put(first.url, first, page_html(first))
        opened.put(other.url, other, page_html(other))
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE page_dicts SET base = id WHERE base IS NOT NULL")
    with Store.open(path) as opened:
        with pytest.raises(StoreError, match="damaged"):
            opened.get(other.url)
        stored = opened.get(first.url)
        assert stored is not None and stored.model() == first


def test_lookups_by_url_use_the_indexes(path: Path) -> None:
    # Only redirected pages are in the index of final URLs; a lookup by URL must still
    # find them without reading the whole table.
    with Store.open(path) as opened:
        page = article(1)
        opened.put(page.url, page, page_html(page), final_url=page.url + "-moved")
        assert opened.get(page.url + "-moved") is not None
        assert opened.touch(page.url + "-moved")
    with sqlite3.connect(path) as conn:
        for sql in (
            f"SELECT url FROM pages WHERE {BY_URL}",
            f"UPDATE pages SET checked_at = 1 WHERE {BY_URL}",
        ):
            plan = " ".join(str(r[3]) for r in conn.execute("EXPLAIN QUERY PLAN " + sql, ("x",)))
            assert "SCAN pages" not in plan and "pages_redirected" in plan, plan


def test_vacuum_turns_auto_vacuum_on_for_an_older_file(path: Path) -> None:
    with Store.open(path) as opened:
        page = article(1)
        opened.put(page.url, page, page_html(page))
    assert rows(path, "PRAGMA auto_vacuum") == [(1,)]  # a new file has it
    with sqlite3.connect(path) as conn:  # as older versions made files
        conn.execute("PRAGMA auto_vacuum = NONE")
        conn.execute("VACUUM")
    assert rows(path, "PRAGMA auto_vacuum") == [(0,)]
    with Store.open(path) as opened:
        opened.vacuum()
        assert opened.get(page.url) is not None
    assert rows(path, "PRAGMA auto_vacuum") == [(1,)]


def test_opening_and_reading_a_store_writes_nothing(path: Path) -> None:
    # (Asking an existing file for auto-vacuum rewrote its header at every open.)
    page = article(1, "Kinh tế số")
    with Store.open(path) as opened:
        opened.put(page.url, page, page_html(page))
    before = path.read_bytes()
    with Store.open(path) as opened:
        assert opened.get(page.url) is not None
        assert [h.url for h in opened.search("kinh te so")] == [page.url]
        wal = path.with_name(path.name + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0
    assert path.read_bytes() == before


def test_a_dictionary_keeps_the_furniture_when_the_head_repeats_the_text() -> None:
    # The meta description repeats the first paragraph: the text cut out of the
    # dictionary is the body's, never everything from the head on (menu included).
    page = article(1, "Hội nghị giao ban công tác tuyên giáo toàn quốc")
    first = page.blocks[0].text  # type: ignore[union-attr]
    html = page_html(page).replace(
        "<html>", f'<html><head><meta name="description" content="{first}"></head>', 1
    )
    skeleton, split = SharedDict.layout(html.encode("utf-8"), page.to_dict())
    assert FURNITURE.encode("utf-8") in skeleton[:split]
    assert first.encode("utf-8") in skeleton[:split]  # the head's copy stays
    assert first.encode("utf-8") not in skeleton[split:]
