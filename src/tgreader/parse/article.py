"""Article pages of every generation: known selectors first, then heuristics, then fallback."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tgreader.errors import ParseError
from tgreader.model import Article, Block, Generation, Image, Paragraph, Published, Quote
from tgreader.parse._blocks import extract_blocks, extract_body, finish_blocks, link_dominated
from tgreader.parse._dom import (
    any_of,
    attr,
    first,
    first_element,
    image_src,
    meta,
    node_text,
    same_key,
    spaced_text,
)
from tgreader.parse._headings import TRAILING
from tgreader.parse._nextdata import blog_objects
from tgreader.parse._related import find_related
from tgreader.sections import section_for_url
from tgreader.text import clean, clean_word_count, fold_key, parse_vn_datetime, word_count
from tgreader.urls import Site

__all__ = ["parse_article_doc"]


@dataclass(frozen=True, slots=True)
class _Profile:
    """Where one generation keeps each field; every list is tried in order."""

    containers: tuple[str, ...]
    titles: tuple[str, ...]
    dates: tuple[str, ...]
    sapos: tuple[str, ...]
    bodies: tuple[str, ...]
    sections: tuple[str, ...]
    leads: tuple[str, ...] = ()


_PROFILES: dict[Generation, _Profile] = {
    "A": _Profile(
        containers=("div.storydetail", "div.story_detail", ".storydetail", ".story_detail"),
        titles=(".story_head .story_headline", ".story_headline", ".story_head .headline",
                "span.headline", ".story_head h1", "h1"),
        dates=(".story_tools .story_date", ".story_date", ".story_tools", ".story_head"),
        sapos=(".story_teaser", ".story_sapo", ".sapo"),
        bodies=("#ArticleContent", ".story_body", ".story_content"),
        sections=(".zonebar h1 a", ".zonebar h2 a", ".zonebar a", ".zonebar h1",
                  ".breadcrumb a"),
        leads=(".story_avatar_b", ".story_avatar"),
    ),
    "B": _Profile(
        containers=("div.flex-fill",),
        titles=("h1.story-headline", ".story-headline", "h1"),
        dates=(".ml-lg-auto", ".story-date", ".story-time", ".date", "time"),
        sapos=(".story-teaser", ".story-sapo", ".sapo"),
        bodies=(".story-body", ".story-content"),
        sections=(".breadcrumb a", ".breadcrumbs a"),
        leads=(".story-avatar", ".story-lead-image", ".story-image"),
    ),
    "C": _Profile(
        containers=("article", "main"),
        titles=("h1",),
        dates=("time",),
        sapos=(),
        bodies=(),
        sections=(".breadcrumb a", ".breadcrumbs a"),
    ),
    "generic": _Profile(
        containers=("article", "main", '[role="main"]'),
        titles=("h1.entry-title", "h1.title", "article h1", "main h1", "h1"),
        dates=("time[datetime]", ".entry-date", ".post-date", ".date", ".time"),
        sapos=(".sapo", ".lead", ".summary", ".excerpt", ".entry-summary"),
        bodies=(".entry-content", ".post-content", ".article-content", ".article-body",
                '[itemprop="articleBody"]', ".content-detail", ".detail-content"),
        sections=(".breadcrumb a", ".breadcrumbs a", '[itemprop="breadcrumb"] a'),
    ),
}  # fmt: skip

_C_BOILERPLATE = (
    "6c hoang dieu, ba dinh, ha noi",
    "ban quyen thuoc ve ban tuyen giao",
    "ghi ro nguon",
    "chia se:",
    "in bai viet",
    "du lieu dang duoc cap nhat",
)
_C_BOILERPLATE_MAX_CHARS = 160  # a footer line; an article's paragraph may quote the words
_HOME_NAMES = ("trang chu", "home", "trang nhat")
_C_CAPTION = re.compile(r"^(Ảnh|Nguồn|Theo)\s*:", re.IGNORECASE)
_SITE_SUFFIX = re.compile(r"\s+[-|–—]\s+[^-|–—]{2,80}$")
_SITE_WORDS = ("tuyen giao", "dan van", ".vn", "tap chi", "bao ", "trung uong", "cong thong tin")
_GENERIC_MIN_WORDS = 40
_STRIP_FOR_DENSITY = "script, style, nav, header, footer, form, noscript, aside, iframe, svg"


def parse_article_doc(
    doc: LexborHTMLParser, html: str, url: str, site: Site, generation: Generation
) -> Article:
    """Build an Article from a parsed page, or raise ParseError naming what was missing."""
    profile = _PROFILES[generation]
    scope = first(doc, profile.containers) if profile.containers else None
    root: LexborHTMLParser | LexborNode = scope if scope is not None else doc
    blog = _blog_for(html, url) if generation == "C" else {}

    title_node = first(root, profile.titles) or first(doc, profile.titles)
    title = node_text(title_node) or _meta_title(doc) or clean(str(blog.get("title") or ""))
    if not title:
        raise ParseError(url, "no article title found")

    # Everything read from the page furniture comes first: the fallback body search below
    # removes that furniture from the tree.
    published = _published(doc, root, profile, title_node, blog)
    sapo = _sapo(doc, root, profile, generation, blog)
    section = _section(doc, root, profile, url, title)
    body = first(root, profile.bodies) or first(doc, profile.bodies) if profile.bodies else None
    strict = body is not None
    # The links follow the article: look from its body (or, without one yet, its title) on.
    related = find_related(doc, url, site, start=body if body is not None else title_node)
    if body is None:
        body = _densest(doc)
    blocks, signed = extract_body(body, url, site) if body is not None else ([], None)
    if generation == "C":
        blocks = _tidy_gen_c(blocks)
    blocks = _with_lead(doc, root, profile, url, site, blocks, generation)
    if sapo:
        blocks = _drop_leading_sapo(blocks, sapo)
    blocks, author = finish_blocks(blocks, signed)
    title_key = fold_key(title)
    blocks = [b for b in blocks if not _is_title_echo(b, title_key)]

    words = sum(clean_word_count(b.text) for b in blocks if isinstance(b, Paragraph | Quote))
    if words == 0 or (not strict and words < _GENERIC_MIN_WORDS):
        raise ParseError(url, "no article body found")

    return Article(
        url=url,
        section=section,
        title=title,
        published=published,
        sapo=sapo or None,
        author=author,
        blocks=tuple(blocks),
        related=tuple(related),
        generation=generation,
    )


def _meta_title(doc: LexborHTMLParser) -> str:
    for candidate in (meta(doc, "og:title", "twitter:title"), node_text(doc.css_first("title"))):
        if candidate:
            return _strip_site_suffix(candidate, meta(doc, "og:site_name"))
    return ""


def _strip_site_suffix(title: str, site_name: str) -> str:
    match = _SITE_SUFFIX.search(title)
    if match:
        suffix = fold_key(match.group(0))
        if (site_name and fold_key(site_name) in suffix) or any(w in suffix for w in _SITE_WORDS):
            return title[: match.start()].strip()
    return title


def _blog_for(html: str, url: str) -> dict[str, object]:
    """The payload object of this article (matched by slug or id), else the first one."""
    objects = [o for o in blog_objects(html) if o.get("title")]
    path = urlsplit(url).path
    for obj in objects:
        slug, ident = str(obj.get("slug") or ""), str(obj.get("id") or obj.get("_id") or "")
        if (slug and slug in path) or (ident and ident in path):
            return obj
    return objects[0] if len(objects) == 1 else {}


def _published(
    doc: LexborHTMLParser,
    root: LexborHTMLParser | LexborNode,
    profile: _Profile,
    title_node: LexborNode | None,
    blog: dict[str, object],
) -> Published | None:
    # A date with a time beats a bare day: the page header's "day of viewing" has no time
    # and may carry the same utility class as the article's date.
    day_only: Published | None = None
    for selector in profile.dates:
        for node in root.css(selector):
            text = attr(node, "datetime") or spaced_text(node)
            found = parse_vn_datetime(text) if len(text) <= 120 else None
            if found and found[1]:
                return Published(*found)
            if found and day_only is None:
                day_only = Published(*found)
    if day_only is not None:
        return day_only
    # In order, each asked only if the ones before gave no date (the meta tags take a dozen
    # searches of the whole page).
    candidates: tuple[Callable[[], str], ...] = (
        lambda: str(blog.get("publishDate") or blog.get("createdAt") or ""),
        lambda: meta(doc, "article:published_time", "datePublished", "pubdate", "date"),
        lambda: attr(doc.css_first("time[datetime]"), "datetime") or "",
    )
    for candidate in candidates:
        found = parse_vn_datetime(candidate())
        if found:
            return Published(*found)
    # Last: a date in the elements right next to the title (never the page header's).
    if title_node is not None:
        for node in _neighbours(title_node):
            text = spaced_text(node)
            if text and len(text) <= 120:
                found = parse_vn_datetime(text)
                if found:
                    return Published(*found)
    return None


def _neighbours(node: LexborNode) -> list[LexborNode]:
    found: list[LexborNode] = []
    current: LexborNode | None = node
    for _ in range(2):
        if current is None:
            break
        before, after = current.prev, current.next
        for _ in range(3):
            while before is not None and not before.is_element_node:
                before = before.prev
            while after is not None and not after.is_element_node:
                after = after.next
            if after is not None:
                found.append(after)
                after = after.next
            if before is not None:
                found.append(before)
                before = before.prev
        current = current.parent
    return found


def _sapo(
    doc: LexborHTMLParser,
    root: LexborHTMLParser | LexborNode,
    profile: _Profile,
    generation: Generation,
    blog: dict[str, object],
) -> str:
    # (Most pages of a generation either have a sapo or not: one look for any of them first.)
    found = bool(profile.sapos) and doc.css_first(any_of(profile.sapos)) is not None
    for selector in profile.sapos if found else ():
        node = root.css_first(selector) or doc.css_first(selector)
        text = node_text(node)
        if text:
            return text
    if generation in ("A", "B"):
        return ""  # the CMS has a teaser block; no teaser means no sapo (the seed has none)
    return clean(str(blog.get("description") or "")) or meta(doc, "description", "og:description")


def _section(
    doc: LexborHTMLParser,
    root: LexborHTMLParser | LexborNode,
    profile: _Profile,
    url: str,
    title: str,
) -> str | None:
    """The page's own zone or breadcrumb, else the deepest known section of the URL."""
    found = bool(profile.sections) and doc.css_first(any_of(profile.sections)) is not None
    for selector in profile.sections if found else ():
        head, _, rest = selector.partition(" ")
        name = _trail_name(_own_bar(doc, root, head), rest, title)
        if name:
            return name
    if profile is _PROFILES["B"]:
        name = _date_row_name(root, profile)
        if name:
            return name
    if doc.css_first(_BREADCRUMBS) is not None:
        for head in _BREADCRUMBS.split(", "):
            name = _trail_name(_own_bar(doc, root, head), "a", title)
            if name:
                return name
    return section_for_url(url)


