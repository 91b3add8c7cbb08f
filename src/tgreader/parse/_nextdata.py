"""Gen C (tuyengiaodanvan.vn, Next.js): the article objects embedded in the page's payload."""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

__all__ = ["blog_objects"]

# React Server Components stream their data in ``self.__next_f.push([1, "<js string>"])``.
_PUSH = "self.__next_f.push(["
_DECODER = json.JSONDecoder()
# Tag names in any case; the id exactly as Next.js writes it (looked for in the text first).
_NEXT_DATA_ID = "__NEXT_DATA__"
# The opening tag only: matching the script's text in the same expression (``(.*?)</script>``)
# scanned to the end of the page from every opening tag left unclosed, 78 s per MB of them.
# ``[^<>]`` keeps a tag with no ">" from being read on to the end of the page, too.
_NEXT_DATA = re.compile(r'<(?i:script)\b[^<>]*?(?i:id)\s*=\s*["\']__NEXT_DATA__["\'][^<>]*>')
_SCRIPT_END = re.compile(r"</(?i:script)>")
_BLOG = re.compile(r'"blog"\s*:\s*\{')


# A JSONDecodeError counts the lines from the start of the page to the error (for its
# message): a page of thousands of broken calls made each failure cost the page's length,
# 14 s at 1.5 MB. After this many failures the rest of the page is read with _CALL, which
# finds the end of the string itself and hands json only that string.
_MAX_FAILURES = 16
# ``[n, "…"])``, the string matched possessively: a string left open stops at the next quote.
_CALL = re.compile(r'\[\s*\d{1,9}\s*,\s*("(?:[^"\\]++|\\.)*+")\s*\]\)', re.DOTALL)


def _push_chunks(html: str) -> list[str]:
    """The strings of every ``push([n, "…"])`` call, decoded.

    The argument is JSON: decoding it straight from the page (one C scan) is ten times
    faster than matching the string with a regular expression first, so that is done
    until the page shows itself hostile (see ``_MAX_FAILURES``).
    """
    chunks: list[str] = []
    failures = 0
    start = html.find(_PUSH)
    while start != -1:
        at = start + len(_PUSH) - 1  # the "[" of the argument
        if failures < _MAX_FAILURES:
            chunk, end = _decode_call(html, at)
            failures += end is None
        else:
            chunk, end = _match_call(html, at)
        if chunk is not None and end is not None:
            chunks.append(chunk)
            start = html.find(_PUSH, end)
        else:
            start = html.find(_PUSH, start + 1)
    return chunks


def _decode_call(html: str, at: int) -> tuple[str | None, int | None]:
    """The string argument of the call at ``at`` and the end of the call, by json.

    ``(None, None)`` when the argument is not JSON at all; ``(None, end)`` when it is JSON
    of another shape.
    """
    try:
        value, end = _DECODER.raw_decode(html, at)
    except (ValueError, RecursionError):
        return None, None
    if (
        isinstance(value, list)
        and len(value) == 2
        and type(value[0]) is int
        and value[0] >= 0
        and isinstance(value[1], str)
        and html.startswith(")", end)
    ):
        return value[1], end
    return None, end


def _match_call(html: str, at: int) -> tuple[str | None, int | None]:
    """As :func:`_decode_call`, finding the string's end with ``_CALL`` first."""
    match = _CALL.match(html, at)
    if match is None:
        return None, None
    try:
        value = _DECODER.decode(match.group(1))
    except ValueError:
        return None, None
    return (value, match.end() - 1) if isinstance(value, str) else (None, None)


def _payload(html: str) -> str:
    chunks = _push_chunks(html)
    if chunks:
        return "".join(chunks)
    if '\\"blog\\"' in html:
        # Not in a push call we recognise: undo one level of string escaping by hand.
        return html.replace('\\"', '"').replace("\\u003c", "<").replace("\\u003e", ">")
    return ""


def blog_objects(html: str) -> list[dict[str, Any]]:
    """Every ``"blog": {...}`` object in the page's payload, decoded, in page order."""
    found: list[dict[str, Any]] = []
    payload = _payload(html)
    failures = 0
    for match in _BLOG.finditer(payload):
        try:
            value, _ = _DECODER.raw_decode(payload, match.end() - 1)
        except (ValueError, RecursionError):
            # Each failure costs the length of the payload before it (see _MAX_FAILURES):
            # a page of nothing but broken objects is not read to the end.
            failures += 1
            if failures >= _MAX_FAILURES:
                break
            continue
        if isinstance(value, dict):
            found.append(value)
    data = _next_data(html)
    if data:
        # The C decoder recurses once per level: JSON nested too deep is not read.
        with contextlib.suppress(ValueError, RecursionError):
            _collect(json.loads(data), found)
    return found


def _next_data(html: str) -> str | None:
    """The text of the first ``__NEXT_DATA__`` script, if it is closed."""
    if _NEXT_DATA_ID not in html:
        return None
    opening = _NEXT_DATA.search(html)
    if opening is None:
        return None
    end = _SCRIPT_END.search(html, opening.end())
    return html[opening.end() : end.start()] if end else None


def _collect(value: Any, found: list[dict[str, Any]]) -> None:
    """Walk ``__NEXT_DATA__`` for dicts shaped like a blog object (pages-router sites).

    Iterative, with a stack: the JSON came from the page, and its depth with it.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if (
                "title" in item
                and "slug" in item
                and ("publishDate" in item or "createdAt" in item)
            ):
                found.append(item)
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
