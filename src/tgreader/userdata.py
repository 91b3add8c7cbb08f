"""The reader's own data: bookmarks and which articles were read.

Kept in a separate SQLite file under the user *data* folder, not the cache, so clearing
the cache or losing a damaged cache file never loses them. Threading as in ``store.py``:
one connection per UserData, shared between threads under a lock.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from platformdirs import user_data_dir

from tgreader import _sqlite

__all__ = [
    "USERDATA_FILENAME",
    "Bookmark",
    "UserData",
    "default_data_dir",
    "default_userdata_path",
]

USERDATA_FILENAME = "userdata.sqlite3"
_CHUNK = 500  # URLs per IN (...) query, well under SQLite's variable limit

_MIGRATIONS: tuple[_sqlite.Migration, ...] = (
    (
        "CREATE TABLE read_state (url TEXT PRIMARY KEY, read_at REAL NOT NULL)",
        """
        CREATE TABLE bookmarks (
            url      TEXT PRIMARY KEY,
            title    TEXT NOT NULL,
            added_at REAL NOT NULL
        )
        """,
        "CREATE INDEX bookmarks_added_at ON bookmarks (added_at)",
    ),
)


def default_data_dir() -> Path:
    """The data folder: ``$TGREADER_DATA_DIR`` if set, else the platform's user data."""
    override = os.environ.get("TGREADER_DATA_DIR")
    if override:
        return Path(override).expanduser()
    return Path(user_data_dir("tgreader", appauthor=False))


def default_userdata_path() -> Path:
    """The user data file inside :func:`default_data_dir`."""
    return default_data_dir() / USERDATA_FILENAME


class Bookmark(NamedTuple):
    """A bookmarked article."""

    url: str
    title: str
    added_at: float


class UserData(_sqlite.Database):
    """Bookmarks and read state. Open with :meth:`UserData.open`; safe to share between
    threads."""

    MIGRATIONS = _MIGRATIONS
    NAME = "the user data file"
    SALVAGE = ("bookmarks", "read_state")

    # --- read state -----------------------------------------------------------------

    def mark_read(self, url: str, read: bool = True) -> None:
        """Mark ``url`` as read (or, with ``read=False``, as unread)."""
        with self._db() as db, _sqlite.transaction(db):
            if read:
                db.execute(
                    "INSERT INTO read_state (url, read_at) VALUES (?, ?) "
                    "ON CONFLICT (url) DO NOTHING",
                    (url, time.time()),
                )
            else:
                db.execute("DELETE FROM read_state WHERE url = ?", (url,))

    def is_read(self, url: str) -> bool:
        """True when ``url`` was marked read."""
        with self._db() as db:
            return (
                db.execute("SELECT 1 FROM read_state WHERE url = ?", (url,)).fetchone() is not None
            )

    def read_urls(self, urls: Iterable[str]) -> set[str]:
        """The subset of ``urls`` marked read (one query per few hundred URLs)."""
        wanted = list(dict.fromkeys(urls))
        found: set[str] = set()
        with self._db() as db:
            for i in range(0, len(wanted), _CHUNK):
                chunk = wanted[i : i + _CHUNK]
                marks = ", ".join("?" * len(chunk))
                rows = db.execute(f"SELECT url FROM read_state WHERE url IN ({marks})", chunk)
                found.update(row[0] for row in rows)
        return found

    # --- bookmarks ------------------------------------------------------------------

    def add_bookmark(self, url: str, title: str) -> None:
        """Bookmark ``url``; bookmarking it again updates the title and keeps its date."""
        with self._db() as db, _sqlite.transaction(db):
            db.execute(
                "INSERT INTO bookmarks (url, title, added_at) VALUES (?, ?, ?) "
                "ON CONFLICT (url) DO UPDATE SET title = excluded.title",
                (url, title, time.time()),
            )

    def remove_bookmark(self, url: str) -> bool:
        """Remove the bookmark on ``url``; False if there was none."""
        with self._db() as db, _sqlite.transaction(db):
            return db.execute("DELETE FROM bookmarks WHERE url = ?", (url,)).rowcount > 0

    def toggle_bookmark(self, url: str, title: str) -> bool:
        """Bookmark ``url`` if it is not, else remove it; True when it is now bookmarked."""
        with self._db() as db, _sqlite.transaction(db):
            if db.execute("DELETE FROM bookmarks WHERE url = ?", (url,)).rowcount > 0:
                return False
            db.execute(
                "INSERT INTO bookmarks (url, title, added_at) VALUES (?, ?, ?)",
                (url, title, time.time()),
            )
            return True

    def is_bookmarked(self, url: str) -> bool:
        """True when ``url`` is bookmarked."""
        with self._db() as db:
            return (
                db.execute("SELECT 1 FROM bookmarks WHERE url = ?", (url,)).fetchone() is not None
            )

    def bookmarks(self) -> list[Bookmark]:
        """All bookmarks, newest first."""
        with self._db() as db:
            rows = db.execute(
                "SELECT url, title, added_at FROM bookmarks ORDER BY added_at DESC, rowid DESC"
            ).fetchall()
        return [Bookmark(url, title, added_at) for url, title, added_at in rows]