# Breadcrumbs of unknown layouts: by class, id, ARIA label or schema.org type.
_BREADCRUMBS = (
    '[class*="breadcrumb"], [id*="breadcrumb"], [aria-label*="readcrumb"], '
    '[itemtype*="BreadcrumbList"]'
)


def _own_bar(
    doc: LexborHTMLParser, root: LexborHTMLParser | LexborNode, head: str
) -> LexborNode | None:
    """The bar (zone title, breadcrumb) matching ``head`` that belongs to the article: in
    its block, or the nearest before it. A sidebar box's title bar is beside the article,
    never between the zone's bar and it; with no article block, the page's first bar."""
    if not isinstance(root, LexborNode):
        return doc.css_first(head)
    inside = root.css_first(head)
    if inside is not None:
        return inside
    node: LexborNode | None = root
    for _ in range(_BAR_LEVELS):
        if node is None:
            break
        sibling = node.prev
        while sibling is not None:
            if sibling.is_element_node:
                found = sibling.css(head)
                # (Lexbor's css() matches the node itself first when it can.)
                if found and found[0].mem_id == sibling.mem_id:
                    return sibling
                # A wrapper of the bar only; a column or a box holding one (a sidebar
                # before the article) is not the article's.
                if found and len(sibling.css("a, img")) == len(found[-1].css("a, img")):
                    return found[-1]
            sibling = sibling.prev
        node = node.parent
    return None


