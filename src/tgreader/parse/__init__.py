"""Pure functions from a page's HTML to tgreader's model; no I/O.

Each page kind tries the known selectors of the page's generation first, then shared
heuristics, then a generic fallback, and raises ParseError naming what it could not find.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from tgreader import _memory
from tgreader.errors import ParseError, TgError
from tgreader.model import Article, Generation, Home, Listing
from tgreader.parse._dom import bound_nesting
from tgreader.parse.article import parse_article_doc
from tgreader.parse.listing import parse_home_doc, parse_listing_doc
from tgreader.urls import SUCCESSOR_HOSTS, Site

__all__ = [
    "detect_generation",
    "page_url_hint",
    "parse_article",
    "parse_home",
    "parse_listing",
]

_memory.parser_loading()  # glibc's malloc tuned, if the tgreader program asked for it

_GEN_A = (
    ".storydetail, .story_detail, .story_headline, .zonepage-l, .datapager, .story_body, "
    "#ArticleContent, .zonebar, .zoneteaser, .story_teaser"
)
_GEN_B = "h1.story-headline, .story-body, .story-teaser, .story-headline"


def _document(html: str, url: str) -> LexborHTMLParser:
    if not html or html.isspace():
        raise ParseError(url, "empty page")
    if "\x00" in html[:4096]:
        raise ParseError(url, "not an HTML page (binary data)")
    doc = LexborHTMLParser(bound_nesting(html))
    if doc.body is None:
        raise ParseError(url, "no HTML body")
    return doc


def detect_generation(doc: LexborHTMLParser, html: str, url: str) -> Generation:
    """Which CMS generation produced the page, from the final URL and the markup."""
    if urlsplit(url).hostname in SUCCESSOR_HOSTS:
        return "C"
    # (Each look through a 150 KB page's text takes tens of µs: two of the marks share
    # "_next", looked for first.)
    if "__NEXT_DATA__" in html or (
        "_next" in html and ("self.__next_f" in html or "/_next/static/" in html)
    ):
        return "C"
    # MARKUP.md's order: C, then B, then A.
    if doc.css_first(_GEN_B) is not None:
        return "B"
    if doc.css_first(_GEN_A) is not None:
        return "A"
    if doc.css_first("div.flex-fill") is not None and "cdn.tuyengiao.vn" in html:
        return "B"
    return "generic"


_Page = TypeVar("_Page", Article, Listing, Home)
_DocParser = Callable[[LexborHTMLParser, str, str, Site, Generation], _Page]


def _guarded(parse: _DocParser[_Page], html: str, url: str, site: Site | None) -> _Page:
    """``parse`` of the page, with any exception but ours turned into a ParseError.

    The known causes are fixed where they arise (deep nesting, odd dates and links); this
    is the boundary that keeps the next unknown one from ending in a traceback.
    """
    try:
        doc, url, site = _prepare(html, url, site)
        return parse(doc, html, url, site, detect_generation(doc, html, url))
    except TgError:
        raise
    except Exception as exc:  # the one boundary, see above
        raise ParseError(url, f"page not understood ({type(exc).__name__})") from exc


def _prepare(html: str, url: str, site: Site | None) -> tuple[LexborHTMLParser, str, Site]:
    site = site or Site()
    canonical = site.canonical(url) or url
    return _document(html, canonical), canonical, site


def parse_article(html: str, url: str, site: Site | None = None) -> Article:
    """Parse an article page fetched from ``url`` (its final URL after redirects)."""
    return _guarded(parse_article_doc, html, url, site)


def parse_listing(html: str, url: str, site: Site | None = None) -> Listing:
    """Parse one page of a section listing."""
    return _guarded(parse_listing_doc, html, url, site)


def parse_home(html: str, url: str, site: Site | None = None) -> Home:
    """Parse the home page: the menu's sections and the article links."""
    return _guarded(parse_home_doc, html, url, site)


def page_url_hint(html: str) -> str | None:
    """The URL a saved page says it came from (``link rel=canonical`` or ``og:url``)."""
    doc = LexborHTMLParser(bound_nesting(html))
    for selector, name in (
        ('link[rel="canonical"]', "href"),
        ('meta[property="og:url"]', "content"),
    ):
        node = doc.css_first(selector)
        value = (node.attributes.get(name) or "").strip() if node is not None else ""
        if value.startswith(("http://", "https://")):
            # Only a URL one can build (a bad port, an open bracket, controls: none), its
            # unsafe characters percent-encoded.
            return Site().canonical(value)
    return None
