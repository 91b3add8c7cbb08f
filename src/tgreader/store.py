"""The page cache: one SQLite file holding fetched pages, their parse, and a search index.

Pages are keyed by canonical URL. The raw HTML and the parsed JSON are kept compressed
(``store_codec``); articles, and the articles seen only in lists, are also indexed for
search (``store_index``), always in the same transaction as the page itself, so the index
never disagrees with the pages. The schema and its migrations are in ``store_schema``.
Read pages through :meth:`Store.get`, never by decompressing columns by hand.

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
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, NamedTuple, Self, cast

from platformdirs import user_cache_dir

from tgreader import _sqlite, store_index
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
    SearchHit,
    article_text,
    ranking_tiers,
    section_key,
    url_section_keys,
)
from tgreader.store_codec import Codec, PreparedRow
from tgreader.store_schema import BY_URL, MIGRATIONS, PAGE_COLUMNS
from tgreader.telex import decode_query
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
_SAPO_BATCH = 200  # URLs a query of Store.sapos asks for (each is bound twice)


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

    @classmethod
    def none_yet(cls, path: Path) -> StoreInfo:
        """What is said of a store not made yet at ``path``: nothing in it."""
        return cls(path, 0, dict.fromkeys(_KINDS, 0), None, None, 0, 0)


def _kind_of(page: PageModel) -> PageKind:
    if isinstance(page, Article):
        return "article"
    if isinstance(page, Listing):
        return "listing"
    if isinstance(page, Home):
        return "home"
    raise TypeError(f"not a parsed page: {type(page).__name__}")


class Store(_sqlite.Database):
    """The page cache. Open with :meth:`Store.open`; safe to share between threads."""

    MIGRATIONS = MIGRATIONS
    NAME = "the store"

    def __init__(
        self, conn: sqlite3.Connection, path: Path, recovered_from: Path | None = None
    ) -> None:
        super().__init__(conn, path, recovered_from)
        self._codec = Codec()

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
            with opened._db() as db:
                store_index.index_new(db, opened._codec, on_reindex)
        except BaseException:
            opened.close()
            raise
        return opened

    def start_over(self) -> Path:
        """Move the damaged file aside and start a new store (see the base class)."""
        moved = super().start_over()
        self._codec.clear()  # its dictionaries were the old file's
        return moved

    # --- reading --------------------------------------------------------------------

    def get(self, url: str) -> StoredPage | None:
        """The page stored under ``url`` (or whose final URL after redirects is ``url``)."""
        with self._db() as db:
            row = db.execute(
                f"SELECT {PAGE_COLUMNS} FROM pages WHERE {BY_URL} "
                "ORDER BY url = ?1 DESC, fetched_at DESC LIMIT 1",
                (url,),
            ).fetchone()
            if row is None:
                return None
            try:
                html_bytes, parsed_bytes = self._codec.decode(db, row[8], row[9], row[11])
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

    def sapos(self, urls: list[str]) -> dict[str, str]:
        """The sapo of each stored article of ``urls`` that has one (found by its URL or by
        its final URL after redirects), read from its parse alone (not its HTML): a list
        whose items came without one (the latest news) shows it under the title. A page
        that cannot be read is left out."""
        wanted = set(urls)
        found: dict[str, str] = {}
        ordered = list(dict.fromkeys(urls))
        with self._db() as db:
            for start in range(0, len(ordered), _SAPO_BATCH):
                batch = ordered[start : start + _SAPO_BATCH]
                marks = ", ".join("?" * len(batch))
                # (No "kind = 'article'" here: SQLite would walk every article by kind
                # rather than look each URL up in the URL indexes.)
                rows = db.execute(
                    f"SELECT url, final_url, kind, parsed, dict FROM pages WHERE url IN "
                    f"({marks}) OR (final_url IN ({marks}) AND final_url <> url)",
                    batch * 2,
                ).fetchall()
                for url, final_url, kind, parsed, dict_id in rows:
                    if kind != "article":
                        continue
                    try:
                        _html, parsed_json = self._codec.decode(db, None, parsed, dict_id)
                        sapo = json.loads(parsed_json.decode("utf-8")).get("sapo")
                    except (zlib.error, UnicodeDecodeError, ValueError, AttributeError):
                        continue
                    if isinstance(sapo, str) and sapo:
                        for key in (url, final_url):
                            if key in wanted:
                                found.setdefault(key, sapo)
        return found

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
        where, params = store_index.section_filter(section)
        try:
            with self._db() as db:
                want = offset + limit
                ranked = store_index.tiered(db, tiers, where, params, want)[offset:]
                rows = store_index.hit_rows(db, [doc for doc, _score in ranked])
                texts = self._hit_texts(db, rows)
        except StoreError as error:
            # build_match_query quotes everything, so this is a safety net, not a path.
            if error.cause.startswith("fts5:"):
                return []
            raise
        return store_index.make_hits(query, ranked, rows, texts)

    def _hit_texts(
        self, db: sqlite3.Connection, rows: dict[int, tuple[Any, ...]]
    ) -> dict[int, bytes | None]:
        """The parses of the fetched articles among ``rows`` (None: damaged)."""
        texts: dict[int, bytes | None] = {}
        for doc, (_url, _title, _sec, _published, parsed, dict_id) in rows.items():
            if isinstance(parsed, str):
                continue  # a listed article: its sapo is all there is
            try:
                texts[doc] = self._codec.decode(db, None, parsed, dict_id)[1]
            except zlib.error:
                texts[doc] = None
        return texts

    def interpret(self, query: str) -> str:
        """``query``, or its Telex/VNI reading (``hooij nghij`` → "hội nghị") when the
        typed form matches nothing as a phrase and the reading does: two lookups."""
        spelled = decode_query(query)
        if spelled is None:
            return query
        typed, read = ranking_tiers(query), ranking_tiers(spelled)
        if not read:
            return query
        where = "search_index MATCH ?"
        try:
            with self._db() as db:
                if typed and store_index.newest(db, where, [typed[0].match], 1, typed[0].exact):
                    return query
                if store_index.newest(db, where, [read[0].match], 1, read[0].exact):
                    return spelled
        except StoreError as error:
            if not error.cause.startswith("fts5:"):
                raise
        return query

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
            for table in store_index.INDEX_TABLES:
                try:
                    db.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")
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
            values = {**row.values, **self._codec.encode(db, row), "origin": origin}
            # A new index row under a new key: the old words stay in the contentless
            # index under the old key, which is never used again (see store_index).
            published = row.values["published"]
            doc = store_index.free_doc(db, published) if row.fts is not None else None
            self._write(db, {**values, "doc": doc})
            if row.fts is not None and doc is not None:
                store_index.index_row(db, doc, row.fts)
                # Fetched at last: its listed entry gives way, under either of its URLs.
                for known in {url, values["final_url"]}:
                    store_index.unlist(db, known)
            if isinstance(page, Listing):
                store_index.list_items(db, page.articles, page.section)
            elif isinstance(page, Home):  # an article linked only from the home page too
                links = [a for a in page.articles if page_kind(a.url) == "article"]
                store_index.list_items(db, [ListItem(a.title, a.url) for a in links], None)

    @staticmethod
    def _write(db: sqlite3.Connection, values: dict[str, Any]) -> None:
        """The page row of ``values``, replacing the one of its URL."""
        old = db.execute("SELECT id FROM pages WHERE url = ?", (values["url"],)).fetchone()
        if old is not None:
            db.execute(
                """
                UPDATE pages SET final_url = :final_url, kind = :kind, status = :status,
                    etag = :etag, last_modified = :last_modified, fetched_at = :fetched_at,
                    checked_at = :fetched_at, body = :body, raw_size = :raw_size,
                    parsed = :parsed, generation = :generation, title = :title,
                    section = :section, section_keys = :section_keys,
                    published = :published, dict = :dict, doc = :doc, origin = :origin
                WHERE id = :id
                """,
                {**values, "id": old[0]},
            )
            return
        db.execute(
            """
            INSERT INTO pages (url, final_url, kind, status, etag, last_modified,
                fetched_at, checked_at, body, raw_size, parsed, generation, title,
                section, section_keys, published, dict, doc, origin)
            VALUES (:url, :final_url, :kind, :status, :etag, :last_modified,
                :fetched_at, :fetched_at, :body, :raw_size, :parsed, :generation,
                :title, :section, :section_keys, :published, :dict, :doc, :origin)
            """,
            values,
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
    ) -> PreparedRow:
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
        return PreparedRow(values, index, html_bytes, parsed_bytes, parsed)

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
                f"last_modified = coalesce(?4, last_modified) WHERE {BY_URL}",
                (url, checked_at, etag, last_modified),
            )
            return cursor.rowcount > 0

    def clear(self) -> int:
        """Remove every page and the whole index; return how many pages there were."""
        with self._db() as db, _sqlite.transaction(db):
            store_index.index_command(db, "delete-all")
            count = db.execute("DELETE FROM pages").rowcount
            db.execute("DELETE FROM page_dicts")  # they hold pages too
            db.execute("DELETE FROM listed")
            self._codec.clear()
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
                    store_index.reindex(db, self._codec)
                store_index.index_command(db, "optimize")
            # A file made before tgreader turned auto-vacuum on gets it now (see _sqlite).
            db.execute("PRAGMA auto_vacuum = FULL")
            db.execute("VACUUM")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
