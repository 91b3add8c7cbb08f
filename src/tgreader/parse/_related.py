"""Find the "Các tin khác" / "Tin liên quan" links by their heading's text."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tgreader.model import Link
from tgreader.parse._blocks import RELATED_HEADINGS, TRAILING_HEADINGS
from tgreader.parse._dom import attr, erasable_words, heading_key, node_text
from tgreader.text import clean, clean_word_count, fold_key
from tgreader.urls import Site, is_article_url

__all__ = ["article_links", "find_related"]

_HEADING_PUNCTUATION = " :.-–—»›>"
# The letters the headings' keys start and end with: an element whose text plainly starts
# or ends with another letter or a digit is none of them, whatever cleaning and folding do.
_FIRSTS = frozenset(h[0] for h in RELATED_HEADINGS)
_LASTS = frozenset(h[-1] for h in RELATED_HEADINGS)
# A heading's own text, trimmed, is never longer than this (the keys are 8 to 19 letters).
_MAX_HEADING_CHARS = 80
_MIN_WORDS = min(len(h.split()) for h in RELATED_HEADINGS)
_MAX_WORDS = max(len(h.split()) for h in RELATED_HEADINGS)


def find_related(
    doc: LexborHTMLParser, page_url: str, site: Site, start: LexborNode | None = None
) -> list[Link]:
    """The related-article links, in page order, deduplicated; [] when there is no such block.

    With ``start`` (the article's body or title), the search begins there and runs on
    through what follows it in the page, where the block nearly always is; only when nothing
    is found there is the whole page searched, in order.
    """
    body = doc.body
    if body is None:
        return []
    if start is not None:
        links = _first_block(_from(start), page_url, site)
        if links:
            return links
    return _first_block(body.traverse(), page_url, site)


def _from(start: LexborNode) -> Iterator[LexborNode]:
    """``start``'s subtree, then everything after it in document order."""
    yield from start.traverse()
    level: LexborNode | None = start
    while level is not None and level.tag not in ("body", "html"):
        sibling = level.next
        while sibling is not None:
            yield from sibling.traverse()
            sibling = sibling.next
        level = level.parent


def _first_block(nodes: Iterable[LexborNode], page_url: str, site: Site) -> list[Link]:
    """The links of the first related-links heading among ``nodes`` that has any."""
    for node in nodes:
        # Every element is looked at: the cheap tests come first.
        raw = node.text(deep=False, separator=" ")  # as own_text, before cleaning
        if not raw or raw.isspace():
            continue
        if not node.is_element_node or node.tag in ("script", "style", "option"):
            continue
        if not _may_be_heading(raw):
            continue
        own = clean(raw)
        # A heading is a few words: skip text whose folded key cannot have that many.
        words = clean_word_count(own)
        if words < _MIN_WORDS or (words > _MAX_WORDS and words - erasable_words(own) > _MAX_WORDS):
            continue
        if fold_key(own).strip(_HEADING_PUNCTUATION) not in RELATED_HEADINGS:
            continue
        links = _links_after(_heading_block(node), page_url, site)
        if links:
            return links
    return []


def _may_be_heading(raw: str) -> bool:
    """False when ``raw`` (an element's own text) cannot fold to a related-links heading:
    it is too long to be a heading, or it starts or ends with the wrong letter.

    Only plain ASCII letters and digits at either end are judged: folding keeps them (but
    for case), while anything else there (a mark, a control, an accented letter, stray
    punctuation) is left to the full test.
    """
    text = raw.strip().strip(_HEADING_PUNCTUATION)
    if not text or len(text) > _MAX_HEADING_CHARS:
        return False
    for char, allowed in ((text[0], _FIRSTS), (text[-1], _LASTS)):
        if char.isascii() and char.isalnum() and char.lower() not in allowed:
            return False
    return True


def _heading_block(node: LexborNode) -> LexborNode:
    """Climb from the matched element while its ancestors hold nothing but the heading."""
    text = node_text(node)
    current = node
    parent = current.parent
    while parent is not None and parent.tag not in ("body", "html") and node_text(parent) == text:
        current = parent
        parent = current.parent
    return current


def _links_after(heading: LexborNode, page_url: str, site: Site) -> list[Link]:
    anchors: list[LexborNode] = []
    level: LexborNode | None = heading
    # The links follow the heading, or (when the heading is alone in its box) its parent.
    for _ in range(3):
        if level is None:
            break
        sibling = level.next
        while sibling is not None:
            if sibling.is_element_node:
                if heading_key(sibling) in TRAILING_HEADINGS:
                    break
                anchors.extend(sibling.css("a[href]") if sibling.tag != "a" else [sibling])
                nested_stop = _nested_heading(sibling)
                if nested_stop:
                    break
            sibling = sibling.next
        if anchors:
            break
        level = level.parent
    return article_links(anchors, page_url, site, exclude=page_url)


def _nested_heading(node: LexborNode) -> bool:
    """True when a sibling block contains the heading of another trailing block."""
    for inner in node.css("h2, h3, h4, h5, .title, .box-title, .block-title"):
        if heading_key(inner) in TRAILING_HEADINGS - RELATED_HEADINGS:
            return True
    return False


def article_links(
    anchors: list[LexborNode], base_url: str, site: Site, *, exclude: str | None = None
) -> list[Link]:
    """Article-shaped, same-site links from ``anchors``, in order, deduplicated by URL.

    A link without text (a thumbnail) takes its title from a later link to the same URL,
    or from the ``title``/``alt`` attributes.
    """
    order: list[str] = []
    titles: dict[str, str] = {}
    excluded = site.canonical(exclude) if exclude else None
    for anchor in anchors:
        href = attr(anchor, "href")
        url = site.canonical(href, base_url) if href else None
        if url is None or url == excluded or not site.is_site_url(url):
            continue
        if not is_article_url(url):
            continue
        title = node_text(anchor) or (attr(anchor, "title") or "")
        if not title:
            img = anchor.css_first("img")
            title = (attr(img, "alt") or attr(img, "title") or "") if img is not None else ""
        title = clean(title)
        if url not in titles:
            order.append(url)
            titles[url] = title
        elif not titles[url] and title:
            titles[url] = title
    return [Link(titles[u], u) for u in order if titles[u]]
