"""The page store's search index: two FTS5 tables over the stored articles and the articles
seen only in lists (``search_index``: folded text, with the words' positions;
``search_exact``: the same with its diacritics, only which words each field holds), their
keys, the ranking's queries, and their rebuild.

The index is contentless: it keeps no copy of the (folded) text, only the index. Since
such an index cannot drop a row without being given its text again, a page whose words
are indexed is never re-indexed under the same key: a replaced article leaves its index
row behind under a key that is never used again, every query joins the pages (so such
rows are never seen), and ``Store.vacuum`` rebuilds the index without them.

Keys: an article's row has the key ``pages.doc`` (``listed.doc`` for one seen only in a
list), made from its publication time (:func:`doc_base`), so the index's own order is
newest last: the newest matches of a query are found by reading the end of each word's
list, not every match of the archive (see :func:`tiered`).

Every function here is called under the store's lock, with its connection.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import zlib
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from tgreader import _sqlite
from tgreader.model import ListItem
from tgreader.search import (
    EXACT_COLUMNS,
    FOLDED_COLUMNS,
    ArticleText,
    SearchHit,
    Tier,
    article_text,
    make_snippet,
    query_phrases,
    section_key,
    url_section_keys,
)
from tgreader.store_codec import Codec
from tgreader.store_schema import BY_URL, UNKEYED
from tgreader.text import VN_TZ

# Index keys per minute of publication time since DOC_EPOCH (see doc_base). The site
# gives minutes. Small keys close together keep the index small: it stores a key as the
# distance from the one before, or whole at the start of a list, in 7-bit bytes (four up
# to 2**28, which these reach in 2063).
DOC_SLOTS = 8
DOC_EPOCH = int(datetime(2000, 1, 1, tzinfo=VN_TZ).timestamp())
# The index's two tables, and the columns each holds, in the order of
# ArticleText.index_fields(): the folded fields, then the same as written.
INDEX_TABLES = ("search_index", "search_exact")
_INSERTS = tuple(
    f"INSERT INTO {table} (rowid, {', '.join(columns)}) VALUES (?, ?, ?, ?, ?)"
    for table, columns in zip(INDEX_TABLES, (FOLDED_COLUMNS, EXACT_COLUMNS), strict=True)
)
_DELETES = tuple(
    f"INSERT INTO {table} ({table}, rowid, {', '.join(columns)}) VALUES ('delete', ?, ?, ?, ?, ?)"
    for table, columns in zip(INDEX_TABLES, (FOLDED_COLUMNS, EXACT_COLUMNS), strict=True)
)
# A reindex commits (and reports progress) after this many articles.
REINDEX_BATCH = 2000
# FTS5 merges an index's segments when this many of a size are there. A rebuild writes
# every article at once: it merges less often meanwhile (less time; the index a little
# larger until later writes merge it).
FTS5_AUTOMERGE = 4  # FTS5's own default
REBUILD_AUTOMERGE = 8
# A tier with a condition on the exact index reads the folded index's matches a batch at a
# time, newest first, growing up to this many, and gives up after this many batches: the
# tiers after it still find the rest, so a rare spelling costs bounded time.
_CHECKED_BATCH = 1024
_CHECKED_ROUNDS = 48


def index_row(db: sqlite3.Connection, doc: int, fields: tuple[str, ...]) -> None:
    """Index ``fields`` (ArticleText.index_fields) under key ``doc`` in both tables."""
    for sql, part in zip(_INSERTS, (fields[:4], fields[4:]), strict=True):
        db.execute(sql, (doc, *part))


def unindex_row(db: sqlite3.Connection, doc: int, fields: tuple[str, ...]) -> None:
    """Drop key ``doc``'s index rows, given the ``fields`` they were made of (a contentless
    index drops a row only when given its text again)."""
    for sql, part in zip(_DELETES, (fields[:4], fields[4:]), strict=True):
        db.execute(sql, (doc, *part))


def index_command(db: sqlite3.Connection, command: str, value: int | None = None) -> None:
    """Give both tables an FTS5 command ("delete-all", "optimize"), or with ``value`` a
    setting ("automerge")."""
    for table in INDEX_TABLES:
        if value is None:
            db.execute(f"INSERT INTO {table} ({table}) VALUES (?)", (command,))
        else:
            db.execute(f"INSERT INTO {table} ({table}, rank) VALUES (?, ?)", (command, value))


def is_indexed(db: sqlite3.Connection, doc: int) -> bool:
    """Whether key ``doc`` has index rows."""
    found = db.execute("SELECT 1 FROM search_index_docsize WHERE id = ?", (doc,))
    return found.fetchone() is not None


def doc_base(published: str | None) -> int:
    """The lowest index key of an article published at ``published`` (ISO 8601, as in
    ``pages.published``): its minute since DOC_EPOCH times DOC_SLOTS. An article without
    a date counts as older than every dated one: the reader is not told it is recent."""
    if published is None:
        return 0
    try:
        when = datetime.fromisoformat(published)
    except ValueError:
        return 0
    if when.tzinfo is None:
        when = when.replace(tzinfo=VN_TZ)
    return max(0, (int(when.timestamp()) - DOC_EPOCH) // 60) * DOC_SLOTS


def listed_fields(title: str, sapo: str) -> tuple[str, ...]:
    """The index's columns for an article known only from a listing."""
    return ArticleText(title, sapo, "", "").index_fields()


