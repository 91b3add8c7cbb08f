"""Sample pages to mutate, mutations that break them, and the checks every parse must pass."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from hypothesis import strategies as st

from tgreader.demo.server import default_root
from tgreader.fetch import decode_html

__all__ = [
    "COMPOSING",
    "FORBIDDEN",
    "HOSTILE_CHARS",
    "HOSTILE_HREFS",
    "Mutant",
    "Page",
    "mutated",
    "problems",
    "sample_pages",
    "strings",
]

Kind = Literal["article", "listing", "home", "invalid"]
VARIANTS = Path(__file__).parents[2] / "fixtures" / "variants"


@dataclass(frozen=True)
class Page:
    """A sample page: its name, the kind the parser should find, its URL and its HTML."""

    name: str
    kind: Kind
    url: str
    html: str

    def __repr__(self) -> str:
        return f"Page({self.name!r})"


@dataclass(frozen=True)
class Mutant:
    """A sample page after mutations (its repr names them, not the whole HTML)."""

    page: Page
    html: str
    done: tuple[str, ...]

    def __repr__(self) -> str:
        return f"Mutant({self.page.name!r}, {list(self.done)}, {len(self.html)} characters)"


@cache
def sample_pages() -> tuple[Page, ...]:
    """Every page of the demo site and every variant fixture."""
    root = default_root()
    pages: list[Page] = []
    for file in sorted(root.rglob("*.html")):
        relative = file.relative_to(root).as_posix().removesuffix(".html")
        path, _, number = relative.partition("@page=")
        kind: Kind
        if relative == "index":
            kind, url = "home", "https://tuyengiao.vn/"
        else:
            kind = "listing" if "/" not in relative else "article"
            url = f"https://tuyengiao.vn/{path}" + (f"?page={number}" if number else "")
        pages.append(Page(f"demo/{relative}", kind, url, file.read_text("utf-8")))
    for case in json.loads((VARIANTS / "fixtures.json").read_text("utf-8")):
        html = (VARIANTS / case["file"]).read_bytes().decode("utf-8", "replace")
        pages.append(Page(f"variants/{case['file']}", case["kind"], case["url"], html))
    return tuple(pages)


# -- what no string of a parse may hold ------------------------------------------------------

# C0 and C1 controls (tab and newline too: text is whitespace-collapsed), bidi embeddings,
# overrides, isolates and marks, zero-width characters and joiners, the BOM.
FORBIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
# Hangul fillers: letters that show as nothing (and every format character, checked by
# its Unicode category).
FILLERS = frozenset("\u115f\u1160\u3164\uffa0")
_URL_KEYS = frozenset({"url", "src", "thumbnail", "next"})


def strings(data: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a ``to_dict()`` result, with the key it is found under."""
    if isinstance(data, str):
        yield key, data
    elif isinstance(data, dict):
        for name, value in data.items():
            yield from strings(value, str(name))
    elif isinstance(data, list | tuple):
        for value in data:
            yield from strings(value, key)


def problems(data: dict[str, Any]) -> list[str]:
    """What is wrong with the strings of a parse (empty when all is well)."""
    found: list[str] = []
    for key, text in strings(data):
        if not unicodedata.is_normalized("NFC", text):
            found.append(f"{key}: not NFC: {text!r}")
        if bad := FORBIDDEN.search(text):
            found.append(f"{key}: holds {bad.group()!r}: {text!r}")
        invisible = [c for c in text if c in FILLERS or unicodedata.category(c) == "Cf"]
        if invisible:
            found.append(f"{key}: holds {invisible[0]!r}: {text!r}")
        if key in _URL_KEYS:
            if not re.match(r"https?://[^/\s]+", text):
                found.append(f"{key}: not an http(s) URL: {text!r}")
            if re.search(r"\s", text):
                found.append(f"{key}: white space in a URL: {text!r}")
        elif text != text.strip() or "  " in text:
            found.append(f"{key}: white space not collapsed: {text!r}")
    return found


# -- mutations --------------------------------------------------------------------------------