_BAR_LEVELS = 6  # from the article's block up to the page's columns


def _trail_name(bar: LexborNode | None, rest: str, title: str) -> str | None:
    """The deepest named link of a trail (a breadcrumb runs from the home page down)."""
    if bar is None:
        return None
    nodes = bar.css(rest) if rest else [bar]
    title_key = fold_key(title)
    names = [node_text(node) for node in nodes]
    names = [
        n
        for n in names
        if n
        and fold_key(n) not in _HOME_NAMES
        and word_count(n) <= 10
        and not same_key(n, title_key)
    ]
    return names[-1] if names else None


def _date_row_name(root: LexborHTMLParser | LexborNode, profile: _Profile) -> str | None:
    # The breadcrumb sits in the date's row: the links among the date node's siblings.
    for date_node in root.css(profile.dates[0]):
        row = date_node.parent
        if row is None or not parse_vn_datetime(spaced_text(date_node)):
            continue
        for anchor in row.css("a[href]"):
            href = (attr(anchor, "href") or "").lower()
            text = node_text(anchor)
            if href.startswith(("javascript:", "#")) or not text:
                continue
            if word_count(text) <= 10 and not parse_vn_datetime(text):
                return text
    return None


def _densest(doc: LexborHTMLParser) -> LexborNode | None:
    """The tightest block holding nearly all the page's paragraph words (furniture removed)."""
    body = doc.body
    if body is None:
        return None
    for node in body.css(_STRIP_FOR_DENSITY):
        node.decompose()
    for node in body.css("div, section, ul"):
        head = first_element(node)
        if head is not None and TRAILING.is_heading(head) and link_dominated(node):
            node.decompose()
    # Readability's idea: a paragraph's words count fully for its parent and half for the
    # grandparent, so the block that directly holds the article's paragraphs wins over both
    # the page wrapper and a sidebar of short link lists.
    scores: dict[int, float] = {}
    nodes: dict[int, LexborNode] = {}
    for p in body.css("p"):
        text = node_text(p)
        if not text or link_dominated(p, text):
            continue
        words = clean_word_count(text)
        parent = p.parent
        for share in (1.0, 0.5):
            if parent is None or parent.tag in ("body", "html"):
                break
            scores[parent.mem_id] = scores.get(parent.mem_id, 0.0) + words * share
            nodes[parent.mem_id] = parent
            parent = parent.parent
    if not scores:
        return body
    return nodes[max(scores, key=lambda key: scores[key])]


