"""Section listings and the home page of every generation."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tgreader.errors import ParseError
from tgreader.model import Generation, Home, Link, Listing, ListItem, Published, Section
from tgreader.parse._dom import attr, elements, first, image_src, node_text, spaced_text
from tgreader.parse._nextdata import blog_objects
from tgreader.parse._related import article_links
from tgreader.sections import GEN_C_CATEGORIES, section_name
from tgreader.text import clean, fold_key, parse_vn_datetime, word_count
from tgreader.urls import Site, is_article_url, page_number, with_page

__all__ = ["parse_home_doc", "parse_listing_doc"]

_MIN_TITLE_WORDS = 4  # the public Gen B scraper drops titles of three words or fewer
_SUCCESSOR = "https://tuyengiaodanvan.vn"
_MENU_SELECTORS = (
    "nav", ".menu", "#menu", ".main-menu", ".mainmenu", ".navbar", ".nav", "ul.menu",
    "header", ".header",
)  # fmt: skip
_NOT_SECTION = re.compile(
    r"^/(vn/?)?$|^/(tim-kiem|search|login|dang-nhap|lien-he|rss|sitemap|video|"
    r"multimedia|english|en|gioi-thieu|_next|api|uploads|Uploads)(/|$)",
    re.IGNORECASE,
)


def parse_listing_doc(
    doc: LexborHTMLParser, html: str, url: str, site: Site, generation: Generation
) -> Listing:
    """Build one page of a section listing, or raise ParseError when no list is found."""
    page = page_number(url)
    canonical = with_page(url, page)
    if generation == "A":
        items, next_url, known = _gen_a(doc, url, site, page)
    elif generation == "B":
        items, next_url, known = _gen_b(doc, url, site, page)
    elif generation == "C":
        items, next_url, known = _gen_c(doc, html, url, site, page)
    else:
        items, next_url, known = _generic(doc, url, site, page)
    if not items and not known:
        raise ParseError(url, "no article list found")
    return Listing(
        url=canonical,
        section=_listing_section(doc, url, generation),
        page=page,
        next=next_url if items else None,
        articles=tuple(items),
        generation=generation,
    )


def _listing_section(doc: LexborHTMLParser, url: str, generation: Generation) -> str | None:
    if generation == "C":
        query = dict(parse_qsl(urlsplit(url).query))
        name = GEN_C_CATEGORIES.get(query.get("categoryId", ""))
        if name:
            return name
    for selector in (".zonebar h1 a", ".zonebar h1", ".zonebar a", ".breadcrumb a:last-child",
                     "h1.cate-title", "h1.category-title", ".cate-name", "h1"):  # fmt: skip
        text = node_text(doc.css_first(selector))
        if text and word_count(text) <= 10:
            return text
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return section_name(segments[-1]) if segments else None


def _item(
    node: LexborNode, title_anchor: LexborNode, base: str, site: Site, thumb: LexborNode | None
) -> ListItem | None:
    href = attr(title_anchor, "href")
    url = site.canonical(href, base) if href else None
    title = node_text(title_anchor) or clean(attr(title_anchor, "title"))
    if url is None or not title or not is_article_url(url) or not site.is_site_url(url):
        return None
    img = thumb if thumb is not None else node.css_first("img")
    raw_src = image_src(img) if img is not None else None
    published = None
    for candidate in node.css(".viewmore, .date, .time, time, span, div"):
        text = attr(candidate, "datetime") or spaced_text(candidate)
        if 0 < len(text) <= 60:
            found = parse_vn_datetime(text)
            if found:
                published = Published(*found)
                break
    return ListItem(
        title=title,
        url=url,
        published=published,
        sapo=_item_sapo(node, title) or None,
        thumbnail=site.canonical(raw_src, base) if raw_src else None,
    )


_SAPO_MIN_WORDS = 6  # a sapo is a sentence or more; a bare date, a tag or a label is not


def _item_sapo(node: LexborNode, title: str) -> str:
    """The item's sapo: its ``p`` (or an element named sapo), else a block of text with no
    link beside the title block, in the item or right after it (Gen B puts it in its own
    ``div``)."""
    for p in node.css("p, .sapo, .summary"):
        text = node_text(p)
        if text and text != title and not _date_like(text):
            return text
    # Two levels of the item's children (their subtrees are disjoint: the look stays
    # linear in the page, however deep a hostile item nests).
    children = list(elements(node))
    candidates = [
        n
        for n in children + [g for c in children for g in elements(c)]
        if n.tag in ("div", "span") and n.css_first("a") is None
    ]
    following = node.next
    while following is not None and not following.is_element_node:
        following = following.next
    if following is not None and following.tag == "div" and following.css_first("a") is None:
        candidates.append(following)
    texts = [node_text(candidate) for candidate in candidates]
    texts = [
        t for t in texts if word_count(t) >= _SAPO_MIN_WORDS and t != title and not _date_like(t)
    ]
    # The innermost block that qualifies: a wrapper adds the date or a label to the sapo.
    return min(texts, key=len) if texts else ""


def _date_like(text: str) -> bool:
    return len(text) <= 60 and parse_vn_datetime(text) is not None


def _unique(items: list[ListItem | None]) -> list[ListItem]:
    seen: set[str] = set()
    kept: list[ListItem] = []
    for item in items:
        if item is not None and item.url not in seen:
            seen.add(item.url)
            kept.append(item)
    return kept


def _gen_a(
    doc: LexborHTMLParser, url: str, site: Site, page: int
) -> tuple[list[ListItem], str | None, bool]:
    scope = first(doc, ("div.zonepage-l", ".zonepage-l", ".zonepage"))
    root: LexborHTMLParser | LexborNode = scope if scope is not None else doc
    raw: list[ListItem | None] = []
    for li in root.css("div.zoneteaser ul > li, ul > li"):
        if "sep" in (attr(li, "class") or "").split():
            continue
        anchor = li.css_first("h4 > a, h3 > a, h2 > a, h5 > a")
        if anchor is not None:
            raw.append(_item(li, anchor, url, site, li.css_first("a.avatar > img")))
    if not raw:
        for anchor in root.css("h4 > a"):
            holder = anchor.parent.parent if anchor.parent is not None else None
            raw.append(_item(holder or anchor, anchor, url, site, None))
    items = _unique(raw)
    pager = _pager(root) or _pager(doc)
    if pager is None:
        return items, with_page(url, page + 1), scope is not None
    return items, _pager_next(pager, url, site, page), True


def _gen_b(
    doc: LexborHTMLParser, url: str, site: Site, page: int
) -> tuple[list[ListItem], str | None, bool]:
    scope = doc.css_first("div.flex-fill")
    root: LexborHTMLParser | LexborNode = scope if scope is not None else doc
    raw: list[ListItem | None] = []
    for block in root.css("div.clearfix"):
        anchors = block.css("a[href]")
        if len(anchors) < 2 or _has_inner_item(block):
            continue
        title_anchor = anchors[1] if node_text(anchors[1]) else anchors[0]
        item = _item(block, title_anchor, url, site, anchors[0].css_first("img"))
        if item is not None and _titled(item.title):
            raw.append(item)
    items = _unique(raw)
    if not items:
        # No item of the known shape: take the article links of the main column instead.
        links = article_links(root.css("a[href]"), url, site, exclude=url)
        items = [ListItem(link.title, link.url) for link in links if _titled(link.title)]
    # No Gen B pager markup is known: where the page has one, it alone says what is next;
    # without one, the next page is asked for blindly (MARKUP.md §4.2).
    pager = _pager(root)
    if pager is not None:
        return items, _pager_next(pager, url, site, page), scope is not None
    explicit = root.css_first("a[rel=next]")
    next_href = attr(explicit, "href")
    next_url = site.canonical(next_href, url) if next_href else with_page(url, page + 1)
    return items, next_url, scope is not None


# Pagers by their class; the first part of each is what any page of the site may use.
_PAGERS = (
    ".datapager, .pagination, .pager, .paging, .page-nav, .pagenav, .page-numbers, "
    '[class*="pagination"], [aria-label*="agination"], [aria-label*="Trang"]'
)
_NEXT_WORDS = frozenset({"sau", "trang sau", "tiep", "tiep theo", "next", "›", "»"})


def _pager(root: LexborHTMLParser | LexborNode) -> LexborNode | None:
    """The page's pager: an element by a pager's class or label that holds links."""
    for node in root.css(_PAGERS):
        if node.css_first("a[href]") is not None or node.css_first(".active, .current"):
            return node
    return None


def _pager_next(pager: LexborNode, url: str, site: Site, page: int) -> str | None:
    """The next page as the pager links it: its next link, else the first numbered link
    after the current page, else a link named "next"; None on the last page."""
    following = first(
        pager,
        ("a[rel=next]", "a.next", ".next > a", "span.active + a", "li.active + li > a",
         ".current + a", "[aria-current] + a"),
    )  # fmt: skip
    next_href = attr(following, "href")
    if next_href is None:
        numbers = [
            (int(text), attr(a, "href"))
            for a in pager.css("a")
            if (text := node_text(a)).isdigit() and len(text) < 6
        ]
        later = sorted((n, h) for n, h in numbers if n > page and h)
        next_href = later[0][1] if later else None
    if next_href is None:
        for anchor in pager.css("a[href]"):
            if fold_key(node_text(anchor) or attr(anchor, "title") or "") in _NEXT_WORDS:
                next_href = attr(anchor, "href")
                break
    target = site.canonical(next_href, url) if next_href else None
    return target if target and target != with_page(url, page) else None


def _titled(title: str) -> bool:
    return word_count(title) >= _MIN_TITLE_WORDS


def _has_inner_item(block: LexborNode) -> bool:
    # Lexbor's node.css() matches the node itself too: skip it, or every block looks nested.
    return any(
        inner != block and len(inner.css("a[href]")) >= 2 for inner in block.css("div.clearfix")
    )


def _gen_c(
    doc: LexborHTMLParser, html: str, url: str, site: Site, page: int
) -> tuple[list[ListItem], str | None, bool]:
    anchors = doc.css('a[class*="link_link"][href*="/blogs/"]') or doc.css('a[href*="/blogs/"]')
    raw: list[ListItem | None] = []
    for anchor in anchors:
        href = attr(anchor, "href") or ""
        if "/category/" in href:
            continue
        holder = anchor.parent if anchor.parent is not None else anchor
        title_node = anchor if node_text(anchor) else holder.css_first("h3, h2, h4")
        if title_node is not None and title_node.tag != "a":
            title = node_text(title_node)
            target = site.canonical(href, url)
            if target and title:
                raw.append(ListItem(title=title, url=target))
            continue
        raw.append(_item(holder, anchor, url, site, None))
    items = _unique(raw)
    if not items:
        items = _unique([_blog_item(obj, url, site) for obj in blog_objects(html)])
    return items, with_page(url, page + 1), True


def _blog_item(obj: dict[str, object], base: str, site: Site) -> ListItem | None:
    """A listing item from a payload object; only approved news is kept."""
    if str(obj.get("status", "approved")) != "approved" or str(obj.get("type", "news")) != "news":
        return None
    title = clean(str(obj.get("title") or ""))
    slug = str(obj.get("slug") or "").strip("/")
    ident = str(obj.get("id") or obj.get("_id") or "")
    if not title or not (slug or ident):
        return None
    # The article URL template is unknown [inferred]: /blogs/<slug>, with the id appended
    # when the slug does not already end in it.
    path = slug if ident and slug.endswith(ident) else "-".join(p for p in (slug, ident) if p)
    origin = _SUCCESSOR if urlsplit(base).hostname in ("tuyengiaodanvan.vn",) else base
    url = site.canonical(f"/blogs/{path}", origin)
    if url is None:
        return None
    date = parse_vn_datetime(str(obj.get("publishDate") or obj.get("createdAt") or ""))
    return ListItem(
        title=title,
        url=url,
        published=Published(*date) if date else None,
        sapo=clean(str(obj.get("description") or "")) or None,
    )


def _generic(
    doc: LexborHTMLParser, url: str, site: Site, page: int
) -> tuple[list[ListItem], str | None, bool]:
    body = doc.body
    if body is None:
        return [], None, False
    pager = _pager(body)
    next_url = _pager_next(pager, url, site, page) if pager else with_page(url, page + 1)
    for node in body.css("header, footer, nav, aside, script, style"):
        node.decompose()
    links = article_links(body.css("a[href]"), url, site, exclude=url)
    items = [ListItem(title=link.title, url=link.url) for link in links]
    items = [i for i in items if _titled(i.title)]
    return items, next_url, False


def parse_home_doc(
    doc: LexborHTMLParser, html: str, url: str, site: Site, generation: Generation
) -> Home:
    """The menu's sections and every distinct article link, in page order."""
    sections = _menu_sections(doc, url, site)
    anchors = doc.css("a[href]")
    featured: list[Link] = []
    if generation == "C":
        for anchor in doc.css(".blog-image a[href]")[:1]:
            holder = anchor
            while holder.parent is not None and holder.tag != "article":
                holder = holder.parent
            title = node_text(holder.css_first("h3")) if holder.tag == "article" else ""
            target = site.canonical(attr(anchor, "href") or "", url)
            if title and target:
                featured.append(Link(title, target))
    links = article_links(anchors, url, site)
    # The featured story is shown first on the page even though its markup comes later.
    first_urls = {link.url for link in featured}
    articles = featured + [link for link in links if link.url not in first_urls]
    if not articles and not sections:
        raise ParseError(url, "no sections or article links found")
    return Home(url=url, sections=tuple(sections), articles=tuple(articles), generation=generation)


def _menu_sections(doc: LexborHTMLParser, url: str, site: Site) -> list[Section]:
    for selector in _MENU_SELECTORS:
        for menu in doc.css(selector):
            found = _section_links(menu.css("a[href]"), url, site)
            if len(found) >= 3:
                return found
    return []


def _section_links(anchors: list[LexborNode], base: str, site: Site) -> list[Section]:
    seen: set[str] = set()
    found: list[Section] = []
    for anchor in anchors:
        href = attr(anchor, "href")
        target = site.canonical(href, base) if href else None
        name = node_text(anchor) or clean(attr(anchor, "title"))
        if target is None or not name or not site.is_site_url(target):
            continue
        parts = urlsplit(target)
        if is_article_url(target) or _NOT_SECTION.search(parts.path) or target in seen:
            continue
        if fold_key(name) in ("trang chu", "home") or word_count(name) > 8:
            continue
        seen.add(target)
        found.append(Section(name, target))
    return found
