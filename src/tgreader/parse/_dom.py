"""Small helpers over selectolax's Lexbor nodes, shared by the page parsers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tgreader.text import clean, clean_word_count, fold_key

__all__ = [
    "BLOCK_TAGS",
    "MAX_DEPTH",
    "any_of",
    "attr",
    "bound_nesting",
    "elements",
    "erasable_words",
    "first",
    "first_element",
    "first_text",
    "image_src",
    "meta",
    "node_text",
    "own_text",
    "same_key",
    "spaced_text",
    "visible_text",
]

BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "figure", "table", "tbody", "thead", "tr", "td",
        "th", "ul", "ol", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "footer", "main", "aside", "nav", "center", "pre", "dl", "dd", "dt", "hr", "br",
        "form", "figcaption", "caption",
    }
)  # fmt: skip


# Elements that break a line where a browser shows them: between their texts a space,
# between the texts of inline elements nothing (``<em>x</em>,`` reads "x,").
_BREAK_TAGS = BLOCK_TAGS | {"li", "img", "iframe", "select", "textarea"}
_BREAKS = ", ".join(sorted(_BREAK_TAGS))

# Deeper than any real page nests: Lexbor's tree builder looks through the whole stack of
# open elements at every start tag, so 200,000 nested divs took minutes (time grows with
# the square of the depth; 2,048 levels cost a few ms).
MAX_DEPTH = 2048
# A start or end tag. Void elements and those a sibling closes by itself (p, li, dt, dd,
# option) never deepen the tree, so they are not counted. ``[^<>]*`` stops at the next
# "<": a tag left open never makes a match scan on to the end of the page.
_NESTING_TAG = re.compile(
    r"<(/?)(?!(?:area|base|br|col|dd|dt|embed|hr|img|input|li|link|meta|option|p|param"
    r"|source|track|wbr)[\s/>])[A-Za-z][^<>]*>?"
)


def bound_nesting(html: str) -> str:
    """``html`` with the tags nested deeper than :data:`MAX_DEPTH` removed (their text kept).

    A page of fewer than ``2 * MAX_DEPTH`` "<" is not looked at (one ``str.count``, 45 µs
    at 150 KB, which has about 2,400): nested that deep, Lexbor takes 15 ms at most. A
    longer page is rewritten only when its estimated depth passes the limit: real pages
    pass through untouched.
    """
    if html.count("<") <= 2 * MAX_DEPTH:
        return html
    depth = deepest = 0
    for slash in _NESTING_TAG.findall(html):
        depth = max(depth - 1, 0) if slash else depth + 1
        deepest = max(deepest, depth)
    if deepest <= MAX_DEPTH:
        return html
    return _flatten(html)


def _flatten(html: str) -> str:
    pieces: list[str] = []
    kept = depth = 0
    for match in _NESTING_TAG.finditer(html):
        closing = bool(match.group(1))
        if not closing:
            depth += 1
        if depth > MAX_DEPTH:
            pieces.append(html[kept : match.start()])
            kept = match.end()
        if closing:
            depth = max(depth - 1, 0)
    pieces.append(html[kept:])
    return "".join(pieces)


def node_text(node: LexborNode | None) -> str:
    """The node's whole text as a browser joins it, cleaned (NFC, no controls, whitespace
    collapsed)."""
    if node is None:
        return ""
    return clean(visible_text(node))


def spaced_text(node: LexborNode | None) -> str:
    """The node's text with a space between all its pieces, cleaned: for dates, which a
    page may split into inline pieces with nothing between (``11/11/2020</span><span>9:05``)
    and a space never spoils."""
    if node is None:
        return ""
    return clean(node.text(deep=True, separator=" "))


def visible_text(node: LexborNode) -> str:
    """The text of ``node`` (not cleaned) with a space where a line breaks (a ``br`` or a
    block element) and nothing between inline neighbours (the page's own white space
    already separates the words)."""
    if node.css_first(_BREAKS) is None:
        return node.text(deep=True)
    parts: list[str] = []
    # Iterative, so that any depth of nesting is walked without recursion: ``stack`` holds
    # where to go on after each element entered, and whether leaving it breaks the line.
    stack: list[tuple[LexborNode | None, bool]] = []
    child = node.child
    while child is not None or stack:
        if child is None:
            child, breaks = stack.pop()
            if breaks:
                parts.append(" ")
            continue
        if child.is_text_node:
            parts.append(child.text_content or "")
        elif child.is_element_node and child.child is not None:
            # Into every element (no look ahead for breaks in it: that would read a deep
            # nest once per level). Only a node with a break comes here at all.
            breaks = child.tag in _BREAK_TAGS
            if breaks:
                parts.append(" ")
            stack.append((child.next, breaks))
            child = child.child
            continue
        elif child.tag in _BREAK_TAGS:
            parts.append(" ")
        child = child.next
    return "".join(parts)


# A word that starts with neither a letter nor a digit: the only kind folding can erase
# (a word of nothing but combining marks). Text here is cleaned: words are one space apart.
_NON_WORD_START = re.compile(r" [^\w\s]")


def erasable_words(text: str) -> int:
    """How many words of cleaned ``text`` folding (or stripping punctuation) might erase:
    those that start with neither a letter nor a digit.

    Folding never splits a word and only erases words made of combining marks, so the words
    of ``fold_key(text)`` number between ``word_count(text) - erasable_words(text)`` and
    ``word_count(text)``: a cheap test that spares folding text that cannot match a key.
    """
    return len(_NON_WORD_START.findall(" " + text))


def same_key(text: str, key: str) -> bool:
    """``fold_key(text) == key`` for cleaned ``text`` (see :func:`tgreader.text.clean`),
    without folding a text whose ends or word count rule it out."""
    if text and key:
        # Folding keeps a plain ASCII letter or digit at either end (but for case).
        for char, want_char in ((text[0], key[0]), (text[-1], key[-1])):
            if char.isascii() and char.isalnum() and char.lower() != want_char:
                return False
    want = len(key.split())
    words = clean_word_count(text)
    if words < want:
        return False
    if words > want and words - erasable_words(text) > want:
        return False
    return fold_key(text) == key


def own_text(node: LexborNode) -> str:
    """Only the text nodes directly inside ``node``, cleaned."""
    # Lexbor joins the direct text children itself: no Python loop over every child.
    return clean(node.text(deep=False, separator=" "))


def attr(node: LexborNode | None, name: str) -> str | None:
    """An attribute's value, or None when absent or blank."""
    if node is None:
        return None
    value = node.attributes.get(name)
    return value.strip() if value and value.strip() else None