HOSTILE_CHARS = (
    "\x00\x01\x07\x08\t\n\x0b\x0c\r\x1b\x7f\x80\x85\x9b\x9d\x9c\xa0\xad"
    "\u034f\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d"
    "\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u3000\ufeff\ufffd\ufffe"
    "\u0300\u0301\u0303\u0309\u0323\u0110\u0111\u00d0\u212b\u2126\uac00\u1100\u1161"
    "\u0600\u070f\u206a\u206f\ufff9\ufffb\U000e0001\U000e0041\U0001d173\u115f\u1160\u3164"
    "\uffa0"
    "<>&\"'=/[]\\ aeoyAOU"
)
# Letters, the marks they compose with, and what may sit between the two.
COMPOSING = "aeoyAOUĐ\u0301\u0302\u0303\u0306\u0309\u031b\u0323\u200b\u202e\ufeff\x1b\x9b \n\xa0"
ENTITIES = (
    "&#0;",
    "&#x1b;",
    "&#27;",
    "&#x9b;",
    "&#128;",
    "&#x85;",
    "&#xD800;",
    "&#1114112;",
    "&#x202E;",
    "&#x2066;",
    "&#x200B;",
    "&#xFEFF;",
    "&zwnj;",
    "&zwj;",
    "&lrm;",
    "&rlm;",
    "&nbsp;",
    "&ETH;",
    "&#x301;",
    "&#x323;",
    "&amp;",
    "&lt;script&gt;",
    "&#9;",
    "&#10;",
)
HOSTILE_HREFS = (
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "\x01javascript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "javascript&colon;alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:image/png;base64,AAAA",
    "file:///etc/passwd",
    "FILE://C:/Windows/win.ini",
    "vbscript:msgbox(1)",
    "mailto:a@example.com",
    "ftp://tuyengiao.vn/a-123456",
    "about:blank",
    "blob:x",
    "//evil.example/thoi-su/bai-123456",
    "http://evil.example/thoi-su/bai-123456",
    "https://tuyengiao.vn.evil.example/a/b-123456",
    "https://evil.example@tuyengiao.vn/a-123456",
    "/a/b\u202egpj.exe-123456",
    "/a/\x1b[2Jb-123456",
    "/a/b\u200b-123456",
    "/a/ho\u0323i-123456",
    "/a/b%00c-123456",
    "http://[::1/a-123456",
    "https://tuyengiao.vn:99999/a-123456",
)
TAGS = (
    "<div>",
    "</div>",
    "<p>",
    "</p>",
    "<table><tr><td>",
    "</td></tr></table>",
    "<ul><li>",
    "</li></ul>",
    "<span>",
    "</span>",
    "<b>",
    "<i>",
    "<h1>",
    "</h1>",
    "<h2>Các tin khác</h2>",
    '<h3 class="box-title">Tin liên quan</h3>',
    '<figure><img src="/a.jpg"><figcaption>',
    "</figcaption></figure>",
    "<blockquote>",
    "</blockquote>",
    "<script>",
    "</script>",
    "<style>",
    "</style>",
    "<template>",
    "</template>",
    "<svg><foreignObject>",
    "</svg>",
    "<math><mi>",
    "<noscript>",
    "<textarea>",
    "<select><option>",
    "<iframe>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<br>",
    "<hr>",
    "<html>",
    "<body>",
    "</body>",
    "</html>",
    "<head>",
    '<meta charset="windows-1258">',
    '<base href="javascript:alert(1)//">',
    '<div class="story-body">',
    '<div class="storydetail">',
    '<h1 class="story-headline">',
    '<script id="__NEXT_DATA__" type="application/json">{"props":',
)

Op = Callable[[st.DrawFn, str], str]


def _pos(draw: st.DrawFn, html: str) -> int:
    return draw(st.integers(0, len(html)))


def _span(draw: st.DrawFn, html: str, longest: int = 4000) -> tuple[int, int]:
    start = _pos(draw, html)
    return start, min(len(html), start + draw(st.integers(0, longest)))


def _tag_span(draw: st.DrawFn, html: str) -> tuple[int, int]:
    bounds = [m.start() for m in re.finditer("<", html)] + [len(html)]
    first = draw(st.integers(0, len(bounds) - 1))
    last = draw(st.integers(first, min(len(bounds) - 1, first + 40)))
    return bounds[first], bounds[last]


def insert_chars(draw: st.DrawFn, html: str) -> str:
    """Control, bidi, zero-width, combining and markup characters, or any at all."""
    text = draw(
        st.text(st.sampled_from(COMPOSING), min_size=1, max_size=8)
        | st.text(
            st.sampled_from(HOSTILE_CHARS) | st.characters(exclude_categories=["Cs"]),
            min_size=1,
            max_size=12,
        )
    )
    at = _pos(draw, html)
    return html[:at] + text + html[at:]


