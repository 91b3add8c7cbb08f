"""A response's bytes made text: Content-Encoding undone in bounded pieces, and the
charset found (BOM, header, ``<meta>``, then UTF-8) the way browsers do."""

from __future__ import annotations

import codecs
import re
import zlib
from collections.abc import Iterator

__all__ = ["CHUNK", "Decoder", "decode_html", "detect_charset", "looks_like_html"]

CHUNK = 64 * 1024


class Decoder:
    """Undoes a Content-Encoding in bounded pieces, so a small bomb cannot fill memory."""

    def __init__(self, encoding: str | None) -> None:
        codings = [c.strip().lower() for c in (encoding or "").split(",")]
        codings = [c for c in codings if c and c != "identity"]
        self._raw_deflate_fallback = False
        self._zlib: zlib._Decompress | None = None
        if not codings:
            return
        if len(codings) > 1:
            raise ValueError(encoding)
        if codings[0] in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif codings[0] == "deflate":
            # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)
            self._raw_deflate_fallback = True
        else:
            raise ValueError(encoding)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Yield the decoded bytes of ``data``, at most 64 KiB at a time."""
        if self._zlib is None:
            if data:
                yield data
            return
        try:
            yield from self._inflate(data)
        except zlib.error:
            if not self._raw_deflate_fallback:
                raise
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            yield from self._inflate(data)
        self._raw_deflate_fallback = False

    def _inflate(self, data: bytes) -> Iterator[bytes]:
        assert self._zlib is not None
        pending = data
        while not self._zlib.eof:
            out = self._zlib.decompress(pending, CHUNK)
            pending = self._zlib.unconsumed_tail
            if out:
                yield out
            # A full chunk may leave output inside zlib even when all input is consumed.
            if not pending and len(out) < CHUNK:
                break

    def finish(self) -> Iterator[bytes]:
        """Yield what is left, failing when a compressed stream was cut short."""
        if self._zlib is None:
            return
        rest = self._zlib.flush()
        if rest:
            yield rest
        if not self._zlib.eof:
            raise zlib.error("compressed stream is truncated")


def looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<!--")):
        return True
    return any(tag in head for tag in (b"<html", b"<head", b"<body"))


_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([^\s"';,]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:\-]+)""", re.IGNORECASE
)
# Browsers read these labels as windows-1252 (WHATWG Encoding), and so do pages written
# for them: bytes 0x80-0x9F in a "latin-1" page are cp1252 punctuation, not controls.
_AS_CP1252 = frozenset({"iso8859-1", "ascii", "latin-1"})


def _codec(label: str) -> str | None:
    """The Python codec for a charset label, or None when unknown or not a text encoding."""
    try:
        name = codecs.lookup(label.strip().strip("'\"")).name
        b"a".decode(name, "replace")  # refuses bytes-to-bytes codecs: "base64", "rot13"
    except (LookupError, ValueError):
        return None
    return "cp1252" if name in _AS_CP1252 else name


def detect_charset(body: bytes, content_type: str | None = None) -> str:
    """The Python codec to decode ``body`` with.

    A byte order mark wins, then the Content-Type header's charset, then a ``<meta>``
    charset in the first 2 KB; otherwise UTF-8. Unknown names are skipped. A body that is
    valid UTF-8 beyond ASCII is UTF-8 whatever its label says (see ``_mislabelled_utf8``).
    """
    for bom, bom_codec in _BOMS:
        if body.startswith(bom):
            return bom_codec
    if content_type:
        header = _HEADER_CHARSET.search(content_type)
        if header and (codec := _codec(header.group(1))):
            return "utf-8" if _mislabelled_utf8(codec, body) else codec
    meta = _META_CHARSET.search(body[:2048])
    if meta and (codec := _codec(meta.group(1).decode("ascii"))):
        # A page that reached us as ASCII-compatible bytes cannot really be UTF-16.
        if codec.startswith("utf-16") or _mislabelled_utf8(codec, body):
            return "utf-8"
        return codec
    return "utf-8"


def _mislabelled_utf8(codec: str, body: bytes) -> bool:
    """True when ``body`` is labelled with a legacy ``codec`` but is really UTF-8.

    Legacy Vietnamese text (windows-1258, latin-1 labels) puts lone high bytes next to
    ASCII letters, which is never valid UTF-8; so non-ASCII bytes that decode as UTF-8
    mean a server or template that names the wrong charset, and decoding by the label
    would store mojibake.
    """
    if codec == "utf-8" or body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode ``body`` with ``detect_charset``, dropping a BOM and replacing bad bytes."""
    codec = detect_charset(body, content_type)
    for bom, _name in _BOMS:
        if body.startswith(bom):
            body = body[len(bom) :]
            break
    return body.decode(codec, "replace")
