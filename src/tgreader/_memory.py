"""Keep the memory a parsed page freed for the next page (glibc only).

Lexbor builds a page's tree in memory it gets from ``malloc`` and frees it all when the
document goes. glibc then hands the top of its heap back to the kernel whenever more than
its trim threshold is free there, and the next page faults every one of those pages in
again: for the 150 KB Gen A benchmark page, 256 page faults and 0.8 ms of a 1.4 ms Lexbor
parse, at every page. With the threshold raised, up to :data:`KEEP` bytes stay for reuse
(the reader's resident size did not change). Asked by the tgreader program at its start
(``cli.program``, :func:`keep_freed_memory_for_parsing`) and done when the parser loads:
a process-wide change, so never by library use, and not at all by a run that parses
nothing (the reader on its stored pages: ``ctypes`` and the parser stay unloaded).
"""

from __future__ import annotations

import sys
from functools import cache

__all__ = ["KEEP", "keep_freed_memory", "keep_freed_memory_for_parsing", "parser_loading"]

KEEP = 8 * 1024 * 1024
_M_TRIM_THRESHOLD = -1  # glibc's malloc.h
_PARSER = "tgreader.parse"
_asked = False


def keep_freed_memory_for_parsing() -> None:
    """The program's request: keep freed memory from the time the parser loads (at once if
    it is loaded already)."""
    global _asked
    _asked = True
    if _PARSER in sys.modules:
        keep_freed_memory()


def parser_loading() -> None:
    """Called by the parser package as it loads: does what the program asked, if it did."""
    if _asked:
        keep_freed_memory()


@cache
def keep_freed_memory() -> bool:
    """Raise glibc's trim threshold to :data:`KEEP` (once); False where that cannot be done."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes  # (only here: 1.7 ms to import, and the reader on stored pages never needs it)

    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_TRIM_THRESHOLD, KEEP))  # musl's mallopt does nothing: 0