def insert_entity(draw: st.DrawFn, html: str) -> str:
    """A character reference, many of them to characters that must never come out."""
    at = _pos(draw, html)
    return html[:at] + draw(st.sampled_from(ENTITIES)) + html[at:]


def insert_tags(draw: st.DrawFn, html: str) -> str:
    """Unbalanced open and close tags, at a tag boundary: random nesting."""
    bounds = [m.start() for m in re.finditer("<", html)] or [0]
    at = draw(st.sampled_from(bounds))
    tags = "".join(draw(st.lists(st.sampled_from(TAGS), min_size=1, max_size=8)))
    return html[:at] + tags + html[at:]


def insert_link(draw: st.DrawFn, html: str) -> str:
    """A link or an image to a hostile, malformed or off-site address, at a tag boundary."""
    bounds = [m.start() for m in re.finditer("<", html)] or [0]
    at = draw(st.sampled_from(bounds))
    href = draw(st.sampled_from(HOSTILE_HREFS)).replace('"', "&quot;")
    kind = draw(st.sampled_from(("a", "img", "a-img")))
    if kind == "a":
        tag = f'<a href="{href}">Liên kết \u202e{href[:8]}</a>'
    elif kind == "img":
        tag = f'<img src="{href}" data-src="{href}" alt="Ảnh {href[:5]}">'
    else:
        tag = f'<a href="{href}"><img src="{href}" alt="Ảnh"></a>'
    return html[:at] + tag + html[at:]


def delete_span(draw: st.DrawFn, html: str) -> str:
    """Remove a stretch of characters."""
    start, end = _span(draw, html)
    return html[:start] + html[end:]


def duplicate_span(draw: st.DrawFn, html: str) -> str:
    """Repeat a stretch of characters."""
    start, end = _span(draw, html)
    return html[:end] + html[start:end] + html[end:]


def delete_tags(draw: st.DrawFn, html: str) -> str:
    """Remove a run of tags and what is between them."""
    start, end = _tag_span(draw, html)
    return html[:start] + html[end:]


def duplicate_tags(draw: st.DrawFn, html: str) -> str:
    """Repeat a run of tags and what is between them."""
    start, end = _tag_span(draw, html)
    return html[:end] + html[start:end] + html[end:]


def truncate(draw: st.DrawFn, html: str) -> str:
    """Cut the page short."""
    return html[: _pos(draw, html)]


def mutate_bytes(draw: st.DrawFn, html: str) -> str:
    """Overwrite, insert or delete raw bytes, then decode as the fetcher does."""
    data = bytearray(html.encode("utf-8"))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, max(0, len(data) - 1)))
        byte = draw(st.integers(0, 255))
        action = draw(st.sampled_from(("set", "insert", "delete")))
        if action == "set" and data:
            data[at] = byte
        elif action == "insert":
            data.insert(at, byte)
        elif data:
            del data[at]
    return decode_html(bytes(data), draw(st.sampled_from((None, "text/html; charset=utf-8"))))


def normalise_nfd(draw: st.DrawFn, html: str) -> str:
    """Decompose the Vietnamese letters of a stretch (NFD in, NFC expected out)."""
    start, end = _span(draw, html, longest=len(html))
    return html[:start] + unicodedata.normalize("NFD", html[start:end]) + html[end:]


MUTATIONS: tuple[Op, ...] = (
    insert_chars,
    insert_entity,
    insert_tags,
    insert_link,
    delete_span,
    duplicate_span,
    delete_tags,
    duplicate_tags,
    truncate,
    mutate_bytes,
    normalise_nfd,
)


@st.composite
def mutated(draw: st.DrawFn, pages: tuple[Page, ...]) -> Mutant:
    """A sample page after 1 to 6 mutations."""
    page = draw(st.sampled_from(pages))
    html, done = page.html, []
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(MUTATIONS))
        html = op(draw, html)
        done.append(op.__name__)
    return Mutant(page, html, tuple(done))


@st.composite
def random_document(draw: st.DrawFn) -> str:
    """A page built from nothing: random nesting of tags, hostile text and links."""
    pieces = draw(
        st.lists(
            st.sampled_from(TAGS)
            | st.sampled_from(ENTITIES)
            | st.text(
                st.sampled_from(HOSTILE_CHARS) | st.characters(exclude_categories=["Cs"]),
                max_size=30,
            )
            | st.sampled_from(HOSTILE_HREFS).map(lambda h: f'<a href="{h}">Bài viết {h[:6]}</a>'),
            max_size=60,
        )
    )
    return "".join(pieces)
