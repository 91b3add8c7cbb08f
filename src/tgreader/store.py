"""The page cache: one SQLite file holding fetched pages, their parse, and a search index.

Pages are keyed by canonical URL. The raw HTML and the parsed JSON are kept
zlib-compressed. Articles are also indexed in an FTS5 table, always in the same
transaction as the page itself, so the index never disagrees with the pages.

Size (schema 2): pages of one kind and generation share most of their HTML (header, menu,
sidebars, footer), and a page's text is also in its parse. So a page is compressed against
a dictionary (``page_dicts``: an earlier page of its kind and generation without its own
text, with the page's own parse where that text stood, so that each part lies about as far
back as zlib's 32 KB window allows), and ``pages.dict`` names the dictionary (NULL: plain
zlib). Pages of other kinds share the furniture too: a dictionary is itself kept
compressed against an older one, ``page_dicts.base``, when that is smaller (schema 3; a
base is always kept plain). Read pages through :meth:`Store.get`, never by decompressing
columns by hand.
The search index is contentless: it keeps no copy of the (folded) text, only the index.
Since such an index cannot drop a row without being given its text again, a page whose
words are indexed is never re-indexed under the same key: a replaced or deleted article
leaves its index row behind under a key that is never used again, every query joins the
pages (so such rows are never seen), and :meth:`Store.vacuum` rebuilds the index without
them. The view ``pages_fts`` lists the index rows of stored pages, for inspection.

Search keys (schema 3): an article's row in the index has the key ``pages.doc``, made from
its publication time (:func:`_doc_base`), so the index's own order is newest last: the
newest matches of a query are found by reading the end of each word's list, not every
match of the archive (see :meth:`Store.search`).

Schema 4: each field is indexed twice, folded and with its diacritics (see _MIGRATIONS).

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
import re
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple, Self, cast

from platformdirs import user_cache_dir

from tgreader import _sqlite
from tgreader.errors import StoreError
from tgreader.model import (
    Article,
    Generation,
    Home,
    Listing,
    ListItem,
    article_from_dict,
    home_from_dict,
    listing_from_dict,
)
from tgreader.search import (
    EXACT_COLUMNS,
    FOLDED_COLUMNS,
    ArticleText,
    SearchHit,
    article_text,
    make_snippet,
    query_phrases,
    ranking_tiers,
    section_key,
    url_section_keys,
)
from tgreader.telex import decode_query
from tgreader.text import VN_TZ
from tgreader.urls import page_kind

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
_ZLIB_LEVEL = 6  # 9 saves under 1 % more and takes 20 % longer, with a dictionary or not
# zlib refers back at most 32 KB, from the end of the dictionary: a dictionary of about
# a page's size lets every part of the page reach its counterpart.
_DICT_SIZE = 30_000
# A page compressed to more than this share of its size is poorly served by its dictionary
# (plain zlib gives 0.3 on a small page, a fitting dictionary 0.02-0.06); after
# _DICT_PATIENCE such pages in a row, the next one becomes its kind's new dictionary (the
# site's look changed).
_DICT_POOR = 0.2
_DICT_PATIENCE = 16
# Index keys per minute of publication time since _DOC_EPOCH (see _doc_base). The site
# gives minutes. Small keys close together keep the index small: it stores a key as the
# distance from the one before, or whole at the start of a list, in 7-bit bytes (four up
# to 2**28, which these reach in 2063).
_DOC_SLOTS = 8
_DOC_EPOCH = int(datetime(2000, 1, 1, tzinfo=VN_TZ).timestamp())
# The index's columns, in the order of ArticleText.index_fields().
_INDEX_COLUMNS = ", ".join((*FOLDED_COLUMNS, *EXACT_COLUMNS))
_INDEX_INSERT = f"INSERT INTO search_index (rowid, {_INDEX_COLUMNS}) VALUES (?{', ?' * 8})"
# A reindex commits (and reports progress) after this many articles.
_REINDEX_BATCH = 2000
_BODY_TAG = re.compile(r"<body[\s>]", re.IGNORECASE)
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
    (
        # Schema 2: compression dictionaries, and a contentless index (see the module doc).
        """
        CREATE TABLE page_dicts (
            -- AUTOINCREMENT: an id is never reused, so a cached dictionary is never stale.
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            kind        TEXT NOT NULL,
            generation  TEXT NOT NULL,
            html        BLOB NOT NULL,  -- the page without its own text
            split       INTEGER NOT NULL,  -- where that text stood (-1: not found)
            parsed      BLOB NOT NULL
        )
        """,
        "ALTER TABLE pages ADD COLUMN dict INTEGER REFERENCES page_dicts (id)",
        """
        CREATE VIRTUAL TABLE search_index USING fts5 (
            title, sapo, body, captions,
            content = '',
            tokenize = 'unicode61 remove_diacritics 2'
        )
        """,
        "INSERT INTO search_index (rowid, title, sapo, body, captions) "
        "SELECT rowid, title, sapo, body, captions FROM pages_fts",
        "DROP TRIGGER pages_fts_delete",
        "DROP TABLE pages_fts",
        """
        CREATE VIEW pages_fts (rowid, title, sapo, body, captions, url, section) AS
            SELECT i.rowid, p.title, NULL, NULL, NULL, p.url, p.section
            FROM search_index AS i JOIN pages AS p ON p.id = i.rowid
        """,
    ),
    (
        # Schema 3: index keys in publication order (see the module doc). The index is
        # emptied here and rebuilt under the new keys when the store is opened
        # (Store._index_new), where the articles' parses can be read.
        "ALTER TABLE pages ADD COLUMN doc INTEGER",
        "CREATE UNIQUE INDEX pages_doc ON pages (doc)",
        # A dictionary compressed against another (NULL: plain zlib), see Store._encode.
        "ALTER TABLE page_dicts ADD COLUMN base INTEGER REFERENCES page_dicts (id)",
        # Most pages are stored under the URL they were fetched at: index only the others.
        "DROP INDEX pages_final_url",
        "CREATE INDEX pages_redirected ON pages (final_url) WHERE final_url <> url",
        "INSERT INTO search_index (search_index) VALUES ('delete-all')",
        "DROP VIEW pages_fts",
        """
        CREATE VIEW pages_fts (rowid, title, sapo, body, captions, url, section) AS
            SELECT i.rowid, p.title, NULL, NULL, NULL, p.url, p.section
            FROM search_index AS i JOIN pages AS p ON p.doc = i.rowid
        """,
    ),
    (
        # Schema 4: the origin a page was fetched through (a --site mirror, the demo
        # server); NULL for pages stored before, whose origin is not known.
        "ALTER TABLE pages ADD COLUMN origin TEXT",
    ),
    (
        # Schema 5: the index holds each field twice, folded and with its diacritics
        # (search.exact_for_index), so a query typed with diacritics ranks the articles
        # holding them as typed first. Its tokenizer keeps diacritics: the folded columns
        # are given folded text. The articles keep their keys and are indexed again when
        # the store is opened (Store._index_new), a batch at a time, from the lowest key:
        # index_rebuild holds the key reached, and goes when all are done.
        "DROP VIEW pages_fts",
        "DROP TABLE search_index",
        """
        CREATE VIRTUAL TABLE search_index USING fts5 (
            title, sapo, body, captions, xtitle, xsapo, xbody, xcaptions,
            content = '',
            tokenize = 'unicode61 remove_diacritics 0'
        )
        """,
        "CREATE TABLE index_rebuild (reached INTEGER NOT NULL)",
        "INSERT INTO index_rebuild (reached) VALUES (-1)",
        """
        CREATE VIEW pages_fts (rowid, title, sapo, body, captions, url, section) AS
            SELECT i.rowid, p.title, NULL, NULL, NULL, p.url, p.section
            FROM search_index AS i JOIN pages AS p ON p.doc = i.rowid
        """,
    ),
    (
        # Schema 6: articles seen in a listing but not fetched, found by their title and sapo
        # until they are (Store._list_items); ``doc`` is their key in the index, as pages.doc.
        """
        CREATE TABLE listed (
            doc           INTEGER PRIMARY KEY,
            url           TEXT NOT NULL UNIQUE,
            title         TEXT NOT NULL,
            sapo          TEXT NOT NULL,
            section       TEXT,
            section_keys  TEXT NOT NULL,
            published     TEXT
        )
        """,
    ),
)

# The pages stored under a URL (?1) or redirected to it. The second half names the
# condition of the partial index pages_redirected, so SQLite can use it.
_BY_URL = "(url = ?1 OR (final_url = ?1 AND final_url <> url))"

# The articles that have no search key yet (a store from before schema 3).
_UNKEYED = "doc IS NULL AND kind = 'article'"

_PAGE_COLUMNS = (
    "url, final_url, kind, status, etag, last_modified, fetched_at, checked_at, body, "
    "parsed, generation, dict, origin"
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


class StoredPage(NamedTuple):
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
    origin: str | None = None  # fetched through (scheme://host:port); None: not known

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


class StoreInfo(NamedTuple):
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


class _Row(NamedTuple):
    """A page prepared for writing (encoding and folding done outside the lock); its HTML
    and parse are compressed inside it, against its kind's current dictionary."""

    values: dict[str, Any]
    fts: tuple[str, ...] | None  # the search index's columns
    html: bytes
    parsed: bytes  # the parse as JSON
    parsed_dict: dict[str, Any]