def _tidy_gen_c(blocks: list[Block]) -> list[Block]:
    """Drop the footer boilerplate; turn ``Ảnh: …`` lines into captions of the image above."""
    tidy: list[Block] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            if len(block.text) < _C_BOILERPLATE_MAX_CHARS:
                key = fold_key(block.text)
                if any(b in key for b in _C_BOILERPLATE):
                    continue
            if _C_CAPTION.match(block.text) and word_count(block.text) <= 40:
                previous = tidy[-1] if tidy else None
                if isinstance(previous, Image) and not previous.caption:
                    tidy[-1] = Image(previous.src, block.text)
                else:
                    tidy.append(Image(None, block.text))
                continue
        tidy.append(block)
    return tidy


def _with_lead(
    doc: LexborHTMLParser,
    root: LexborHTMLParser | LexborNode,
    profile: _Profile,
    url: str,
    site: Site,
    blocks: list[Block],
    generation: Generation,
) -> list[Block]:
    """Put the lead picture (kept outside the body by Gen A) first; og:image when no image."""
    lead = first(root, profile.leads) if profile.leads else None
    if lead is not None:
        img = lead.css_first("img")
        if img is not None:
            caption_node = lead.css_first("span, figcaption, .caption, p")
            lead_blocks = extract_blocks(lead, url, site) if caption_node is None else []
            if caption_node is not None:
                raw = image_src(img)
                src = site.canonical(raw, url) if raw else None
                lead_blocks = [Image(src, node_text(caption_node) or None)]
            return lead_blocks + blocks
    if generation != "A" and not any(isinstance(b, Image) for b in blocks):
        og = meta(doc, "og:image")
        src = site.canonical(og, url) if og else None
        if src and "logo" not in src.lower():
            return [Image(src, None), *blocks]
    return blocks


def _drop_leading_sapo(blocks: list[Block], sapo: str) -> list[Block]:
    key = fold_key(sapo)
    for index, block in enumerate(blocks[:3]):
        if isinstance(block, Paragraph) and same_key(block.text, key):
            return blocks[:index] + blocks[index + 1 :]
    return blocks


def _is_title_echo(block: Block, title_key: str) -> bool:
    return not isinstance(block, Image) and same_key(block.text, title_key)
