"""The page store's schema: its migrations, one per version, and the SQL the store's parts
share.

Schema 2: pages are compressed against dictionaries (``page_dicts``, see store_codec).
Schema 3: the search index's keys are ``pages.doc``, made from the publication time, so
the index's own order is newest last (see store_index). Schema 4: ``pages.origin``, where a
page was fetched through. Schema 5: each field indexed twice, folded and with its
diacritics. Schema 6: ``listed``, the articles seen only in lists, indexed too. Schema 7:
the fields with their diacritics in an index of their own, without the words' positions.
"""

from __future__ import annotations

from tgreader import _sqlite

__all__ = ["BY_URL", "MIGRATIONS", "PAGE_COLUMNS", "UNKEYED"]

# The stored pages' index rows by key (for the tests and by hand: the store does not read
# it), made again by every schema that makes search_index again.
_PAGES_FTS_VIEW = """
        CREATE VIEW pages_fts (rowid, title, sapo, body, captions, url, section) AS
            SELECT i.rowid, p.title, NULL, NULL, NULL, p.url, p.section
            FROM search_index AS i JOIN pages AS p ON p.doc = i.rowid
        """

MIGRATIONS: tuple[_sqlite.Migration, ...] = (
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
        # Schema 2: compression dictionaries (store_codec), a contentless index (store_index).
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
        # Schema 3: index keys in publication order (see store_index). The index is
        # emptied here and rebuilt under the new keys when the store is opened
        # (store_index.index_new), where the articles' parses can be read.
        "ALTER TABLE pages ADD COLUMN doc INTEGER",
        "CREATE UNIQUE INDEX pages_doc ON pages (doc)",
        # A dictionary compressed against another (NULL: plain zlib), see store_codec.
        "ALTER TABLE page_dicts ADD COLUMN base INTEGER REFERENCES page_dicts (id)",
        # Most pages are stored under the URL they were fetched at: index only the others.
        "DROP INDEX pages_final_url",
        "CREATE INDEX pages_redirected ON pages (final_url) WHERE final_url <> url",
        "INSERT INTO search_index (search_index) VALUES ('delete-all')",
        "DROP VIEW pages_fts",
        _PAGES_FTS_VIEW,
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
        # the store is opened (store_index.index_new), a batch at a time, from the lowest key:
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
        _PAGES_FTS_VIEW,
    ),
    (
        # Schema 6: articles seen in a listing but not fetched, found by their title and sapo
        # until they are (store_index.list_items); ``doc`` is their key in the index, as pages.doc.
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
    (
        # Schema 7: the fields with their diacritics move to an index of their own that
        # keeps only which words each field holds (detail=column): two fifths of the size of
        # the positions schema 5 kept for them. Their phrase is the folded index's (see
        # search.ranking_tiers). Rebuilt when the store is opened, as for schema 5.
        "DROP VIEW pages_fts",
        "DROP TABLE search_index",
        """
        CREATE VIRTUAL TABLE search_index USING fts5 (
            title, sapo, body, captions,
            content = '',
            tokenize = 'unicode61 remove_diacritics 0'
        )
        """,
        """
        CREATE VIRTUAL TABLE search_exact USING fts5 (
            xtitle, xsapo, xbody, xcaptions,
            content = '', detail = column, columnsize = 0,
            tokenize = 'unicode61 remove_diacritics 0'
        )
        """,
        "DELETE FROM index_rebuild",
        "INSERT INTO index_rebuild (reached) VALUES (-1)",
        _PAGES_FTS_VIEW,
    ),
)

# The pages stored under a URL (?1) or redirected to it. The second half names the
# condition of the partial index pages_redirected, so SQLite can use it.
BY_URL = "(url = ?1 OR (final_url = ?1 AND final_url <> url))"

# The articles that have no search key yet (a store from before schema 3).
UNKEYED = "doc IS NULL AND kind = 'article'"

PAGE_COLUMNS = (
    "url, final_url, kind, status, etag, last_modified, fetched_at, checked_at, body, "
    "parsed, generation, dict, origin"
)