def free_doc(db: sqlite3.Connection, published: str | None) -> int:
    """A key for a new index row: at or after the slots of ``published``'s minute, never one
    the index holds (a replaced or deleted article's row, see the module doc) or a page or
    a listed article has (its row may not be indexed yet, during a rebuild).
    Past a minute's last slot, the next minute's slots are used.

    Each full stretch looked at doubles the next one, so many articles in one minute (or
    without a date, all at key 0) cost a few lookups each, not one per eight before them.
    """
    low, width = doc_base(published), DOC_SLOTS
    while True:
        high = low + width - 1
        used = db.execute(
            "SELECT max(k) FROM (SELECT max(id) AS k FROM search_index_docsize "
            "WHERE id BETWEEN ?1 AND ?2 UNION ALL "
            "SELECT max(doc) FROM pages WHERE doc BETWEEN ?1 AND ?2 UNION ALL "
            "SELECT max(doc) FROM listed WHERE doc BETWEEN ?1 AND ?2)",
            (low, high),
        ).fetchone()[0]
        if used is None:
            return low
        if used < high:
            return int(used) + 1
        low, width = high + 1, width * 2


def tiered(
    db: sqlite3.Connection, tiers: tuple[Tier, ...], where: str, params: list[Any], want: int
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
        for doc in newest(db, where, [tier.match, *params], need + len(seen), tier.exact):
            if doc not in seen:
                seen.add(doc)
                found.append((doc, float(len(tiers) - rank)))
        if len(found) >= want:
            break
    return found[:want]


def newest(
    db: sqlite3.Connection, where: str, params: list[Any], limit: int, exact: str | None = None
) -> list[int]:
    """The keys of the ``limit`` newest stored articles matching ``where`` (a condition
    on the folded index) and ``exact`` (a MATCH on the exact index) when given; fewer only
    when there are no more, or when an ``exact`` that few match has had its batches."""
    found: list[int] = []
    bound: list[Any] = []
    batch, rounds = limit, 0
    while len(found) < limit and (exact is None or rounds < _CHECKED_ROUNDS):
        rounds += 1
        asked = limit - len(found) if exact is None else max(limit - len(found), batch)
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
        full, bound = len(keys) == asked, [keys[-1]]
        if exact is not None:
            keys, skip_to = _exact_among(db, exact, keys)
            if skip_to is None:
                break
            bound, batch = [skip_to], min(batch * 2, _CHECKED_BATCH)
            if not keys:
                continue
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
        if not full:
            break
    return found[:limit]


def _exact_among(
    db: sqlite3.Connection, exact: str, keys: list[int]
) -> tuple[list[int], int | None]:
    """Those of ``keys`` (newest first) that match ``exact`` on the exact index, and the
    key to read the folded index below next: past the next exact match when none of
    ``keys`` is one, None when there is no exact match further down."""
    held = {
        int(row[0])
        for row in db.execute(
            "SELECT rowid FROM search_exact WHERE search_exact MATCH ? AND rowid BETWEEN ? AND ?",
            (exact, keys[-1], keys[0]),
        )
    }
    if held:
        return [key for key in keys if key in held], keys[-1]
    below = db.execute(
        "SELECT rowid FROM search_exact WHERE search_exact MATCH ? AND rowid < ? "
        "ORDER BY rowid DESC LIMIT 1",
        (exact, keys[-1]),
    ).fetchone()
    return [], None if below is None else int(below[0]) + 1


def hit_rows(db: sqlite3.Connection, docs: list[int]) -> dict[int, tuple[Any, ...]]:
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


def list_items(db: sqlite3.Connection, items: Iterable[ListItem], section: str | None) -> None:
    """Index the listed ``items`` (of ``section``) that are not stored (title, sapo,
    date, section), so a title seen in a list is found before it is opened."""
    for item in items:
        if not item.url or not item.title:
            continue
        # Stored under this URL, or under the URL that redirected here.
        stored = db.execute(
            f"SELECT 1 FROM pages WHERE {BY_URL} AND kind = 'article'", (item.url,)
        ).fetchone()
        if stored is not None:
            continue
        sapo = item.sapo or ""
        known = db.execute("SELECT title, sapo FROM listed WHERE url = ?", (item.url,))
        if known.fetchone() == (item.title, sapo):
            continue
        unlist(db, item.url)
        published = item.published.isoformat() if item.published else None
        doc = free_doc(db, published)
        keys = ([section_key(section)] if section else []) + url_section_keys(item.url)
        unique = [k for i, k in enumerate(keys) if k and k not in keys[:i]]
        db.execute(
            "INSERT INTO listed (doc, url, title, sapo, section, section_keys, published) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (doc, item.url, item.title, sapo, section,
             " " + " ".join(unique) + " ", published),
        )  # fmt: skip
        index_row(db, doc, listed_fields(item.title, sapo))


