"""Plain-text and Markdown renderings of an article (for ``read``, export and the UI)."""

from __future__ import annotations

import re
import textwrap

from tgreader.model import Article, Heading, Image, Paragraph, Quote
from tgreader.text import fold, strip_controls

__all__ = ["CAPTION_LABEL", "article_markdown", "article_text", "caption_note", "export_name"]

CAPTION_LABEL = "Ảnh"


def caption_note(caption: str | None) -> str:
    """The inline note that stands where a photo stood: ``Ảnh: <caption>`` or ``Ảnh``."""
    if not caption:
        return f"[{CAPTION_LABEL}]"
    if re.match(r"^(Ảnh|Nguồn|Theo)\s*:", caption, re.IGNORECASE):
        return caption  # the caption already says what it is (Gen C writes "Ảnh: …")
    return f"{CAPTION_LABEL}: {caption}"


def _byline(article: Article) -> str:
    parts = [p for p in (article.section, article.published and article.published.vietnamese())]
    return " · ".join(p for p in parts if p)


def article_text(article: Article, width: int = 80) -> str:
    """A readable plain-text rendering: captions as notes, the author right-aligned."""
    width = max(30, width)
    fill = textwrap.TextWrapper(width=width, break_long_words=False, break_on_hyphens=False)
    out: list[str] = []
    if byline := _byline(article):
        out += [byline, ""]
    out += [*fill.wrap(article.title), "=" * min(width, len(article.title)), ""]
    if article.sapo:
        out += [*textwrap.wrap(article.sapo, width - 2, initial_indent="  ",
                               subsequent_indent="  "), ""]  # fmt: skip
    for block in article.blocks:
        if isinstance(block, Image):
            note = caption_note(block.caption)
            out += textwrap.wrap(note, width - 4, initial_indent="   ▣ ", subsequent_indent="     ")
        elif isinstance(block, Heading):
            out += [*fill.wrap(block.text.upper())]
        elif isinstance(block, Quote):
            out += textwrap.wrap(block.text, width - 4, initial_indent="  │ ",
                                 subsequent_indent="  │ ")  # fmt: skip
        else:
            out += fill.wrap(block.text)
        out.append("")
    if article.author:
        out += [article.author.rjust(width), ""]
    if article.related:
        out += ["Các tin khác:"]
        for number, link in enumerate(article.related, 1):
            out += textwrap.wrap(f"{number}. {link.title}", width, subsequent_indent="   ")
            out.append(f"   {link.url}")
        out.append("")
    out.append(article.url)
    return strip_controls("\n".join(out).rstrip() + "\n").replace("\r", "")


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])", re.MULTILINE)


def _md(text: str) -> str:
    """Escape Markdown syntax in page text so it is shown, never interpreted."""
    return _MD_LINE_START.sub(r"\1\\\2", _MD_SPECIAL.sub(r"\\\1", strip_controls(text)))


def article_markdown(article: Article) -> str:
    """The article as Markdown, for export."""
    out = [f"# {_md(article.title)}", ""]
    if byline := _byline(article):
        out += [f"*{_md(byline)}*", ""]
    if article.sapo:
        out += [f"**{_md(article.sapo)}**", ""]
    for block in article.blocks:
        if isinstance(block, Image):
            alt = _md(block.caption or CAPTION_LABEL)
            if block.src:
                out.append(f"![{alt}](<{block.src}>)")
            out.append(f"*{_md(caption_note(block.caption))}*")
        elif isinstance(block, Heading):
            out.append(f"## {_md(block.text)}")
        elif isinstance(block, Quote):
            out.append(f"> {_md(block.text)}")
        elif isinstance(block, Paragraph):
            out.append(_md(block.text))
        out.append("")
    if article.author:
        out += [f'<p align="right"><em>{_md(article.author)}</em></p>', ""]
    if article.related:
        out += ["## Các tin khác", ""]
        out += [f"{n}. [{_md(r.title)}](<{r.url}>)" for n, r in enumerate(article.related, 1)]
        out.append("")
    out.append(f"Nguồn: <{article.url}>")
    return "\n".join(out) + "\n"


def export_name(title: str, limit: int = 80) -> str:
    """A safe file name from a title: folded, no separators, never a path (``a-b-c.md``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(title).lower()).strip("-")[:limit].strip("-")
    return f"{slug or 'bai-viet'}.md"
