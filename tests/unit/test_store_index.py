"""The search index's keys and entries on a real SQLite file: many articles of one minute
or without a date, and articles seen only in a list."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tgreader import store
from tgreader.model import Article, Paragraph
from tgreader.store import STORE_FILENAME, Store

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
        key = store._free_doc(conn, None)
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
    assert counts[1] < 1600 // store._DOC_SLOTS // 10