def unlist(db: sqlite3.Connection, url: str) -> None:
    """Drop the listed entry of ``url`` and its index rows, if it has them. (A contentless
    index drops a row when given its text again: the title and sapo, kept for that.)"""
    row = db.execute("SELECT doc, title, sapo FROM listed WHERE url = ?", (url,)).fetchone()
    if row is None:
        return
    if is_indexed(db, row[0]):  # (not yet, while a rebuild has not reached the listed)
        unindex_row(db, row[0], listed_fields(row[1], row[2]))
    db.execute("DELETE FROM listed WHERE doc = ?", (row[0],))


def reindex(db: sqlite3.Connection, codec: Codec) -> None:
    """Build the search index again from the stored articles' parses, under new keys."""
    index_command(db, "delete-all")
    db.execute("UPDATE pages SET doc = NULL WHERE doc IS NOT NULL")
    db.execute("DELETE FROM index_rebuild")
    listed = db.execute(
        "SELECT url, title, sapo, section, section_keys, published FROM listed"
    ).fetchall()
    db.execute("DELETE FROM listed")
    index_unkeyed(db, codec)
    for url, title, sapo, section, keys, published in listed:
        doc = free_doc(db, published)
        db.execute(
            "INSERT INTO listed (doc, url, title, sapo, section, section_keys, published) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (doc, url, title, sapo, section, keys, published),
        )
        index_row(db, doc, listed_fields(title, sapo))


def index_unkeyed(db: sqlite3.Connection, codec: Codec, limit: int = -1) -> int:
    """Give up to ``limit`` articles without an index key (``pages.doc``) one, and
    index them (every one with -1); return how many were keyed."""
    rows = db.execute(
        f"SELECT id, published, parsed, dict FROM pages WHERE {UNKEYED} ORDER BY id LIMIT ?",
        (limit,),
    ).fetchall()
    for page_id, published, parsed, dict_id in rows:
        doc = free_doc(db, published)
        # Keyed even when its parse cannot be read, so it is not tried at every open.
        db.execute("UPDATE pages SET doc = ? WHERE id = ?", (doc, page_id))
        index_parse(db, codec, doc, parsed, dict_id)
    return len(rows)


def index_keyed(db: sqlite3.Connection, codec: Codec, reached: int, limit: int) -> int:
    """Index up to ``limit`` keyed articles past key ``reached`` (a schema 5 or 7
    rebuild), and record how far it got; return how many were looked at (0: done, the
    listed articles indexed too)."""
    rows = db.execute(
        "SELECT doc, parsed, dict FROM pages WHERE doc > ? ORDER BY doc LIMIT ?",
        (reached, limit),
    ).fetchall()
    for dict_id in {row[2] for row in rows if row[2] is not None}:
        with contextlib.suppress(zlib.error):
            codec.shared(db, dict_id)  # read here: the helper thread must not touch db
    # Folding runs in a helper thread while SQLite indexes the previous article (it
    # lets go of the GIL while it works): a rebuild takes about a third less time.
    from concurrent.futures import ThreadPoolExecutor  # only a rebuild has a helper

    with ThreadPoolExecutor(max_workers=1) as helper:
        prepared = helper.map(lambda row: index_fields(codec, row[1], row[2]), rows)
        for (doc, _parsed, _dict_id), fields in zip(rows, prepared, strict=True):
            if fields is None:
                continue  # a damaged parse cannot be searched; get() reports it
            if is_indexed(db, doc):
                continue  # written meanwhile by a put, under its new key
            index_row(db, doc, fields)
    if rows:
        db.execute("UPDATE index_rebuild SET reached = ?", (rows[-1][0],))
        return len(rows)
    for doc, title, sapo in db.execute("SELECT doc, title, sapo FROM listed").fetchall():
        if not is_indexed(db, doc):
            index_row(db, doc, listed_fields(title, sapo))
    db.execute("DELETE FROM index_rebuild")
    return 0


