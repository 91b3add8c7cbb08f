"""Turn an article body node into ordered blocks: headings, paragraphs, quotes and images.

One walker serves every generation: the markup of pictures differs (``table.tbl-image``,
``table.picture``, ``figure``, a bare ``p > img`` with a centred caption under it), but each
is "an image, and the non-image text of its block as the caption".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlsplit

from selectolax.lexbor import LexborNode

from tgreader.model import Block, Heading, Image, Paragraph, Quote
from tgreader.parse._byline import byline, is_author_line
from tgreader.parse._dom import attr, elements, image_src, node_text, same_key, visible_text
from tgreader.parse._headings import TRAILING
from tgreader.text import clean, clean_word_count, fold_key, is_upper_text
from tgreader.urls import Site

__all__ = [
    "Signed",
    "extract_blocks",
    "extract_body",
    "finish_blocks",
    "link_dominated",
]

_SKIP_TAGS = frozenset(
    {
        "script", "style", "noscript", "form", "iframe", "button", "input", "select",
        "textarea", "svg", "nav", "template", "object", "embed", "video", "audio", "canvas",
        "link", "meta", "head", "aside", "footer", "header", "map",
    }
)  # fmt: skip
_INLINE_TAGS = frozenset(
    {
        "a", "b", "strong", "em", "i", "span", "font", "u", "sup", "sub", "small", "mark",
        "abbr", "cite", "q", "label", "time", "big", "s", "strike", "del", "ins", "code",
        "kbd", "var", "bdi", "bdo", "wbr", "-text", "-comment",
    }
)  # fmt: skip
_SKIP_CLASS = re.compile(
    r"(^|[\s_-])(share|sharing|social|print|story_tools|story-tools|toolbar|tools|tags?|"
    r"story_tags|story-tags|comments?|banner|advert|ads|adsbygoogle|related|relate|"
    r"hidden|d-none|sr-only|rating|breadcrumb|author-box)($|[\s_-])",
    re.IGNORECASE,
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_CENTRED = re.compile(r"text-align\s*:\s*center", re.IGNORECASE)
_CAPTION_CLASS = re.compile(r"caption|desc|chu-?thich|note|legend", re.IGNORECASE)
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(bold|[6-9]00)", re.IGNORECASE)
_ITALIC_STYLE = re.compile(r"font-style\s*:\s*italic", re.IGNORECASE)

_HEADING_MAX_WORDS = 20  # a wholly bold line longer than this is a bold lead-in, not a heading
_UPPER_HEADING_MAX_WORDS = 30  # the seed's second sub-heading has 21 words
_CAPTION_MAX_WORDS = 40


class _Last(NamedTuple):
    """The last text block walked, and what its markup says (asked only of that one)."""

    block: Block
    bold: bool | Callable[[], bool]
    node: LexborNode | None  # the element that held all of its text, if one did


@dataclass
class _Walk:
    base_url: str
    site: Site
    blocks: list[Block]
    skip_links: bool = False
    last: _Last | None = None
    above: _Last | None = None  # the text block before ``last``
    depth: int = 0  # containers entered: _container and _block recurse into each other


class Signed(NamedTuple):
    """A body's closing block and the byline its text and markup make of it; ``above``
    is the bold name's own block when the job title under it is a block of its own."""

    block: Block
    author: str
    above: Block | None = None


# Containers nested deeper than this are read as one paragraph of text: the walk recurses
# (two frames a level), and no article's layout is a hundred boxes deep.
_MAX_WALK_DEPTH = 100


def extract_blocks(body: LexborNode, base_url: str, site: Site) -> list[Block]:
    """Walk ``body`` in document order and return its blocks (not yet post-processed)."""
    return extract_body(body, base_url, site)[0]


def extract_body(body: LexborNode, base_url: str, site: Site) -> tuple[list[Block], Signed | None]:
    """The blocks of ``body``, and its last text block if its shape makes it a byline
    (:func:`finish_blocks` takes it out when nothing but pictures follows it)."""
    walk = _Walk(base_url, site, [])
    _container(walk, body)
    signed = None
    if walk.last is not None:
        last = walk.last
        author = byline(_lines(last))
        signed = Signed(last.block, author) if author else _name_over_title(walk)
    return walk.blocks, signed


def _name_over_title(walk: _Walk) -> Signed | None:
    """A bold name, then a wholly italic job title as the next and last block."""
    last, above = walk.last, walk.above
    if last is None or above is None or last.node is None:
        return None
    name_lines, title_lines = _lines(above), _lines(last)
    if len(name_lines) != 1 or len(title_lines) != 1 or not _wholly(last.node, _ITALIC):
        return None
    author = byline(name_lines + title_lines)
    return Signed(last.block, author, above.block) if author else None


