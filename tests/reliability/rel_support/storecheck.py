"""Checks that a store file is whole: SQLite's and FTS5's own checks, and every page
holding exactly what the parser makes of its HTML (so no page is half written)."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from tgreader.model import Article, Home, Listing
from tgreader.parse import parse_article, parse_home, parse_listing
from tgreader.store import Store
from tgreader.urls import Site

__all__ = ["whole_store"]

_PARSERS: dict[str, Callable[..., Article | Listing | Home]] = {
    "article": parse_article,
    "listing": parse_listing,
    "home": parse_home,
}


def whole_store(path: Path, site: Site) -> Counter[str]:
    """Fail unless the store at ``path`` is whole; return its pages counted by kind."""
    conn = sqlite3.connect(path, timeout=10)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rows = conn.execute("SELECT url, kind, raw_size FROM pages").fetchall()
        # pages_fts lists the index rows of stored pages (a table or a view, by schema).
        indexed = {url for (url,) in conn.execute("SELECT url FROM pages_fts")}
    finally:
        conn.close()
    kinds: Counter[str] = Counter()
    with Store.open(path) as store:
        assert store.check() == []
        for url, kind, raw_size in rows:
            page = store.get(url)
            assert page is not None and page.kind == kind, url
            assert len(page.html.encode("utf-8")) == raw_size, url
            reparsed = _PARSERS[kind](page.html, page.final_url, site).to_dict()
            assert reparsed == page.parsed, url
            assert page.status == 200, url
            kinds[kind] += 1
    articles = {url for url, kind, _ in rows if kind == "article"}
    assert indexed == articles
    return kinds