class _Dict(NamedTuple):
    """A compression dictionary: a page's HTML without its own text, where that text stood
    (-1: not found), and the page's parse as JSON."""

    id: int
    html: bytes
    split: int
    parsed: bytes

    def for_html(self, parsed_json: bytes) -> bytes:
        """The dictionary for the HTML of a page whose parse is ``parsed_json``: its own text
        where this page's text stood, so both lie as far back as their counterparts."""
        if self.split < 0:
            return (self.html + parsed_json)[-_DICT_SIZE:]
        return (self.html[: self.split] + parsed_json + self.html[self.split :])[:_DICT_SIZE]

    @staticmethod
    def layout(html: bytes, parsed: dict[str, Any]) -> tuple[bytes, int]:
        """``html`` without the span holding the page's own text, and where it stood."""
        texts = [
            str(item.get("text") or item.get("caption") or item.get("title") or "")
            for item in (parsed.get("blocks") or parsed.get("articles") or ())
            if isinstance(item, dict)
        ]
        texts = [t for t in texts if len(t) >= 20]
        page = html.decode("utf-8", "replace")
        # In the body: the head's meta description often repeats the first paragraph, and
        # cutting from there would take the menu out of the dictionary with the text.
        body = _BODY_TAG.search(page)
        start = page.find(texts[0][:30], body.start() if body else 0) if texts else -1
        end = page.find(texts[-1][-30:], start) if start >= 0 else -1
        if start < 0 or end < 0:
            return html, -1
        end += len(texts[-1][-30:])
        head, tail = page[:start].encode("utf-8"), page[end:].encode("utf-8")
        return head + tail, len(head)