def _skippable(node: LexborNode) -> bool:
    if node.tag in _SKIP_TAGS:
        return True
    attributes = node.attributes  # a new dict at every access: read it once
    cls = (attributes.get("class") or "").strip()
    ident = (attributes.get("id") or "").strip()
    if _SKIP_CLASS.search(cls) or _SKIP_CLASS.search(ident):
        return True
    style = (attributes.get("style") or "").strip()
    return bool(_HIDDEN_STYLE.search(style)) or "hidden" in attributes


def _is_inline(node: LexborNode) -> bool:
    if node.tag not in _INLINE_TAGS:
        return False
    if node.is_text_node or node.tag == "-comment":
        return True
    return node.css_first("img, p, div, table, figure, ul, ol, blockquote, h2, h3, h4") is None


def _container(walk: _Walk, node: LexborNode) -> None:
    walk.depth += 1
    try:
        _children(walk, node)
    finally:
        walk.depth -= 1


def _children(walk: _Walk, node: LexborNode) -> None:
    pending: list[LexborNode] = []
    child = node.child
    while child is not None:
        following = child.next
        if child.is_text_node or child.tag == "-comment":
            pending.append(child)
        elif child.tag == "br":
            _flush(walk, pending)
            pending = []
        elif _is_inline(child):
            if not _skippable(child):
                pending.append(child)
        else:
            _flush(walk, pending)
            pending = []
            following = _block(walk, child)
        child = following
    _flush(walk, pending)


def _flush(walk: _Walk, nodes: list[LexborNode]) -> None:
    if not nodes:
        return
    # Inline neighbours join as a browser shows them: no space is added between them.
    parts = [
        (n.text_content or "") if n.is_text_node else visible_text(n)
        for n in nodes
        if n.tag != "-comment"
    ]
    joined = "".join(parts)
    if joined.isspace() or not joined:  # the white space between two blocks, most often
        return
    text = clean(joined)
    if text:

        def bold() -> bool:
            return all(
                not clean(n.text_content) if n.is_text_node else _wholly(n, _BOLD)
                for n in nodes
                if n.tag != "-comment"
            )

        _text_block(walk, text, bold=bold)


def _block(walk: _Walk, node: LexborNode) -> LexborNode | None:
    """Handle one block-level node; return the node to continue with (its next sibling)."""
    following = node.next
    if _skippable(node):
        return following
    if TRAILING.is_heading(node):
        # A box of links inside the body ("Tin liên quan"): skip its heading and its links.
        walk.skip_links = True
        return following
    if walk.skip_links:
        if link_dominated(node):
            return following
        walk.skip_links = False
    tag = node.tag
    if tag == "figure":
        _figure(walk, node)
    elif tag == "table":
        _table(walk, node)
    elif tag == "img":
        return _image_then_caption(walk, node, node, "")
    elif tag == "blockquote":
        _quote(walk, node)
    elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        text = node_text(node)
        if text:
            walk.blocks.append(Heading(text))
    elif tag in ("ul", "ol"):
        for item in node.css("li"):
            if item.css_first("img") is not None:
                _container(walk, item)
            else:
                text = node_text(item)
                if text:
                    walk.blocks.append(Paragraph(f"• {text}"))
    elif (
        tag in ("p", "center", "pre", "dd", "dt")
        or walk.depth >= _MAX_WALK_DEPTH
        or not _has_blocks(node)
    ):
        if node.css_first("img") is not None:
            return _picture_paragraph(walk, node)
        text = node_text(node)
        if text:
            _text_block(walk, text, bold=lambda: _wholly(node, _BOLD, text), node=node)
    else:
        _container(walk, node)
    return following


def _has_blocks(node: LexborNode) -> bool:
    return any(not _is_inline(child) for child in elements(node) if child.tag != "br")


def _text_block(
    walk: _Walk,
    text: str,
    *,
    bold: bool | Callable[[], bool] = False,
    node: LexborNode | None = None,
) -> None:
    """A heading or a paragraph; ``bold`` (whether all of it is bold) is asked only when it
    decides, as finding it out walks the node's tree."""
    words = clean_word_count(text)
    upper = words <= _UPPER_HEADING_MAX_WORDS and is_upper_text(text)
    short = words <= _HEADING_MAX_WORDS and not text.endswith(".")
    block: Block
    if upper or (short and (bold() if callable(bold) else bold)):
        block = Heading(text)
    else:
        block = Paragraph(text)
    walk.blocks.append(block)
    walk.above, walk.last = walk.last, _Last(block, bold, node)


