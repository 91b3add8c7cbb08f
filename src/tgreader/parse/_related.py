"""Find the "Các tin khác" / "Tin liên quan" links by their heading's text."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tgreader.model import Link
from tgreader.parse._dom import attr, node_text
from tgreader.parse._headings import OTHER_TRAILING, RELATED, TRAILING
from tgreader.text import clean
from tgreader.urls import Site, is_article_url

__all__ = ["article_links", "find_related"]


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
        if not RELATED.matches(raw):
            continue
        links = _links_after(_heading_block(node), page_url, site)
        if links:
            return links
    return []


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
                if TRAILING.is_heading(sibling):
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
        if OTHER_TRAILING.is_heading(inner):
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
