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
_NEXT_DATA = re.compile(
    r'<(?i:script)[^>]*(?i:id)=["\']__NEXT_DATA__["\'][^>]*>(.*?)</(?i:script)>', re.DOTALL
)
_BLOG = re.compile(r'"blog"\s*:\s*\{')


def _push_chunks(html: str) -> list[str]:
    """The strings of every ``push([n, "…"])`` call, decoded.

    The argument is JSON: decoding it straight from the page (one C scan) is ten times
    faster than matching the string with a regular expression first.
    """
    chunks: list[str] = []
    start = html.find(_PUSH)
    while start != -1:
        at = start + len(_PUSH) - 1  # the "[" of the argument
        try:
            value, end = _DECODER.raw_decode(html, at)
        except ValueError:
            value, end = None, at
        if (
            isinstance(value, list)
            and len(value) == 2
            and type(value[0]) is int
            and value[0] >= 0
            and isinstance(value[1], str)
            and html.startswith(")", end)
        ):
            chunks.append(value[1])
            start = html.find(_PUSH, end)
        else:
            start = html.find(_PUSH, start + 1)
    return chunks


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
    decoder = json.JSONDecoder()
    payload = _payload(html)
    for match in _BLOG.finditer(payload):
        try:
            value, _ = decoder.raw_decode(payload, match.end() - 1)
        except ValueError:
            continue
        if isinstance(value, dict):
            found.append(value)
    data = _NEXT_DATA.search(html) if _NEXT_DATA_ID in html else None
    if data:
        with contextlib.suppress(ValueError):
            _collect(json.loads(data.group(1)), found)
    return found


def _collect(value: Any, found: list[dict[str, Any]]) -> None:
    """Walk ``__NEXT_DATA__`` for dicts shaped like a blog object (pages-router sites)."""
    if isinstance(value, dict):
        if (
            "title" in value
            and "slug" in value
            and ("publishDate" in value or "createdAt" in value)
        ):
            found.append(value)
        for item in value.values():
            _collect(item, found)
    elif isinstance(value, list):
        for item in value:
            _collect(item, found)
