"""The search index's keys and entries on a real SQLite file: many articles of one minute
or without a date, and articles seen only in a list."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tgreader.model import Article, Home, Link, Listing, ListItem, Paragraph, Published
from tgreader.store import STORE_FILENAME, Store
from tgreader.store_index import DOC_SLOTS, free_doc, index_command
from tgreader.text import VN_TZ

SITE = "https://tuyengiao.vn"


def undated(number: int) -> Article:
    return Article(
        url=f"{SITE}/thoi-su/bai-{number}-{200000 + number}",
        section="Thời sự",
        title=f"Bài không ghi ngày số {number}",
        published=None,
        sapo="Tóm tắt.",
        author=None,
        blocks=(Paragraph("Nội dung."),),
    )


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "cache" / STORE_FILENAME


def _lookups_for_a_new_key(path: Path) -> tuple[int, int]:
    """The key the next undated article would get, and how many statements finding it ran."""
    statements: list[str] = []
    conn = sqlite3.connect(path)
    try:
        conn.set_trace_callback(statements.append)
        key = free_doc(conn, None)
    finally:
        conn.close()
    return key, len(statements)


def test_the_key_of_an_undated_article_does_not_cost_per_article_before_it(path: Path) -> None:
    counts: list[int] = []
    with Store.open(path) as opened:
        stored = 0
        for total in (100, 1600):
            for number in range(stored, total):
                page = undated(number)
                opened.put(page.url, page, "<html></html>")
            stored = total
            key, lookups = _lookups_for_a_new_key(path)
            conn = sqlite3.connect(path)
            used = conn.execute("SELECT count(*) FROM pages WHERE doc = ?", (key,)).fetchone()
            conn.close()
            assert used == (0,)
            counts.append(lookups)
    # Sixteen times the articles, a few more lookups (by one stretch per doubling), where
    # one lookup per eight articles made it 200 from 13.
    assert counts[1] <= counts[0] + 5, counts
    assert counts[1] < 1600 // DOC_SLOTS // 10


def _listing(*items: ListItem) -> Listing:
    return Listing(url=f"{SITE}/thoi-su", section="Thời sự", page=1, next=None, articles=items)


def _item(number: int, title: str, sapo: str) -> ListItem:
    when = Published(datetime(2024, 6, number, 9, 0, tzinfo=VN_TZ))
    return ListItem(title=title, url=f"{SITE}/thoi-su/bai-{number}-{300000 + number}",
                    published=when, sapo=sapo)  # fmt: skip


def _index_rows(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM search_index_docsize").fetchone()[0])
    finally:
        conn.close()


def test_an_article_seen_only_in_a_list_is_found_by_its_title_and_sapo(path: Path) -> None:
    meeting = _item(3, "Hội nghị báo cáo viên tháng 6", "Sáng nay, tỉnh tổ chức hội nghị.")
    other = _item(4, "Tập huấn chuyển đổi số", "Cán bộ cơ sở được tập huấn.")
    with Store.open(path) as opened:
        opened.put(f"{SITE}/thoi-su", _listing(meeting, other), "<html></html>")
        hits = opened.search("hội nghị")
        assert [(h.url, h.fetched) for h in hits] == [(meeting.url, False)]
        assert hits[0].title == meeting.title and hits[0].published is not None
        assert "hội nghị" in hits[0].snippet and hits[0].highlights
        assert [h.url for h in opened.search("tap huan", section="thoi-su")] == [other.url]
        assert opened.search("tap huan", section="kinh-te") == []
        # The same listing stored again adds nothing.
        opened.put(f"{SITE}/thoi-su", _listing(meeting, other), "<html></html>")
        assert _index_rows(path) == 2


def test_fetching_a_listed_article_completes_its_entry(path: Path) -> None:
    item = _item(5, "Hội nghị báo cáo viên tháng 6", "Tóm tắt trong danh sách.")
    with Store.open(path) as opened:
        opened.put(f"{SITE}/thoi-su", _listing(item), "<html></html>")
        article = Article(
            url=item.url, section="Thời sự", title=item.title, published=item.published,
            sapo="Tóm tắt của bài.", author=None, blocks=(Paragraph("Toàn văn bài viết."),),
        )  # fmt: skip
        opened.put(article.url, article, "<html></html>")
        hits = opened.search("hoi nghi")
        assert [(h.url, h.fetched) for h in hits] == [(item.url, True)]
        assert [h.url for h in opened.search("toan van")] == [item.url]
        assert opened.search("danh sach") == []  # the list's sapo is gone with its entry
        assert _index_rows(path) == 1  # its listed row left the index too
        # Listed again later, a stored article is not listed a second time.
        opened.put(f"{SITE}/thoi-su", _listing(item), "<html></html>")
        assert _index_rows(path) == 1
        assert opened.check() == []


def test_a_redirected_article_is_one_hit_under_either_of_its_urls(path: Path) -> None:
    # Stored under the URL a list links to, it ended at another; a list linking to that
    # other URL (before the fetch or after it) is the same article, not a second hit.
    old = _item(6, "Tập huấn chuyển đổi số", "Tóm tắt trong danh sách.")
    new = ListItem(old.title, f"{SITE}/blogs/tap-huan-chuyen-doi-so-6805b7a1", old.published)
    article = Article(
        url=new.url, section="Thời sự", title=old.title, published=old.published,
        sapo="Tóm tắt của bài.", author=None, blocks=(Paragraph("Toàn văn bài viết."),),
    )  # fmt: skip
    with Store.open(path) as opened:
        opened.put(f"{SITE}/kinh-te", _listing(new), "<html></html>")  # listed first
        opened.put(old.url, article, "<html></html>", final_url=new.url)
        opened.put(f"{SITE}/thoi-su", _listing(old, new), "<html></html>")  # listed after
        hits = opened.search("chuyen doi so")
        assert [(h.url, h.fetched) for h in hits] == [(old.url, True)]
        assert _index_rows(path) == 1
        assert opened.check() == []


def test_listed_articles_survive_a_vacuum(path: Path) -> None:
    item = _item(6, "Hội nghị báo cáo viên tháng 6", "Tóm tắt.")
    with Store.open(path) as opened:
        opened.put(f"{SITE}/thoi-su", _listing(item), "<html></html>")
        page = undated(1)
        opened.put(page.url, page, "<html></html>")
        opened.put(page.url, page, "<html></html>")  # leaves a row behind for the vacuum
        opened.vacuum()
        assert [(h.url, h.fetched) for h in opened.search("hoi nghi")] == [(item.url, False)]
        assert _index_rows(path) == 2
        assert opened.check() == []


def test_an_article_linked_only_from_the_home_page_is_found(path: Path) -> None:
    meeting = Link("Hội nghị báo cáo viên tháng 6", f"{SITE}/thoi-su/bai-9-300009")
    section = Link("Thời sự", f"{SITE}/thoi-su")  # a section, not an article: not indexed
    home = Home(f"{SITE}/", (), (meeting, section))
    with Store.open(path) as opened:
        opened.put(f"{SITE}/", home, "<html></html>")
        hits = opened.search("hoi nghi bao cao vien")
        assert [(h.url, h.fetched, h.title) for h in hits] == [(meeting.url, False, meeting.title)]
        assert opened.search("thoi su") == []
        assert _index_rows(path) == 1


def _dated(number: int, title: str, body: str) -> Article:
    return Article(
        url=f"{SITE}/thoi-su/bai-{number}-{400000 + number}",
        section="Thời sự",
        title=title,
        published=Published(datetime(2024, 1, 1, tzinfo=VN_TZ) + timedelta(days=number)),
        sapo="",
        author=None,
        blocks=(Paragraph(body),),
    )  # fmt: skip


def test_an_old_match_as_typed_ranks_above_many_newer_folded_ones(path: Path) -> None:
    # One old article holds "đang"; the 300 newer ones hold only "Đảng", which folds the
    # same: the exact index is read past them, a batch at a time.
    with Store.open(path) as opened:
        old = _dated(0, "Tin cũ", "Mọi việc đang tiến triển tốt.")
        opened.put(old.url, old, "<html></html>")
        for number in range(1, 301):
            page = _dated(number, f"Tin số {number}", "Nghị quyết của Đảng được quán triệt.")
            opened.put(page.url, page, "<html></html>")
        assert opened.search("đang", limit=1)[0].url == old.url
        newest = _dated(300, "", "")
        assert opened.search("dang", limit=1)[0].url == newest.url  # no diacritics typed
        # Typed with diacritics no article has: the folded matches, newest first.
        assert opened.search("đăng", limit=1)[0].url == newest.url
        found = [hit.url for hit in opened.search("đảng", limit=500)]
        assert len(found) == 301 and found[-1] == old.url


def test_an_older_store_is_indexed_again_with_its_listed_articles(path: Path) -> None:
    listed = _item(7, "Hội nghị báo cáo viên tháng 6", "Tóm tắt trong danh sách.")
    stored = _dated(3, "Chuyển đổi số ở cơ sở", "Đang triển khai.")
    gone = _item(8, "Bài sẽ được tải", "Tóm tắt.")
    with Store.open(path) as opened:
        opened.put(f"{SITE}/thoi-su", _listing(listed, gone), "<html></html>")
        opened.put(stored.url, stored, "<html></html>")
    # As a store of schema 6 is left by the migration: both indexes empty, a rebuild due.
    conn = sqlite3.connect(path)
    with conn:
        index_command(conn, "delete-all")
        conn.execute("INSERT INTO index_rebuild (reached) VALUES (-1)")
    conn.close()
    told: list[tuple[int, int]] = []
    with Store.open(path, on_reindex=lambda *seen: told.append(seen)) as opened:
        assert told[-1] == (told[-1][1], told[-1][1])
        assert [h.url for h in opened.search("hội nghị")] == [listed.url]
        assert [h.url for h in opened.search("đang")] == [stored.url]
        fetched = Article(
            url=gone.url, section="Thời sự", title=gone.title, published=gone.published,
            sapo="", author=None, blocks=(Paragraph("Toàn văn."),),
        )  # fmt: skip
        opened.put(fetched.url, fetched, "<html></html>")
        assert [h.fetched for h in opened.search("bai se duoc tai")] == [True]
        assert opened.check() == []
    assert _index_rows(path) == 3


def test_a_listed_article_fetched_before_the_rebuild_reached_it_leaves_no_trace(
    path: Path,
) -> None:
    item = _item(9, "Tin trong danh sách", "Tóm tắt.")
    with Store.open(path) as opened:
        opened.put(f"{SITE}/thoi-su", _listing(item), "<html></html>")
    conn = sqlite3.connect(path)
    with conn:  # its index rows gone, as in a rebuild that has not reached the listed yet
        index_command(conn, "delete-all")
    conn.close()
    with Store.open(path) as opened:
        article = Article(
            url=item.url, section="Thời sự", title=item.title, published=item.published,
            sapo="", author=None, blocks=(Paragraph("Nội dung."),),
        )  # fmt: skip
        opened.put(article.url, article, "<html></html>")
        assert opened.check() == []
        assert [h.url for h in opened.search("danh sach")] == [item.url]