def first(root: LexborHTMLParser | LexborNode, selectors: Iterable[str]) -> LexborNode | None:
    """The first node matched by the first selector that matches anything."""
    for selector in selectors:
        found = root.css_first(selector)
        if found is not None:
            return found
    return None


@cache
def any_of(selectors: tuple[str, ...]) -> str:
    """A selector that matches wherever any of ``selectors`` might: their leftmost parts.

    (A descendant selector matches nothing where its first part matches nothing; asking
    for all the first parts at once is one walk of the page instead of one each.)
    """
    return ", ".join(dict.fromkeys(selector.split()[0] for selector in selectors))


def first_text(root: LexborHTMLParser | LexborNode, selectors: Iterable[str]) -> str:
    """The text of the first matching node that has text."""
    for selector in selectors:
        for node in root.css(selector):
            text = node_text(node)
            if text:
                return text
    return ""


def meta(doc: LexborHTMLParser, *names: str) -> str:
    """The content of the first ``meta`` whose ``property`` or ``name`` is one of ``names``."""
    for name in names:
        for key in ("property", "name", "itemprop"):
            node = doc.css_first(f'meta[{key}="{name}"]')
            value = clean(attr(node, "content"))
            if value:
                return value
    return ""


def image_src(img: LexborNode) -> str | None:
    """The real source of an image, looking past lazy-loading placeholders."""
    attributes = img.attributes  # a new dict at every access: read it once
    values = {name: (value or "").strip() for name, value in attributes.items()}
    for name in ("data-src", "data-original", "data-lazy-src", "src"):
        value = values.get(name)
        if value and not value.startswith("data:"):
            return value
    srcset = values.get("srcset") or values.get("data-srcset")
    if srcset:
        return srcset.split(",")[0].strip().split(" ")[0] or None
    return None


def first_element(node: LexborNode) -> LexborNode | None:
    """The first element child of ``node``, if any."""
    child = node.child
    while child is not None and not child.is_element_node:
        child = child.next
    return child


def elements(node: LexborNode) -> Iterator[LexborNode]:
    """The element children of ``node``."""
    child = node.child
    while child is not None:
        if child.is_element_node:
            yield child
        child = child.next
