"""Gen C (tuyengiaodanvan.vn, Next.js): the article objects embedded in the page's payload."""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

__all__ = ["blog_objects"]

# React Server Components stream their data in ``self.__next_f.push([1, "<js string>"])``.
_PUSH = re.compile(r'self\.__next_f\.push\(\[\s*\d+\s*,\s*("(?:[^"\\]|\\.)*")\s*\]\)', re.DOTALL)
_NEXT_DATA = re.compile(
    r'<script[^>]*id=["\']__NEXT_DATA__["\'][^>]*>(.*?)</script>', re.DOTALL | re.IGNORECASE
)
_BLOG = re.compile(r'"blog"\s*:\s*\{')


def _payload(html: str) -> str:
    chunks: list[str] = []
    for match in _PUSH.finditer(html):
        try:
            chunks.append(json.loads(match.group(1)))
        except ValueError:
            continue
    if chunks:
        return "".join(c for c in chunks if isinstance(c, str))
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
    data = _NEXT_DATA.search(html)
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