def _deflate(data: bytes, zdict: bytes | None, level: int = _ZLIB_LEVEL) -> bytes:
    if zdict is None:
        return zlib.compress(data, level)
    packer = zlib.compressobj(level, zdict=zdict)
    return packer.compress(data) + packer.flush()


def _inflate(blob: bytes, zdict: bytes | None) -> bytes:
    if zdict is None:
        return zlib.decompress(blob)
    unpacker = zlib.decompressobj(zdict=zdict)
    data = unpacker.decompress(blob) + unpacker.flush()
    if not unpacker.eof:
        raise zlib.error("compressed data is truncated")
    return data


def _kind_of(page: PageModel) -> PageKind:
    if isinstance(page, Article):
        return "article"
    if isinstance(page, Listing):
        return "listing"
    if isinstance(page, Home):
        return "home"
    raise TypeError(f"not a parsed page: {type(page).__name__}")


def _doc_base(published: str | None) -> int:
    """The lowest index key of an article published at ``published`` (ISO 8601, as in
    ``pages.published``): its minute since _DOC_EPOCH times _DOC_SLOTS. An article without
    a date counts as older than every dated one: the reader is not told it is recent."""
    if published is None:
        return 0
    try:
        when = datetime.fromisoformat(published)
    except ValueError:
        return 0
    if when.tzinfo is None:
        when = when.replace(tzinfo=VN_TZ)
    return max(0, (int(when.timestamp()) - _DOC_EPOCH) // 60) * _DOC_SLOTS


def _listed_fields(title: str, sapo: str) -> tuple[str, ...]:
    """The index's columns for an article known only from a listing."""
    return ArticleText(title, sapo, "", "").index_fields()


def _free_doc(db: sqlite3.Connection, published: str | None) -> int:
    """A key for a new index row: at or after the slots of ``published``'s minute, never one
    the index holds (a replaced or deleted article's row, see the module doc) or a page has.
    Past a minute's last slot, the next minute's slots are used.

    Each full stretch looked at doubles the next one, so many articles in one minute (or
    without a date, all at key 0) cost a few lookups each, not one per eight before them.
    """
    low, width = _doc_base(published), _DOC_SLOTS
    while True:
        high = low + width - 1
        used = db.execute(
            "SELECT max(k) FROM (SELECT max(id) AS k FROM search_index_docsize "
            "WHERE id BETWEEN ?1 AND ?2 UNION ALL "
            "SELECT max(doc) FROM pages WHERE doc BETWEEN ?1 AND ?2)",
            (low, high),
        ).fetchone()[0]
        if used is None:
            return low
        if used < high:
            return int(used) + 1
        low, width = high + 1, width * 2


class Store(_sqlite.Database):
    """The page cache. Open with :meth:`Store.open`; safe to share between threads."""

    MIGRATIONS = _MIGRATIONS
    NAME = "the store"

    def __init__(
        self, conn: sqlite3.Connection, path: Path, recovered_from: Path | None = None
    ) -> None:
        super().__init__(conn, path, recovered_from)
        self._dicts: dict[int, _Dict] = {}  # read once: a dictionary never changes
        self._poorly_served: dict[tuple[str, str], int] = {}

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        recover: bool = False,
        on_reindex: Callable[[int, int], None] | None = None,
    ) -> Self:
        """Open or create the store at ``path`` (see :meth:`_sqlite.Database.open`).

        The articles of a store from before schema 5 are indexed again first (a few
        seconds per 10,000): ``on_reindex`` is told (done, total) as it goes.
        """
        opened = super().open(path, recover=recover)
        try:
            opened._index_new(on_reindex)
        except BaseException:
            opened.close()
            raise
        return opened

    def start_over(self) -> Path:
        """Move the damaged file aside and start a new store (see the base class)."""
        moved = super().start_over()
        self._dicts.clear()  # they were the old file's
        self._poorly_served.clear()
        return moved

    # --- dictionaries -----------------------------------------------------------------

    def _dict(self, db: sqlite3.Connection, dict_id: int) -> _Dict:
        found = self._dicts.get(dict_id)
        if found is None:
            row = db.execute(
                "SELECT html, split, parsed, base FROM page_dicts WHERE id = ?", (dict_id,)
            ).fetchone()
            if row is None:
                raise zlib.error(f"compression dictionary {dict_id} is missing")
            if row[3] is not None and not 0 < row[3] < dict_id:  # a base is an older one
                raise zlib.error(f"compression dictionary {dict_id} has a bad base")
            base = self._dict(db, row[3]) if row[3] is not None else None
            html = _inflate(row[0], base.html[-_DICT_SIZE:] if base else None)
            parsed = _inflate(row[2], base.parsed if base else None)
            found = _Dict(dict_id, html, int(row[1]), parsed[-_DICT_SIZE:])
            self._dicts[dict_id] = found
        return found

    def _decode(
        self, db: sqlite3.Connection, body: bytes | None, parsed: bytes, dict_id: int | None
    ) -> tuple[bytes | None, bytes]:
        """The HTML (when ``body`` is given) and the parse JSON of a stored row, as bytes."""
        shared = self._dict(db, dict_id) if dict_id is not None else None
        parsed_json = _inflate(parsed, shared.parsed if shared else None)
        if body is None:
            return None, parsed_json
        return _inflate(body, shared.for_html(parsed_json) if shared else None), parsed_json

    def _encode(self, db: sqlite3.Connection, row: _Row) -> dict[str, Any]:
        """``body``, ``parsed`` and ``dict`` of ``row``: compressed against its kind's
        current dictionary; the first page of a kind (or one that the dictionary serves
        poorly, after several) becomes a new dictionary, and is then compressed against it
        (to almost nothing: the dictionary is that page)."""
        key = (row.values["kind"], row.values["generation"])
        latest = db.execute(
            "SELECT max(id) FROM page_dicts WHERE kind = ? AND generation = ?", key
        ).fetchone()[0]
        if latest is not None:
            shared = self._dict(db, latest)
            body = _deflate(row.html, shared.for_html(row.parsed))
            if len(body) <= _DICT_POOR * len(row.html):
                self._poorly_served.pop(key, None)
            else:
                self._poorly_served[key] = self._poorly_served.get(key, 0) + 1
            if self._poorly_served.get(key, 0) <= _DICT_PATIENCE:
                parsed = _deflate(row.parsed, shared.parsed)
                return {"body": body, "parsed": parsed, "dict": latest}
        self._poorly_served.pop(key, None)
        skeleton, split = _Dict.layout(row.html, row.parsed_dict)
        # Pages of other kinds share much of the furniture: a new dictionary is kept
        # compressed against the latest one kept plain (its base), when that is smaller.
        plain = (_deflate(skeleton, None, 9), _deflate(row.parsed, None, 9))
        packed, base_id = plain, None
        root_id = db.execute("SELECT max(id) FROM page_dicts WHERE base IS NULL").fetchone()[0]
        if root_id is not None:
            root = self._dict(db, root_id)
            against = (
                _deflate(skeleton, root.html[-_DICT_SIZE:], 9),
                _deflate(row.parsed, root.parsed, 9),
            )
            if sum(map(len, against)) < sum(map(len, plain)):
                packed, base_id = against, root_id
        made = db.execute(
            "INSERT INTO page_dicts (kind, generation, html, split, parsed, base) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (*key, packed[0], split, packed[1], base_id),
        )
        assert made.lastrowid is not None
        # Built here, not read back through the cache: the row is not committed yet, and a
        # rolled-back id is given again, so caching it could serve a later, other one.
        shared = _Dict(made.lastrowid, skeleton, split, row.parsed[-_DICT_SIZE:])
        return {
            "body": _deflate(row.html, shared.for_html(row.parsed)),
            "parsed": _deflate(row.parsed, shared.parsed),
            "dict": made.lastrowid,
        }

    # --- reading --------------------------------------------------------------------

    def get(self, url: str) -> StoredPage | None:
        """The page stored under ``url`` (or whose final URL after redirects is ``url``)."""
        with self._db() as db:
            row = db.execute(
                f"SELECT {_PAGE_COLUMNS} FROM pages WHERE {_BY_URL} "
                "ORDER BY url = ?1 DESC, fetched_at DESC LIMIT 1",
                (url,),
            ).fetchone()
            if row is None:
                return None
            try:
                html_bytes, parsed_bytes = self._decode(db, row[8], row[9], row[11])
                assert html_bytes is not None
                html = html_bytes.decode("utf-8")
                parsed = json.loads(parsed_bytes.decode("utf-8"))
            except (zlib.error, UnicodeDecodeError, ValueError) as error:
                cause = f"{url}: stored page is damaged ({error})"
                raise StoreError(str(self.path), cause) from error
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
            origin=row[12],
        )

    def has_fresh(self, url: str, ttl: float, now: float | None = None) -> bool:
        """True when ``url`` is stored and was fetched or confirmed less than ``ttl`` s ago."""
        now = time.time() if now is None else now
        with self._db() as db:
            row = db.execute(
                f"SELECT checked_at FROM pages WHERE {_BY_URL} "
                "ORDER BY url = ?1 DESC, fetched_at DESC LIMIT 1",
                (url,),
            ).fetchone()
        if row is None:
            return False
        checked_at = float(row[0])
        return now - checked_at < ttl and checked_at <= now + _FRESH_SKEW_S

    def articles(self, section: str | None = None, *, limit: int = -1) -> list[ArticleRow]:
        """Stored articles, newest published first (undated last), at most ``limit`` of
        them (-1: all); ``section`` is a name, slug or URL."""
        sql = "SELECT url, title, section, published FROM pages WHERE kind = 'article'"
        params: list[Any] = []
        if section is not None:
            sql += " AND instr(section_keys, ?) > 0"
            params.append(f" {section_key(section)} ")
        # DESC puts NULL last and walks the (kind, published) index from its end, so a
        # short list costs the same in any size of store.
        sql += " ORDER BY published DESC, fetched_at DESC LIMIT ?"
        params.append(limit)
        with self._db() as db:
            rows = db.execute(sql, params).fetchall()
        return [ArticleRow(r[0], r[1] or "", r[2], r[3]) for r in rows]

    def search(
        self, query: str, *, limit: int = 20, offset: int = 0, section: str | None = None
    ) -> list[SearchHit]:
        """Stored articles matching ``query``: ``limit`` of them after the first ``offset``
        (the next page of a result list).

        The order: by kind of match (search.ranking_tiers: the query as a phrase, as typed
        then folded, before its words near one another, before its words anywhere; in the
        title before the sapo before the rest), and within a kind the newest first. A news
        archive's broad query matches most of it: ranking it all would make a page of hits
        cost time in proportion to the archive, and the newest good match is what a
        reader of news looks for.

        Any text is a valid query: FTS5 operators typed by the user are plain words, and
        ``-word`` excludes a word.
        """
        tiers = ranking_tiers(query)
        if not tiers or limit <= 0 or offset < 0:
            return []
        where = "search_index MATCH ?"
        params: list[Any] = []
        if section is not None:
            where += (
                " AND rowid IN (SELECT doc FROM pages WHERE instr(section_keys, ?) > 0 "
                "UNION ALL SELECT doc FROM listed WHERE instr(section_keys, ?) > 0)"
            )
            params += [f" {section_key(section)} "] * 2
        try:
            with self._db() as db:
                ranked = self._tiered(db, tiers, where, params, offset + limit)[offset:]
                rows = self._hit_rows(db, [doc for doc, _score in ranked])
                texts: dict[int, bytes | None] = {}
                for doc, (_url, _title, _sec, _published, parsed, dict_id) in rows.items():
                    if isinstance(parsed, str):
                        continue  # a listed article: its sapo is all there is
                    try:
                        texts[doc] = self._decode(db, None, parsed, dict_id)[1]
                    except zlib.error:
                        texts[doc] = None
        except StoreError as error:
            # build_match_query quotes everything, so this is a safety net, not a path.
            if error.cause.startswith("fts5:"):
                return []
            raise
        phrases = query_phrases(query)
        whole = tuple(token for phrase in phrases for token in phrase)
        hits: list[SearchHit] = []
        spans: tuple[tuple[int, int], ...]
        for doc, rank in ranked:
            if doc not in rows:
                continue
            url, title, sec, published, parsed, _dict = rows[doc]
            if isinstance(parsed, str):
                snippet, spans = make_snippet((parsed, title or ""), phrases, prefer=whole)
                hits.append(
                    SearchHit(url, title or "", sec, published, snippet, spans, rank, False)
                )
                continue
            try:
                raw = texts[doc]
                if raw is None:
                    raise ValueError("damaged")
                text = article_text(json.loads(raw.decode("utf-8")))
            except (UnicodeDecodeError, ValueError):
                snippet, spans = "", ()
            else:
                fields = (text.sapo, text.body, text.captions, text.title)
                snippet, spans = make_snippet(fields, phrases, prefer=whole)
            hits.append(SearchHit(url, title or "", sec, published, snippet, spans, rank))
        return hits

    def interpret(self, query: str) -> str:
        """``query``, or its Telex/VNI reading (``hooij nghij`` → "hội nghị") when the
        typed form matches nothing as a phrase and the reading does: two lookups."""
        spelled = decode_query(query)
        if spelled is None:
            return query
        typed, read = ranking_tiers(query), ranking_tiers(spelled)
        if not read:
            return query
        sql = "SELECT 1 FROM search_index WHERE search_index MATCH ? LIMIT 1"
        try:
            with self._db() as db:
                if typed and db.execute(sql, (typed[0],)).fetchone() is not None:
                    return query
                if db.execute(sql, (read[0],)).fetchone() is not None:
                    return spelled
        except StoreError as error:
            if not error.cause.startswith("fts5:"):
                raise
        return query

    @staticmethod
    def _tiered(
        db: sqlite3.Connection, tiers: tuple[str, ...], where: str, params: list[Any], want: int
    ) -> list[tuple[int, float]]:
        """The first ``want`` (key, score) over the ranking's tiers (search.ranking_tiers):
        the first tier's matches newest first, then the next tier's others, and so on.

        A tier may hold articles of the tiers before it: asked for as many more as have
        been found, it gives at least what is still missing, or all it has. The score
        says the tier (higher is better). No bm25: it counts each phrase over the whole
        index first (a 200,000-article archive's phrase, 40 ms), where the newest of a
        tier are found by reading the end of its words' lists.
        """
        found: list[tuple[int, float]] = []
        seen: set[int] = set()
        for rank, tier in enumerate(tiers):
            need = want - len(found)
            for doc in Store._newest(db, where, [tier, *params], need + len(seen)):
                if doc not in seen:
                    seen.add(doc)
                    found.append((doc, float(len(tiers) - rank)))
            if len(found) >= want:
                break
        return found[:want]

    @staticmethod
    def _newest(db: sqlite3.Connection, where: str, params: list[Any], limit: int) -> list[int]:
        """The keys of the ``limit`` newest stored articles matching ``where`` (a condition
        on the index); fewer only when there are no more."""
        found: list[int] = []
        bound: list[Any] = []
        while len(found) < limit:
            asked = limit - len(found)
            keys = [
                int(row[0])
                for row in db.execute(
                    f"SELECT rowid FROM search_index WHERE {where}"
                    + (" AND rowid < ?" if bound else "")
                    + " ORDER BY rowid DESC LIMIT ?",
                    [*params, *bound, asked],
                )
            ]
            if not keys:
                break
            marks = ", ".join("?" * len(keys))
            stored = {
                int(row[0])
                for row in db.execute(
                    f"SELECT doc FROM pages WHERE doc IN ({marks}) "
                    f"UNION ALL SELECT doc FROM listed WHERE doc IN ({marks})",
                    keys * 2,
                )
            }
            # Rows left behind by replaced or deleted articles (see the module doc) are
            # skipped, and as many more asked for.
            found += [key for key in keys if key in stored]
            if len(keys) < asked:
                break
            bound = [keys[-1]]
        return found

    @staticmethod
    def _hit_rows(db: sqlite3.Connection, docs: list[int]) -> dict[int, tuple[Any, ...]]:
        if not docs:
            return {}
        marks = ", ".join("?" * len(docs))
        found = db.execute(
            # Only articles have keys. (A condition on the kind would have SQLite walk
            # every article by the kind's index instead of looking the keys up.)
            "SELECT doc, url, title, section, published, parsed, dict FROM pages "
            f"WHERE doc IN ({marks})",
            docs,
        )
        rows = {row[0]: row[1:] for row in found}
        if len(rows) < len(docs):
            # Articles known from a listing only: their sapo stands where the parse does.
            listed = db.execute(
                "SELECT doc, url, title, section, published, sapo, NULL FROM listed "
                f"WHERE doc IN ({marks})",
                docs,
            )
            rows.update((row[0], row[1:]) for row in listed)
        return rows

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
            try:
                problems = [str(r[0]) for r in db.execute("PRAGMA integrity_check")]
            except sqlite3.DatabaseError as error:
                if not _sqlite.is_corrupt(error):
                    raise
                problems = [str(error)]  # damage the check itself could not read past
            if problems == ["ok"]:
                problems = []
            try:
                db.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")
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
        origin: str | None = None,
    ) -> None:
        """Store a fetched and parsed page under canonical ``url``, replacing what was there.

        ``origin`` is where it was fetched from (kept with the page). The page row and its
        search index change together or not at all.
        """
        row = self._prepare(url, page, html, final_url, status, etag, last_modified, fetched_at)
        with self._db() as db, _sqlite.transaction(db):
            values = {**row.values, **self._encode(db, row), "origin": origin}
            # A new index row under a new key: the old words stay in the contentless
            # index under the old key, which is never used again (see the module doc).
            doc = _free_doc(db, row.values["published"]) if row.fts is not None else None
            old = db.execute("SELECT id FROM pages WHERE url = ?", (url,)).fetchone()
            if old is not None:
                db.execute(
                    """
                    UPDATE pages SET final_url = :final_url, kind = :kind, status = :status,
                        etag = :etag, last_modified = :last_modified, fetched_at = :fetched_at,
                        checked_at = :fetched_at, body = :body, raw_size = :raw_size,
                        parsed = :parsed, generation = :generation, title = :title,
                        section = :section, section_keys = :section_keys,
                        published = :published, dict = :dict, doc = :doc,
                        origin = :origin
                    WHERE id = :id
                    """,
                    {**values, "doc": doc, "id": old[0]},
                )
            else:
                db.execute(
                    """
                    INSERT INTO pages (url, final_url, kind, status, etag, last_modified,
                        fetched_at, checked_at, body, raw_size, parsed, generation, title,
                        section, section_keys, published, dict, doc, origin)
                    VALUES (:url, :final_url, :kind, :status, :etag, :last_modified,
                        :fetched_at, :fetched_at, :body, :raw_size, :parsed, :generation,
                        :title, :section, :section_keys, :published, :dict, :doc, :origin)
                    """,
                    {**values, "doc": doc},
                )
            if row.fts is not None:
                db.execute(_INDEX_INSERT, (doc, *row.fts))
                self._unlist(db, url)  # fetched at last: its listed entry gives way
            if isinstance(page, Listing):
                self._list_items(db, page.articles, page.section)
            elif isinstance(page, Home):  # an article linked only from the home page too
                links = [a for a in page.articles if page_kind(a.url) == "article"]
                self._list_items(db, [ListItem(a.title, a.url) for a in links], None)

    @staticmethod
    def _list_items(db: sqlite3.Connection, items: Iterable[ListItem], section: str | None) -> None:
        """Index the listed ``items`` (of ``section``) that are not stored (title, sapo,
        date, section), so a title seen in a list is found before it is opened."""
        for item in items:
            if not item.url or not item.title:
                continue
            stored = db.execute(
                "SELECT 1 FROM pages WHERE url = ? AND kind = 'article'", (item.url,)
            ).fetchone()
            if stored is not None:
                continue
            sapo = item.sapo or ""
            known = db.execute("SELECT title, sapo FROM listed WHERE url = ?", (item.url,))
            if known.fetchone() == (item.title, sapo):
                continue
            Store._unlist(db, item.url)
            published = item.published.isoformat() if item.published else None
            doc = _free_doc(db, published)
            keys = ([section_key(section)] if section else []) + url_section_keys(item.url)
            unique = [k for i, k in enumerate(keys) if k and k not in keys[:i]]
            db.execute(
                "INSERT INTO listed (doc, url, title, sapo, section, section_keys, published) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (doc, item.url, item.title, sapo, section,
                 " " + " ".join(unique) + " ", published),
            )  # fmt: skip
            db.execute(_INDEX_INSERT, (doc, *_listed_fields(item.title, sapo)))

    @staticmethod
    def _unlist(db: sqlite3.Connection, url: str) -> None:
        """Drop the listed entry of ``url`` and its index row, if it has one. (A contentless
        index drops a row when given its text again: the title and sapo, kept for that.)"""
        row = db.execute("SELECT doc, title, sapo FROM listed WHERE url = ?", (url,)).fetchone()
        if row is None:
            return
        db.execute(
            f"INSERT INTO search_index (search_index, rowid, {_INDEX_COLUMNS}) "
            f"VALUES ('delete', ?{', ?' * 8})",
            (row[0], *_listed_fields(row[1], row[2])),
        )
        db.execute("DELETE FROM listed WHERE doc = ?", (row[0],))

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
        html_bytes = html.encode("utf-8")
        parsed_bytes = json.dumps(parsed, ensure_ascii=False, sort_keys=True).encode("utf-8")
        title: str | None = None
        section: str | None = page.section if not isinstance(page, Home) else None
        published: str | None = None
        index: tuple[str, ...] | None = None
        if isinstance(page, Article):
            title = page.title
            published = page.published.isoformat() if page.published else None
            index = article_text(parsed).index_fields()
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
            "raw_size": len(html_bytes),
            "generation": page.generation,
            "title": title,
            "section": section,
            "section_keys": " " + " ".join(unique) + " ",
            "published": published,
        }
        return _Row(values, index, html_bytes, parsed_bytes, parsed)

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
                "UPDATE pages SET checked_at = ?2, etag = coalesce(?3, etag), "
                f"last_modified = coalesce(?4, last_modified) WHERE {_BY_URL}",
                (url, checked_at, etag, last_modified),
            )
            return cursor.rowcount > 0

    def delete(self, url: str) -> bool:
        """Remove the page stored under ``url`` (or with that final URL) from the store and
        from search (its index row is dropped by the next :meth:`vacuum`)."""
        with self._db() as db, _sqlite.transaction(db):
            cursor = db.execute(f"DELETE FROM pages WHERE {_BY_URL}", (url,))
            return cursor.rowcount > 0

    def clear(self) -> int:
        """Remove every page and the whole index; return how many pages there were."""
        with self._db() as db, _sqlite.transaction(db):
            db.execute("INSERT INTO search_index (search_index) VALUES ('delete-all')")
            count = db.execute("DELETE FROM pages").rowcount
            db.execute("DELETE FROM page_dicts")  # they hold pages too
            db.execute("DELETE FROM listed")
            self._dicts.clear()
            self._poorly_served.clear()
            return int(count)

    def vacuum(self) -> None:
        """Drop the index rows of replaced or deleted pages, merge the index, rebuild the
        file to its smallest size and empty the WAL."""
        with self._db() as db:
            with _sqlite.transaction(db):
                indexed, articles = db.execute(
                    "SELECT (SELECT count(*) FROM search_index_docsize), "
                    "(SELECT count(*) FROM pages WHERE kind = 'article') "
                    "+ (SELECT count(*) FROM listed)"
                ).fetchone()
                if indexed != articles:
                    self._reindex(db)
                db.execute("INSERT INTO search_index (search_index) VALUES ('optimize')")
            # A file made before tgreader turned auto-vacuum on gets it now (see _sqlite).
            db.execute("PRAGMA auto_vacuum = FULL")
            db.execute("VACUUM")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _reindex(self, db: sqlite3.Connection) -> None:
        """Build the search index again from the stored articles' parses, under new keys."""
        db.execute("INSERT INTO search_index (search_index) VALUES ('delete-all')")
        db.execute("UPDATE pages SET doc = NULL WHERE doc IS NOT NULL")
        db.execute("DELETE FROM index_rebuild")
        listed = db.execute(
            "SELECT url, title, sapo, section, section_keys, published FROM listed"
        ).fetchall()
        db.execute("DELETE FROM listed")
        self._index_unkeyed(db)
        for url, title, sapo, section, keys, published in listed:
            doc = _free_doc(db, published)
            db.execute(
                "INSERT INTO listed (doc, url, title, sapo, section, section_keys, published) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (doc, url, title, sapo, section, keys, published),
            )
            db.execute(_INDEX_INSERT, (doc, *_listed_fields(title, sapo)))

    def _index_unkeyed(self, db: sqlite3.Connection, limit: int = -1) -> int:
        """Give up to ``limit`` articles without an index key (``pages.doc``) one, and
        index them (every one with -1); return how many were keyed."""
        rows = db.execute(
            f"SELECT id, published, parsed, dict FROM pages WHERE {_UNKEYED} ORDER BY id LIMIT ?",
            (limit,),
        ).fetchall()
        for page_id, published, parsed, dict_id in rows:
            doc = _free_doc(db, published)
            # Keyed even when its parse cannot be read, so it is not tried at every open.
            db.execute("UPDATE pages SET doc = ? WHERE id = ?", (doc, page_id))
            self._index_parse(db, doc, parsed, dict_id)
        return len(rows)

    def _index_keyed(self, db: sqlite3.Connection, reached: int, limit: int) -> int:
        """Index up to ``limit`` keyed articles past key ``reached`` (a schema 5 rebuild),
        and record how far it got; return how many were looked at (0: done)."""
        rows = db.execute(
            "SELECT doc, parsed, dict FROM pages WHERE doc > ? ORDER BY doc LIMIT ?",
            (reached, limit),
        ).fetchall()
        for dict_id in {row[2] for row in rows if row[2] is not None}:
            with contextlib.suppress(zlib.error):
                self._dict(db, dict_id)  # read here: the helper thread must not touch db
        # Folding runs in a helper thread while SQLite indexes the previous article (it
        # lets go of the GIL while it works): a rebuild takes about a third less time.
        with ThreadPoolExecutor(max_workers=1) as helper:
            prepared = helper.map(lambda row: self._index_fields(row[1], row[2]), rows)
            for (doc, _parsed, _dict_id), fields in zip(rows, prepared, strict=True):
                if fields is None:
                    continue  # a damaged parse cannot be searched; get() reports it
                if db.execute("SELECT 1 FROM search_index_docsize WHERE id = ?", (doc,)).fetchone():
                    continue  # written meanwhile by a put, under its new key
                db.execute(_INDEX_INSERT, (doc, *fields))
        if rows:
            db.execute("UPDATE index_rebuild SET reached = ?", (rows[-1][0],))
        else:
            db.execute("DELETE FROM index_rebuild")
        return len(rows)

    def _index_fields(self, parsed: bytes, dict_id: int | None) -> tuple[str, ...] | None:
        """The index's columns for a stored parse (its dictionary already read), or None
        when it cannot be read."""
        try:
            shared = self._dicts[dict_id] if dict_id is not None else None
            parsed_json = _inflate(parsed, shared.parsed if shared else None)
            return article_text(json.loads(parsed_json.decode("utf-8"))).index_fields()
        except (KeyError, zlib.error, UnicodeDecodeError, ValueError):
            return None

    def _index_parse(
        self, db: sqlite3.Connection, doc: int, parsed: bytes, dict_id: int | None
    ) -> None:
        if dict_id is not None:
            with contextlib.suppress(zlib.error):
                self._dict(db, dict_id)
        fields = self._index_fields(parsed, dict_id)
        if fields is not None:
            db.execute(_INDEX_INSERT, (doc, *fields))

    def _index_new(self, on_reindex: Callable[[int, int], None] | None) -> None:
        """Index the articles of a store from before schema 5 (see _MIGRATIONS); in a store
        already indexed, two lookups and nothing to do.

        A batch at a time, each committed: an interrupted rebuild goes on where it stopped
        at the next open. ``on_reindex`` is told (done, total) before and after each batch.
        """
        with self._db() as db:
            # By the index of keys: only the pages without a key are looked at.
            unkeyed = int(db.execute(f"SELECT count(*) FROM pages WHERE {_UNKEYED}").fetchone()[0])
            pending = db.execute("SELECT min(reached) FROM index_rebuild").fetchone()[0]
            keyed = 0
            if pending is not None:
                found = db.execute("SELECT count(*) FROM pages WHERE doc > ?", (pending,))
                keyed = int(found.fetchone()[0])
            total, done, told = unkeyed + keyed, 0, -1
            while True:
                if total and on_reindex is not None and done != told:
                    told = min(done, total)
                    on_reindex(told, total)
                with _sqlite.transaction(db):
                    reached = db.execute("SELECT min(reached) FROM index_rebuild").fetchone()[0]
                    if reached is not None:
                        step = self._index_keyed(db, reached, _REINDEX_BATCH)
                    else:
                        step = self._index_unkeyed(db, _REINDEX_BATCH)
                if step == 0 and reached is None:
                    break  # (another process may have done some meanwhile)
                done += step
