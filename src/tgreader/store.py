"""The page cache: one SQLite file holding fetched pages, their parse, and a search index.

Pages are keyed by canonical URL. The raw HTML and the parsed JSON are kept
zlib-compressed. Articles are also indexed in an FTS5 table, always in the same
transaction as the page itself, so the index never disagrees with the pages.

Threading: the UI calls a Store from worker threads. Each Store owns one connection,
opened with ``check_same_thread=False`` and guarded by a lock; several Stores (or several
processes) may share one file, WAL mode and a busy timeout keep them from failing with
"database is locked".

Only a fully parsed page can be written (:meth:`Store.put` takes the model): a failed
fetch has nothing to write, so it can never remove or overwrite what is stored.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, NamedTuple, Self, cast

from platformdirs import user_cache_dir

from tgreader import _sqlite
from tgreader.errors import StoreError
from tgreader.model import (
    Article,
    Generation,
    Home,
    Listing,
    article_from_dict,
    home_from_dict,
    listing_from_dict,
)
from tgreader.search import (
    SearchHit,
    article_text,
    build_match_query,
    make_snippet,
    query_phrases,
    section_key,
    url_section_keys,
)

__all__ = [
    "STORE_FILENAME",
    "ArticleRow",
    "PageKind",
    "PageModel",
    "Store",
    "StoreInfo",
    "StoredPage",
    "default_cache_dir",
    "default_store_path",
]

STORE_FILENAME = "pages.sqlite3"
PageKind = Literal["home", "listing", "article"]
PageModel = Article | Listing | Home

_KINDS: tuple[PageKind, ...] = ("home", "listing", "article")
_ZLIB_LEVEL = 6  # HTML shrinks 5-8x at 6; 9 costs about twice the time for ~1% more
# bm25 weights in column order: title, sapo, body, captions, url, section.
_BM25 = "bm25(pages_fts, 10.0, 4.0, 1.0, 2.0, 0.0, 0.0)"
_FRESH_SKEW_S = 60.0  # a checked_at this far in the future is a clock jump, not freshness

_MIGRATIONS: tuple[_sqlite.Migration, ...] = (
    (
        # ``id`` is the rowid the FTS rows are tied to. An explicit INTEGER PRIMARY KEY,
        # because VACUUM may renumber implicit rowids and would unhook the index.
        """
        CREATE TABLE pages (
            id            INTEGER PRIMARY KEY,
            url           TEXT NOT NULL UNIQUE,
            final_url     TEXT NOT NULL,
            kind          TEXT NOT NULL CHECK (kind IN ('home', 'listing', 'article')),
            status        INTEGER NOT NULL,
            etag          TEXT,
            last_modified TEXT,
            fetched_at    REAL NOT NULL,
            checked_at    REAL NOT NULL,
            body          BLOB NOT NULL,
            raw_size      INTEGER NOT NULL,
            parsed        BLOB NOT NULL,
            generation    TEXT NOT NULL,
            title         TEXT,
            section       TEXT,
            section_keys  TEXT NOT NULL DEFAULT ' ',
            published     TEXT
        )
        """,
        "CREATE INDEX pages_final_url ON pages (final_url)",
        "CREATE INDEX pages_kind_published ON pages (kind, published)",
        """
        CREATE VIRTUAL TABLE pages_fts USING fts5 (
            title, sapo, body, captions,
            url UNINDEXED, section UNINDEXED,
            tokenize = 'unicode61 remove_diacritics 2'
        )
        """,
        # Deleting a page always drops its index row, whoever deletes it (even by hand).
        """
        CREATE TRIGGER pages_fts_delete AFTER DELETE ON pages BEGIN
            DELETE FROM pages_fts WHERE rowid = old.id;
        END
        """,
    ),
)

_PAGE_COLUMNS = (
    "url, final_url, kind, status, etag, last_modified, fetched_at, checked_at, body, "
    "parsed, generation"
)


def default_cache_dir() -> Path:
    """The cache folder: ``$TGREADER_CACHE_DIR`` if set, else the platform's user cache."""
    override = os.environ.get("TGREADER_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    return Path(user_cache_dir("tgreader", appauthor=False))


def default_store_path() -> Path:
    """The page cache file inside :func:`default_cache_dir`."""
    return default_cache_dir() / STORE_FILENAME


@dataclass(frozen=True, slots=True)
class StoredPage:
    """A page as stored: the fetch metadata, the raw HTML and the parsed model as a dict."""

    url: str
    final_url: str
    kind: PageKind
    status: int
    etag: str | None
    last_modified: str | None
    fetched_at: float
    checked_at: float
    html: str
    parsed: dict[str, Any]
    generation: str

    def model(self) -> PageModel:
        """The parsed page rebuilt as its model object."""
        # A file written by another version may hold a generation this one does not know.
        known = ("A", "B", "C", "generic")
        generation = cast(Generation, self.generation if self.generation in known else "generic")
        if self.kind == "article":
            return article_from_dict(self.parsed, generation)
        if self.kind == "listing":
            return listing_from_dict(self.parsed, generation)
        return home_from_dict(self.parsed, generation)


class ArticleRow(NamedTuple):
    """A stored article, for lists."""

    url: str
    title: str
    section: str | None
    published: str | None


@dataclass(frozen=True, slots=True)
class StoreInfo:
    """Sizes and counts of a store, for ``tgreader cache info``."""

    path: Path
    file_size: int  # the database file plus its -wal
    counts: dict[str, int]  # pages by kind, every kind present
    oldest: float | None  # fetched_at of the oldest page
    newest: float | None
    raw_bytes: int  # uncompressed HTML
    stored_bytes: int  # the same HTML as stored (compressed)

    @property
    def pages(self) -> int:
        """The number of stored pages."""
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class _Row:
    """A page prepared for writing (compression and folding done outside the lock)."""

    values: dict[str, Any]
    index: tuple[str, str, str, str] | None


def _kind_of(page: PageModel) -> PageKind:
    if isinstance(page, Article):
        return "article"
    if isinstance(page, Listing):
        return "listing"
    if isinstance(page, Home):
        return "home"
    raise TypeError(f"not a parsed page: {type(page).__name__}")


def _compress(text: str) -> tuple[bytes, int]:
    raw = text.encode("utf-8")
    return zlib.compress(raw, _ZLIB_LEVEL), len(raw)


class Store:
    """The page cache. Open with :meth:`Store.open`; safe to share between threads."""

    def __init__(
        self, conn: sqlite3.Connection, path: Path, recovered_from: Path | None = None
    ) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.RLock()
        self.path = path
        #: Where a damaged file was moved when opened with ``recover=True``, else None.
        self.recovered_from = recovered_from

    @classmethod
    def open(cls, path: Path, *, recover: bool = False) -> Store:
        """Open or create the store at ``path``.

        A damaged file raises StoreError, or with ``recover`` is moved aside to
        ``<name>.corrupt-<timestamp>`` and a new store is started (see ``recovered_from``).
        """
        path = Path(path).expanduser()
        opened = _sqlite.open_database(path, _MIGRATIONS, recover=recover)
        return cls(opened.conn, path, opened.recovered_from)

    def close(self) -> None:
        """Close the connection; later calls raise StoreError."""
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
                self._conn = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with self._lock, _sqlite.translate_errors(self.path):
            if self._conn is None:
                raise StoreError(str(self.path), "the store is closed")
            yield self._conn

    # --- reading --------------------------------------------------------------------

    def get(self, url: str) -> StoredPage | None:
        """The page stored under ``url`` (or whose final URL after redirects is ``url``)."""
        with self._db() as db:
            row = db.execute(
                f"SELECT {_PAGE_COLUMNS} FROM pages WHERE url = ?1 OR final_url = ?1 "
                "ORDER BY url = ?1 DESC, fetched_at DESC LIMIT 1",
                (url,),
            ).fetchone()
        if row is None:
            return None
        try:
            html = zlib.decompress(row[8]).decode("utf-8")
            parsed = json.loads(zlib.decompress(row[9]).decode("utf-8"))
        except (zlib.error, UnicodeDecodeError, ValueError) as error:
            raise StoreError(str(self.path), f"{url}: stored page is damaged ({error})") from error
        return StoredPage(
            url=row[0],
            final_url=row[1],
            kind=row[2],
            status=row[3],
            etag=row[4],
            last_modified=row[5],
            fetched_at=row[6],
            checked_at=row[7],
            html=html,
            parsed=parsed,
            generation=row[10],
        )

    def has_fresh(self, url: str, ttl: float, now: float | None = None) -> bool:
        """True when ``url`` is stored and was fetched or confirmed less than ``ttl`` s ago."""
        now = time.time() if now is None else now
        with self._db() as db:
            row = db.execute(
                "SELECT checked_at FROM pages WHERE url = ?1 OR final_url = ?1 "
                "ORDER BY url = ?1 DESC, fetched_at DESC LIMIT 1",
                (url,),
            ).fetchone()
        if row is None:
            return False
        checked_at = float(row[0])
        return now - checked_at < ttl and checked_at <= now + _FRESH_SKEW_S

    def articles(self, section: str | None = None) -> list[ArticleRow]:
        """Stored articles, newest published first; ``section`` is a name, slug or URL."""
        sql = "SELECT url, title, section, published FROM pages WHERE kind = 'article'"
        params: list[Any] = []
        if section is not None:
            sql += " AND instr(section_keys, ?) > 0"
            params.append(f" {section_key(section)} ")
        sql += " ORDER BY published IS NULL, published DESC, fetched_at DESC"
        with self._db() as db:
            rows = db.execute(sql, params).fetchall()
        return [ArticleRow(r[0], r[1] or "", r[2], r[3]) for r in rows]

    def search(self, query: str, *, limit: int = 20, section: str | None = None) -> list[SearchHit]:
        """Stored articles matching ``query``, best first (title weighs most).

        Any text is a valid query: FTS5 operators typed by the user are plain words.
        """
        match = build_match_query(query)
        if match is None or limit <= 0:
            return []
        sql = (
            f"SELECT p.url, p.title, p.section, p.published, p.parsed, {_BM25} AS rank "
            "FROM pages_fts JOIN pages AS p ON p.id = pages_fts.rowid "
            "WHERE pages_fts MATCH ?"
        )
        params: list[Any] = [match]
        if section is not None:
            sql += " AND instr(p.section_keys, ?) > 0"
            params.append(f" {section_key(section)} ")
        sql += " ORDER BY rank LIMIT ?"
        params.append(limit)
        try:
            with self._db() as db:
                rows = db.execute(sql, params).fetchall()
        except StoreError as error:
            # build_match_query quotes everything, so this is a safety net, not a path.
            if error.cause.startswith("fts5:"):
                return []
            raise
        phrases = query_phrases(query)
        hits: list[SearchHit] = []
        spans: tuple[tuple[int, int], ...]
        for url, title, sec, published, parsed_blob, rank in rows:
            try:
                text = article_text(json.loads(zlib.decompress(parsed_blob).decode("utf-8")))
            except (zlib.error, UnicodeDecodeError, ValueError):
                snippet, spans = "", ()
            else:
                fields = (text.sapo, text.body, text.captions, text.title)
                snippet, spans = make_snippet(fields, phrases)
            hits.append(SearchHit(url, title or "", sec, published, snippet, spans, -rank))
        return hits

    def info(self) -> StoreInfo:
        """Counts by kind, age range, and raw versus stored sizes."""
        with self._db() as db:
            counts: dict[str, int] = dict.fromkeys(_KINDS, 0)
            for kind, count in db.execute("SELECT kind, count(*) FROM pages GROUP BY kind"):
                counts[kind] = count
            oldest, newest, raw, stored = db.execute(
                "SELECT min(fetched_at), max(fetched_at), coalesce(sum(raw_size), 0), "
                "coalesce(sum(length(body)), 0) FROM pages"
            ).fetchone()
        size = 0
        for name in (self.path.name, self.path.name + "-wal"):
            with contextlib.suppress(OSError):
                size += (self.path.parent / name).stat().st_size
        return StoreInfo(self.path, size, counts, oldest, newest, raw, stored)

    def check(self) -> list[str]:
        """Problems found by SQLite's integrity check and FTS5's; empty when all is well."""
        with self._db() as db:
            problems = [str(r[0]) for r in db.execute("PRAGMA integrity_check")]
            if problems == ["ok"]:
                problems = []
            try:
                db.execute("INSERT INTO pages_fts (pages_fts) VALUES ('integrity-check')")
            except sqlite3.DatabaseError as error:
                problems.append(f"search index: {error}")
        return problems

    # --- writing --------------------------------------------------------------------

    def put(
        self,
        url: str,
        page: PageModel,
        html: str,
        *,
        final_url: str | None = None,
        status: int = 200,
        etag: str | None = None,
        last_modified: str | None = None,
        fetched_at: float | None = None,
    ) -> None:
        """Store a fetched and parsed page under canonical ``url``, replacing what was there.

        The page row and its search index change together or not at all.
        """
        row = self._prepare(url, page, html, final_url, status, etag, last_modified, fetched_at)
        values = row.values
        with self._db() as db, _sqlite.transaction(db):
            page_id = db.execute(
                """
                INSERT INTO pages (url, final_url, kind, status, etag, last_modified,
                    fetched_at, checked_at, body, raw_size, parsed, generation, title,
                    section, section_keys, published)
                VALUES (:url, :final_url, :kind, :status, :etag, :last_modified,
                    :fetched_at, :fetched_at, :body, :raw_size, :parsed, :generation, :title,
                    :section, :section_keys, :published)
                ON CONFLICT (url) DO UPDATE SET
                    final_url = excluded.final_url, kind = excluded.kind,
                    status = excluded.status, etag = excluded.etag,
                    last_modified = excluded.last_modified, fetched_at = excluded.fetched_at,
                    checked_at = excluded.checked_at, body = excluded.body,
                    raw_size = excluded.raw_size, parsed = excluded.parsed,
                    generation = excluded.generation, title = excluded.title,
                    section = excluded.section, section_keys = excluded.section_keys,
                    published = excluded.published
                RETURNING id
                """,
                values,
            ).fetchone()[0]
            db.execute("DELETE FROM pages_fts WHERE rowid = ?", (page_id,))
            if row.index is not None:
                db.execute(
                    "INSERT INTO pages_fts (rowid, title, sapo, body, captions, url, section) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (page_id, *row.index, url, values["section"]),
                )

    @staticmethod
    def _prepare(
        url: str,
        page: PageModel,
        html: str,
        final_url: str | None,
        status: int,
        etag: str | None,
        last_modified: str | None,
        fetched_at: float | None,
    ) -> _Row:
        kind = _kind_of(page)
        if not url:
            raise ValueError("put needs the page's canonical URL")
        if not 200 <= status < 300:
            # Error pages are never stored: they would replace a good copy.
            raise ValueError(f"{url}: HTTP {status} is not a page to store")
        parsed = page.to_dict()
        body, raw_size = _compress(html)
        parsed_blob, _ = _compress(json.dumps(parsed, ensure_ascii=False, sort_keys=True))
        title: str | None = None
        section: str | None = page.section if not isinstance(page, Home) else None
        published: str | None = None
        index: tuple[str, str, str, str] | None = None
        if isinstance(page, Article):
            title = page.title
            published = page.published.isoformat() if page.published else None
            folded = article_text(parsed).folded()
            index = (folded.title, folded.sapo, folded.body, folded.captions)
        elif isinstance(page, Listing):
            title = page.section
        keys = ([section_key(section)] if section else []) + url_section_keys(url)
        unique = [k for i, k in enumerate(keys) if k and k not in keys[:i]]
        values = {
            "url": url,
            "final_url": final_url or url,
            "kind": kind,
            "status": status,
            "etag": etag,
            "last_modified": last_modified,
            "fetched_at": time.time() if fetched_at is None else fetched_at,
            "body": body,
            "raw_size": raw_size,
            "parsed": parsed_blob,
            "generation": page.generation,
            "title": title,
            "section": section,
            "section_keys": " " + " ".join(unique) + " ",
            "published": published,
        }
        return _Row(values, index)

    def touch(
        self,
        url: str,
        checked_at: float | None = None,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> bool:
        """Record a 304 Not Modified: the stored copy is confirmed fresh at ``checked_at``.

        New validators sent with the 304 replace the old ones. False if ``url`` is not stored.
        """
        checked_at = time.time() if checked_at is None else checked_at
        with self._db() as db, _sqlite.transaction(db):
            cursor = db.execute(
                "UPDATE pages SET checked_at = ?1, etag = coalesce(?2, etag), "
                "last_modified = coalesce(?3, last_modified) WHERE url = ?4 OR final_url = ?4",
                (checked_at, etag, last_modified, url),
            )
            return cursor.rowcount > 0

    def delete(self, url: str) -> bool:
        """Remove the page stored under ``url`` (or with that final URL) and its index entry."""
        with self._db() as db, _sqlite.transaction(db):
            cursor = db.execute("DELETE FROM pages WHERE url = ?1 OR final_url = ?1", (url,))
            return cursor.rowcount > 0

    def clear(self) -> int:
        """Remove every page and the whole index; return how many pages there were."""
        with self._db() as db, _sqlite.transaction(db):
            # Emptying the index first makes the per-row delete trigger a no-op.
            db.execute("DELETE FROM pages_fts")
            return db.execute("DELETE FROM pages").rowcount

    def vacuum(self) -> None:
        """Merge the index, rebuild the file to its smallest size and empty the WAL."""
        with self._db() as db:
            with _sqlite.transaction(db):
                db.execute("INSERT INTO pages_fts (pages_fts) VALUES ('optimize')")
            db.execute("VACUUM")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
