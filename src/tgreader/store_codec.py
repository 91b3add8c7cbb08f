"""How the page store keeps a page small: its HTML and its parse compressed with zlib
against a dictionary shared by pages of its kind and generation.

Pages of one kind and generation share most of their HTML (header, menu, sidebars,
footer), and a page's text is also in its parse. So a page is compressed against a
dictionary (``page_dicts``: an earlier page of its kind and generation without its own
text, with the page's own parse where that text stood, so that each part lies about as
far back as zlib's 32 KB window allows), and ``pages.dict`` names the dictionary (NULL:
plain zlib). Pages of other kinds share the furniture too: a dictionary is itself kept
compressed against an older one, ``page_dicts.base``, when that is smaller (a base is
always kept plain).
"""

from __future__ import annotations

import re
import sqlite3
import zlib
from typing import Any, NamedTuple

__all__ = ["Codec", "PreparedRow", "SharedDict", "deflate", "inflate"]

ZLIB_LEVEL = 6  # 9 saves under 1 % more and takes 20 % longer, with a dictionary or not
# zlib refers back at most 32 KB, from the end of the dictionary: a dictionary of about
# a page's size lets every part of the page reach its counterpart.
DICT_SIZE = 30_000
# A page compressed to more than this share of its size is poorly served by its dictionary
# (plain zlib gives 0.3 on a small page, a fitting dictionary 0.02-0.06); after
# _DICT_PATIENCE such pages in a row, the next one becomes its kind's new dictionary (the
# site's look changed).
_DICT_POOR = 0.2
_DICT_PATIENCE = 16
_BODY_TAG = re.compile(r"<body[\s>]", re.IGNORECASE)


class PreparedRow(NamedTuple):
    """A page prepared for writing (encoding and folding done outside the lock); its HTML
    and parse are compressed inside it, against its kind's current dictionary."""

    values: dict[str, Any]
    fts: tuple[str, ...] | None  # the search index's columns
    html: bytes
    parsed: bytes  # the parse as JSON
    parsed_dict: dict[str, Any]


class SharedDict(NamedTuple):
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
            return (self.html + parsed_json)[-DICT_SIZE:]
        return (self.html[: self.split] + parsed_json + self.html[self.split :])[:DICT_SIZE]

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


def deflate(data: bytes, zdict: bytes | None, level: int = ZLIB_LEVEL) -> bytes:
    """``data`` compressed (against ``zdict`` when given)."""
    if zdict is None:
        return zlib.compress(data, level)
    packer = zlib.compressobj(level, zdict=zdict)
    return packer.compress(data) + packer.flush()


def inflate(blob: bytes, zdict: bytes | None) -> bytes:
    """``blob`` decompressed; zlib.error when it is damaged or cut short."""
    if zdict is None:
        return zlib.decompress(blob)
    unpacker = zlib.decompressobj(zdict=zdict)
    data = unpacker.decompress(blob) + unpacker.flush()
    if not unpacker.eof:
        raise zlib.error("compressed data is truncated")
    return data


class Codec:
    """Compresses and decompresses a store's pages; keeps the dictionaries it has read (a
    dictionary never changes). Used under the store's lock."""

    def __init__(self) -> None:
        self.dicts: dict[int, SharedDict] = {}
        self._poorly_served: dict[tuple[str, str], int] = {}

    def clear(self) -> None:
        """Forget the dictionaries: the store was emptied or started over."""
        self.dicts.clear()
        self._poorly_served.clear()

    def shared(self, db: sqlite3.Connection, dict_id: int) -> SharedDict:
        """Dictionary ``dict_id``, read once; zlib.error when it is missing or damaged."""
        found = self.dicts.get(dict_id)
        if found is None:
            row = db.execute(
                "SELECT html, split, parsed, base FROM page_dicts WHERE id = ?", (dict_id,)
            ).fetchone()
            if row is None:
                raise zlib.error(f"compression dictionary {dict_id} is missing")
            if row[3] is not None and not 0 < row[3] < dict_id:  # a base is an older one
                raise zlib.error(f"compression dictionary {dict_id} has a bad base")
            base = self.shared(db, row[3]) if row[3] is not None else None
            html = inflate(row[0], base.html[-DICT_SIZE:] if base else None)
            parsed = inflate(row[2], base.parsed if base else None)
            found = SharedDict(dict_id, html, int(row[1]), parsed[-DICT_SIZE:])
            self.dicts[dict_id] = found
        return found

    def decode(
        self, db: sqlite3.Connection, body: bytes | None, parsed: bytes, dict_id: int | None
    ) -> tuple[bytes | None, bytes]:
        """The HTML (when ``body`` is given) and the parse JSON of a stored row, as bytes."""
        shared = self.shared(db, dict_id) if dict_id is not None else None
        parsed_json = inflate(parsed, shared.parsed if shared else None)
        if body is None:
            return None, parsed_json
        return inflate(body, shared.for_html(parsed_json) if shared else None), parsed_json

    def parse_of(self, parsed: bytes, dict_id: int | None) -> bytes:
        """The parse JSON of a stored row whose dictionary was already read (from another
        thread than the store's: no database here); KeyError when it was not read."""
        shared = self.dicts[dict_id] if dict_id is not None else None
        return inflate(parsed, shared.parsed if shared else None)

    def encode(self, db: sqlite3.Connection, row: PreparedRow) -> dict[str, Any]:
        """``body``, ``parsed`` and ``dict`` of ``row``: compressed against its kind's
        current dictionary; the first page of a kind (or one that the dictionary serves
        poorly, after several) becomes a new dictionary, and is then compressed against it
        (to almost nothing: the dictionary is that page)."""
        key = (row.values["kind"], row.values["generation"])
        latest = db.execute(
            "SELECT max(id) FROM page_dicts WHERE kind = ? AND generation = ?", key
        ).fetchone()[0]
        if latest is not None:
            shared = self.shared(db, latest)
            body = deflate(row.html, shared.for_html(row.parsed))
            if len(body) <= _DICT_POOR * len(row.html):
                self._poorly_served.pop(key, None)
            else:
                self._poorly_served[key] = self._poorly_served.get(key, 0) + 1
            if self._poorly_served.get(key, 0) <= _DICT_PATIENCE:
                parsed = deflate(row.parsed, shared.parsed)
                return {"body": body, "parsed": parsed, "dict": latest}
        self._poorly_served.pop(key, None)
        shared = self._new_dict(db, key, row)
        return {
            "body": deflate(row.html, shared.for_html(row.parsed)),
            "parsed": deflate(row.parsed, shared.parsed),
            "dict": shared.id,
        }

    def _new_dict(
        self, db: sqlite3.Connection, key: tuple[str, str], row: PreparedRow
    ) -> SharedDict:
        """``row``'s page made its kind's new dictionary."""
        skeleton, split = SharedDict.layout(row.html, row.parsed_dict)
        # Pages of other kinds share much of the furniture: a new dictionary is kept
        # compressed against the latest one kept plain (its base), when that is smaller.
        plain = (deflate(skeleton, None, 9), deflate(row.parsed, None, 9))
        packed, base_id = plain, None
        root_id = db.execute("SELECT max(id) FROM page_dicts WHERE base IS NULL").fetchone()[0]
        if root_id is not None:
            root = self.shared(db, root_id)
            against = (
                deflate(skeleton, root.html[-DICT_SIZE:], 9),
                deflate(row.parsed, root.parsed, 9),
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
        return SharedDict(made.lastrowid, skeleton, split, row.parsed[-DICT_SIZE:])