def _figure(walk: _Walk, node: LexborNode) -> None:
    images = node.css("img")
    caption_node = node.css_first("figcaption")
    caption = node_text(caption_node) if caption_node is not None else _non_image_text(node)
    if not images:
        if caption:
            _text_block(walk, caption)
        return
    for index, img in enumerate(images):
        _add_image(walk, img, caption if index == len(images) - 1 else "")


def _table(walk: _Walk, node: LexborNode) -> None:
    if node.css_first("img") is None:
        for row in node.css("tr"):
            cells = [node_text(c) for c in row.css("td, th")]
            text = " | ".join(c for c in cells if c)
            if text:
                walk.blocks.append(Paragraph(text))
        return
    rows = node.css("tr") or [node]
    explicit = node.css_first("td.td-image-desc, td.caption, .image-desc, caption")
    for row in rows:
        images = row.css("img")
        if images:
            text = "" if explicit is not None else _non_image_text(row)
            for img in images:
                _add_image(walk, img, text if img is images[-1] else "")
        else:
            text = node_text(row)
            if text:
                _caption_last_image(walk, text)
    if explicit is not None:
        _caption_last_image(walk, node_text(explicit))


def _caption_last_image(walk: _Walk, text: str) -> None:
    last = walk.blocks[-1] if walk.blocks else None
    if isinstance(last, Image) and not last.caption:
        walk.blocks[-1] = Image(last.src, text)
    elif isinstance(last, Image) and last.caption == text:
        return
    else:
        walk.blocks.append(Paragraph(text))


def _quote(walk: _Walk, node: LexborNode) -> None:
    paragraphs = [node_text(p) for p in node.css("p")]
    texts = [t for t in paragraphs if t] or [node_text(node)]
    walk.blocks.extend(Quote(t) for t in texts if t)


def _picture_paragraph(walk: _Walk, node: LexborNode) -> LexborNode | None:
    """A ``p``/``div`` holding an image: the image, then its own text as caption or paragraph."""
    images = node.css("img")
    text = _non_image_text(node)
    for img in images[:-1]:
        _add_image(walk, img, "")
    caption_like = text and (
        _centred(node)
        or _wholly(node, _ITALIC)
        or _CAPTION_CLASS.search(attr(node, "class") or "")
        or clean_word_count(text) <= _CAPTION_MAX_WORDS // 2
    )
    if caption_like:
        _add_image(walk, images[-1], text)
        return node.next
    following = _image_then_caption(walk, node, images[-1], "")
    if text:
        _text_block(walk, text)
    return following


def _image_then_caption(
    walk: _Walk, holder: LexborNode, img: LexborNode, caption: str
) -> LexborNode | None:
    """Add an image; if it has no caption, take a caption-like next sibling as its caption."""
    following = holder.next
    while following is not None and not following.is_element_node:
        if clean(following.text_content):
            break
        following = following.next
    if not caption and following is not None and following.is_element_node:
        candidate = node_text(following)
        if candidate and following.css_first("img") is None and _caption_like(following):
            _add_image(walk, img, candidate)
            return following.next
    _add_image(walk, img, caption)
    return holder.next


def _caption_like(node: LexborNode) -> bool:
    text = node_text(node)
    if not text or clean_word_count(text) > _CAPTION_MAX_WORDS or is_upper_text(text):
        return False
    return bool(
        _centred(node)
        or _wholly(node, _ITALIC)
        or _CAPTION_CLASS.search(attr(node, "class") or "")
        or node.tag == "figcaption"
    )


def _add_image(walk: _Walk, img: LexborNode, caption: str) -> None:
    raw = image_src(img)
    src = walk.site.canonical(raw, walk.base_url) if raw else None
    walk.blocks.append(Image(src, caption or None))


def _non_image_text(node: LexborNode) -> str:
    return node_text(node)


_BOLD = ("strong", "b")
_ITALIC = ("em", "i")


def _wholly(node: LexborNode, tags: tuple[str, ...], text: str | None = None) -> bool:
    """True when all the text of ``node`` (``text``, if already known) sits inside ``tags``
    (or a matching style)."""
    total = len((node_text(node) if text is None else text).replace(" ", ""))
    if total == 0:
        return False
    if node.tag in tags:
        return True
    style = attr(node, "style") or ""
    if (tags is _BOLD and _BOLD_STYLE.search(style)) or (
        tags is _ITALIC and _ITALIC_STYLE.search(style)
    ):
        return True
    covered = 0
    for inner in node.css(",".join(tags)):
        parent = inner.parent
        nested = False
        while parent is not None and parent is not node and parent.mem_id != node.mem_id:
            if parent.tag in tags:
                nested = True
                break
            parent = parent.parent
        if not nested:
            covered += len(node_text(inner).replace(" ", ""))
    return covered >= total * 0.95