def index_fields(codec: Codec, parsed: bytes, dict_id: int | None) -> tuple[str, ...] | None:
    """The index's columns for a stored parse (its dictionary already read), or None
    when it cannot be read."""
    try:
        parsed_json = codec.parse_of(parsed, dict_id)
        return article_text(json.loads(parsed_json.decode("utf-8"))).index_fields()
    except (KeyError, zlib.error, UnicodeDecodeError, ValueError):
        return None


def index_parse(
    db: sqlite3.Connection, codec: Codec, doc: int, parsed: bytes, dict_id: int | None
) -> None:
    if dict_id is not None:
        with contextlib.suppress(zlib.error):
            codec.shared(db, dict_id)
    fields = index_fields(codec, parsed, dict_id)
    if fields is not None:
        index_row(db, doc, fields)


def index_new(
    db: sqlite3.Connection, codec: Codec, on_reindex: Callable[[int, int], None] | None
) -> None:
    """Index the articles of a store from before schema 5 (see store_schema); in a store
    already indexed, two lookups and nothing to do.

    A batch at a time, each committed: an interrupted rebuild goes on where it stopped
    at the next open. ``on_reindex`` is told (done, total) before and after each batch.
    """
    # By the index of keys: only the pages without a key are looked at.
    unkeyed = int(db.execute(f"SELECT count(*) FROM pages WHERE {UNKEYED}").fetchone()[0])
    pending = db.execute("SELECT min(reached) FROM index_rebuild").fetchone()[0]
    keyed = 0
    if pending is not None:
        found = db.execute("SELECT count(*) FROM pages WHERE doc > ?", (pending,))
        keyed = int(found.fetchone()[0])
    total, done, told = unkeyed + keyed, 0, -1
    if total:
        with _sqlite.transaction(db):
            index_command(db, "automerge", REBUILD_AUTOMERGE)
    while True:
        if total and on_reindex is not None and done != told:
            told = min(done, total)
            on_reindex(told, total)
        with _sqlite.transaction(db):
            reached = db.execute("SELECT min(reached) FROM index_rebuild").fetchone()[0]
            if reached is not None:
                step = index_keyed(db, codec, reached, REINDEX_BATCH)
            else:
                step = index_unkeyed(db, codec, REINDEX_BATCH)
        if step == 0 and reached is None:
            break  # (another process may have done some meanwhile)
        done += step
    if total:
        with _sqlite.transaction(db):
            index_command(db, "automerge", FTS5_AUTOMERGE)


def section_filter(section: str | None) -> tuple[str, list[Any]]:
    """The condition on the index (and its parameters after the query's) of a search,
    within ``section`` when given (a name, slug or URL)."""
    where = "search_index MATCH ?"
    if section is None:
        return where, []
    where += (
        " AND rowid IN (SELECT doc FROM pages WHERE instr(section_keys, ?) > 0 "
        "UNION ALL SELECT doc FROM listed WHERE instr(section_keys, ?) > 0)"
    )
    return where, [f" {section_key(section)} "] * 2


def make_hits(
    query: str,
    ranked: list[tuple[int, float]],
    rows: dict[int, tuple[Any, ...]],
    texts: dict[int, bytes | None],
) -> list[SearchHit]:
    """The hits of ``ranked`` (key, score), from their ``rows`` (see :func:`hit_rows`) and
    their parses (``texts``, None when damaged), each with a snippet around the query."""
    phrases = query_phrases(query)
    whole = tuple(token for phrase in phrases for token in phrase)
    hits: list[SearchHit] = []
    for doc, rank in ranked:
        if doc not in rows:
            continue
        url, title, sec, published, parsed, _dict = rows[doc]
        if isinstance(parsed, str):  # a listed article: its sapo is all there is
            snippet, spans = make_snippet((parsed, title or ""), phrases, prefer=whole)
            hits.append(SearchHit(url, title or "", sec, published, snippet, spans, rank, False))
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
