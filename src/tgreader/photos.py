"""Photos of articles: decoded safely, downscaled, and kept in their own SQLite file.

A photo from the network is untrusted bytes. It is decoded with Pillow only after its
header has been read and its size checked (a decompression bomb announces its size),
only its first frame is decoded (a GIF of 1,000 frames costs one), and it is stored
re-encoded as a JPEG at most ``MAX_WIDTH`` pixels wide, so the store stays small and the
reader never decodes a large file again. Any photo that cannot be had this way is a
:class:`PhotoError`; the reader shows the caption alone.

Pillow is imported on first decode, never at startup.
"""

from __future__ import annotations

import io
import logging
import sqlite3
import time
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from tgreader import _sqlite
from tgreader.errors import ParseError

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

__all__ = [
    "MAX_PHOTO_BYTES",
    "MAX_PIXELS",
    "MAX_WIDTH",
    "PHOTOS_FILENAME",
    "Photo",
    "PhotoError",
    "PhotoInfo",
    "PhotoStore",
    "downscale",
    "photos_path",
]

PHOTOS_FILENAME = "photos.sqlite3"
MAX_PHOTO_BYTES = 5_000_000  # per photo, as fetched
# Pixels of the source image. A 24-megapixel camera photo fits; a bomb (a small file
# announcing 50,000 x 50,000) is refused before a byte of it is decoded.
MAX_PIXELS = 40_000_000
MAX_WIDTH = 1280
_QUALITY = 80
_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")

log = logging.getLogger("tgreader.photos")


class PhotoError(ParseError):
    """A photo that cannot be shown: not an image, damaged, or too large to decode."""


class Photo(NamedTuple):
    """A stored photo: JPEG bytes and their size in pixels."""

    url: str
    data: bytes
    width: int
    height: int


class PhotoInfo(NamedTuple):
    """How many photos are stored and how many bytes they take."""

    photos: int
    size: int


def downscale(url: str, data: bytes) -> Photo:
    """Decode ``data`` (first frame only), shrink it to ``MAX_WIDTH`` and re-encode it.

    Raises :class:`PhotoError` for anything that is not a sound photo of a sane size.
    """
    from PIL import Image

    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its own limit; a warning here is a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=_FORMATS) as image:
                return _reencode(url, image)
    except PhotoError:
        raise
    except Exception as error:  # Pillow's decoders raise many kinds of error for bad input
        raise PhotoError(url, f"not a usable image ({type(error).__name__}: {error})") from None


def _reencode(url: str, image: PILImage) -> Photo:
    from PIL import Image

    width, height = image.size
    if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
        raise PhotoError(url, f"image of {width}x{height} pixels is too large to decode")
    target = (min(width, MAX_WIDTH), max(1, round(height * min(width, MAX_WIDTH) / width)))
    # A JPEG can be decoded at 1/2, 1/4 or 1/8 scale directly: much less work for big ones.
    image.draft("RGB", target)
    frame = image.convert("RGB")  # decodes the current (first) frame only
    if frame.size != target:
        frame = frame.resize(target, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    frame.save(out, "JPEG", quality=_QUALITY, optimize=True)
    return Photo(url, out.getvalue(), frame.width, frame.height)


_MIGRATIONS: tuple[_sqlite.Migration, ...] = (
    (
        """
        CREATE TABLE photos (
            url       TEXT PRIMARY KEY,
            data      BLOB NOT NULL,
            width     INTEGER NOT NULL,
            height    INTEGER NOT NULL,
            size      INTEGER NOT NULL,
            stored_at REAL NOT NULL
        )
        """,
        "CREATE INDEX photos_stored_at ON photos (stored_at)",
    ),
)


class PhotoStore(_sqlite.Database):
    """Downscaled photos keyed by URL, in a file of their own beside the page store (so
    clearing photos never touches pages). Safe to share between threads."""

    MIGRATIONS = _MIGRATIONS
    NAME = "the photo store"

    def get(self, url: str) -> Photo | None:
        """The photo stored for ``url``, if any."""
        with self._db() as db:
            row = db.execute(
                "SELECT data, width, height FROM photos WHERE url = ?", (url,)
            ).fetchone()
        return Photo(url, bytes(row[0]), int(row[1]), int(row[2])) if row else None

    def sizes(self, urls: Iterable[str]) -> dict[str, tuple[int, int]]:
        """Width and height of those of ``urls`` that are stored (for reserving space)."""
        wanted = list(dict.fromkeys(urls))
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        with self._db() as db:
            rows = db.execute(
                f"SELECT url, width, height FROM photos WHERE url IN ({marks})", wanted
            ).fetchall()
        return {url: (int(w), int(h)) for url, w, h in rows}

    def put(self, photo: Photo, cap_bytes: int, *, now: float | None = None) -> int:
        """Store ``photo``, then drop the oldest photos until the total is within
        ``cap_bytes``; return how many were dropped."""
        stamp = time.time() if now is None else now
        with self._db() as db, _sqlite.transaction(db):
            db.execute(
                "INSERT OR REPLACE INTO photos (url, data, width, height, size, stored_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (photo.url, photo.data, photo.width, photo.height, len(photo.data), stamp),
            )
            return self._evict(db, cap_bytes)

    @staticmethod
    def _evict(db: sqlite3.Connection, cap_bytes: int) -> int:
        total = int(db.execute("SELECT coalesce(sum(size), 0) FROM photos").fetchone()[0])
        dropped = 0
        if total <= cap_bytes:
            return 0
        oldest = db.execute("SELECT url, size FROM photos ORDER BY stored_at, url").fetchall()
        for url, size in oldest:
            if total <= cap_bytes:
                break
            db.execute("DELETE FROM photos WHERE url = ?", (url,))
            total -= int(size)
            dropped += 1
        return dropped

    def info(self) -> PhotoInfo:
        """The number of stored photos and their bytes."""
        with self._db() as db:
            count, size = db.execute(
                "SELECT count(*), coalesce(sum(size), 0) FROM photos"
            ).fetchone()
        return PhotoInfo(int(count), int(size))

    def clear(self) -> int:
        """Remove every photo; return how many there were."""
        with self._db() as db, _sqlite.transaction(db):
            return int(db.execute("DELETE FROM photos").rowcount)


def photos_path(store_path: Path) -> Path:
    """The photo store beside the page store ``store_path``."""
    return store_path.with_name(PHOTOS_FILENAME)