def _centred(node: LexborNode) -> bool:
    if (attr(node, "align") or "").lower() == "center":
        return True
    if _CENTRED.search(attr(node, "style") or ""):
        return True
    return "center" in (attr(node, "class") or "").lower()


def link_dominated(node: LexborNode, text: str | None = None) -> bool:
    """True when most of the text of ``node`` (``text``, if already known) is link text
    (a box of links). Text is measured in characters other than white space, so that the
    page's own line breaks and indentation count for nothing (and need no cleaning)."""
    total = _visible_length(node.text(deep=True) if text is None else text)
    if total == 0:
        return True
    # (Counted once over all the links' text: the counts add up, and one call per link cost
    # four times the links' text itself.)
    linked = _visible_length("".join(a.text(deep=True) for a in node.css("a")))
    return linked >= total * 0.6


# The white space of HTML text; other kinds are too rare to be worth counting.
_SPACES = (" ", "\n", "\xa0", "\t", "\r")


def _visible_length(text: str) -> int:
    """How many characters of ``text`` are not white space (a few C scans; no list of words)."""
    return len(text) - sum(map(text.count, _SPACES))


def _same_picture(a: Image, b: Image) -> bool:
    if a.caption != b.caption:
        return False
    if a.src is None or b.src is None:
        return True
    return urlsplit(a.src).path == urlsplit(b.src).path


def finish_blocks(
    blocks: list[Block], signed: Signed | None = None
) -> tuple[list[Block], str | None]:
    """Tidy walked blocks: captions never repeat as text, twin images merge, author moves out.

    ``signed`` is the body's closing block as :func:`extract_body` read it from its markup.
    Returns the blocks and the author line (or None).
    """
    tidy: list[Block] = []
    for block in blocks:
        previous = tidy[-1] if tidy else None
        if isinstance(block, Image):
            if isinstance(previous, Image) and _same_picture(previous, block):
                continue
            if (
                block.caption
                and isinstance(previous, Paragraph | Heading)
                and same_key(previous.text, fold_key(block.caption))
            ):
                tidy.pop()  # the caption was also printed as a paragraph just above
        elif (
            isinstance(previous, Image)
            and previous.caption
            and isinstance(block, Paragraph | Heading)
            and same_key(block.text, fold_key(previous.caption))
        ):
            continue
        tidy.append(block)
    author = None
    # The byline is the last block but pictures (a closing line may follow the last photo).
    for index in range(len(tidy) - 1, -1, -1):
        block = tidy[index]
        if isinstance(block, Image):
            continue
        if signed is not None and block is signed.block:
            if signed.above is None:
                author = signed.author
                del tidy[index]
            elif index > 0 and tidy[index - 1] is signed.above:
                author = signed.author
                del tidy[index - 1 : index + 1]
        elif isinstance(block, Paragraph | Heading) and is_author_line(block.text):
            author = block.text
            del tidy[index]
        break
    return tidy, author


_WRAPPER_LEVELS = 4


def _lines(last: _Last) -> list[tuple[str, bool]]:
    """The lines of the last text block, split at ``<br>``, each with whether it is bold."""
    text = last.block.text if isinstance(last.block, Paragraph | Heading) else ""
    node = last.node
    if node is None or node.css_first("br") is None:
        return [(text, last.bold() if callable(last.bold) else last.bold)]
    # Through wrappers that hold the whole line group (``p > span > strong, br, em``); a
    # few levels at most, each look being a walk of what is under it.
    for _ in range(_WRAPPER_LEVELS):
        only = _only_child(node)
        if only is None or only.css_first("br") is None:
            break
        node = only
    lines: list[tuple[str, bool]] = []
    group: list[LexborNode] = []
    child = node.child
    while True:
        if child is None or child.tag == "br":
            parts = [n.text_content or "" if n.is_text_node else n.text(deep=True) for n in group]
            line = clean("".join(parts))
            if line:
                lines.append((line, all(_bold_or_blank(n) for n in group)))
            group = []
            if child is None:
                return lines
        elif child.tag != "-comment":
            group.append(child)
        child = child.next


def _only_child(node: LexborNode) -> LexborNode | None:
    """The one element child of ``node`` when nothing else in it has text."""
    found = None
    child = node.child
    while child is not None:
        if child.is_element_node:
            if found is not None:
                return None
            found = child
        elif child.tag != "-comment" and clean(child.text_content or ""):
            return None
        child = child.next
    return found


def _bold_or_blank(node: LexborNode) -> bool:
    if node.is_text_node:
        return not clean(node.text_content or "")
    return not node_text(node) or _wholly(node, _BOLD)
