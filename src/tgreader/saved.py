"""Saved pages given to ``tgreader read PATH``: found, read safely, parsed as their kind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tgreader.errors import UsageError
from tgreader.model import Article, Home, Listing
from tgreader.urls import Site, page_kind

__all__ = ["MAX_FILE_BYTES", "is_file_target", "read_file", "read_local"]


# A saved page is read whole into memory: no bigger than the largest download.
MAX_FILE_BYTES = 8 * 1024 * 1024


def is_file_target(target: str) -> bool:
    """True when ``read``'s target names a local file rather than a URL or a site path.

    Anything that exists on disk or does not start with "/" is a file; so is an absolute
    path whose folder exists (``/tmp/x.html``), unlike a site path (``/kinh-te/bai-123``).
    """
    if "://" in target:
        return False
    if os.path.lexists(target) or not target.startswith("/"):
        return True
    parent = Path(target).parent
    return parent != Path("/") and parent.is_dir()


def read_file(path: Path, site: Site) -> Article | Listing | Home:
    """A saved page, parsed as the kind of page its own URL (canonical link) says."""
    data = read_local(path)
    html = data.decode("utf-8", errors="replace")
    from tgreader.parse import page_url_hint, parse_article, parse_home, parse_listing

    hint = page_url_hint(html)
    url = site.canonical(hint) if hint else None
    if url is None or not site.is_site_url(url):
        return parse_article(html, hint or path.resolve().as_uri(), site)
    kind = page_kind(url)
    if kind == "home":
        return parse_home(html, url, site)
    return (parse_listing if kind == "listing" else parse_article)(html, url, site)


def read_local(path: Path) -> bytes:
    """The bytes of a saved page: a regular file (never a FIFO or a device), capped."""
    try:
        # O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise UsageError(str(path), "no such file") from None
    except OSError as error:
        raise UsageError(str(path), error.strerror or str(error)) from None
    try:
        # Before fdopen, which refuses a folder with IsADirectoryError of its own.
        regular = stat.S_ISREG(os.fstat(fd).st_mode)
    except OSError as error:
        os.close(fd)
        raise UsageError(str(path), error.strerror or str(error)) from None
    if not regular:
        os.close(fd)
        raise UsageError(str(path), "not a regular file (a folder, a device or a pipe)")
    with os.fdopen(fd, "rb") as file:
        try:
            data = file.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise UsageError(str(path), error.strerror or str(error)) from None
    if len(data) > MAX_FILE_BYTES:
        raise UsageError(str(path), f"larger than {MAX_FILE_BYTES // 1024 // 1024} MB")
    return data
