"""Plain-text and Markdown renderings of an article (for ``read``, export and the UI)."""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

from tgreader.model import Article, Heading, Image, Paragraph, Quote
from tgreader.text import fold, strip_controls
from tgreader.urls import article_id

__all__ = [
    "CAPTION_LABEL",
    "article_markdown",
    "article_text",
    "caption_note",
    "export_markdown",
    "export_name",
]

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


# In a link destination these would end it, break it or open raw HTML: written as %XX.
_URL_BREAKERS = re.compile(r"[\x00-\x20\x7f<>()\\`\[\]\"']")


def _md_url(url: str) -> str | None:
    """``url`` made safe inside ``<...>`` in Markdown; None when it is not http(s)."""
    if not re.match(r"https?://", url, re.IGNORECASE):
        return None
    return _URL_BREAKERS.sub(lambda m: f"%{ord(m.group()):02X}", strip_controls(url))


def _md_link(text: str, url: str) -> str:
    """``[text](<url>)``, or the text alone when the URL is not one to link."""
    safe = _md_url(url)
    return f"[{text}](<{safe}>)" if safe else text


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
            src = _md_url(block.src) if block.src else None
            if src:
                out.append(f"![{alt}](<{src}>)")
            out.append(f"*{_md(caption_note(block.caption))}*")
        elif isinstance(block, Heading):
            out.append(f"## {_md(block.text)}")
        elif isinstance(block, Quote):
            out.append(f"> {_md(block.text)}")
        elif isinstance(block, Paragraph):
            out.append(_md(block.text))
        out.append("")
    if article.author:
        # Inside an HTML block Markdown escapes do not apply: HTML's do.
        import html  # (its table of entities is only needed here)

        author = html.escape(" ".join(strip_controls(article.author).split()))
        out += [f'<p align="right"><em>{author}</em></p>', ""]
    if article.related:
        out += ["## Các tin khác", ""]
        out += [f"{n}. {_md_link(_md(r.title), r.url)}" for n, r in enumerate(article.related, 1)]
        out.append("")
    source = _md_url(article.url)
    out.append(f"Nguồn: <{source}>" if source else f"Nguồn: {_md(article.url)}")
    return "\n".join(out) + "\n"


def export_name(title: str, limit: int = 80, *, fallback: str | None = None) -> str:
    """A safe file name from a title: folded, no separators, never a path (``a-b-c.md``).

    A title with no Latin letter or digit is named ``bai-viet-<fallback>.md`` (the
    article's id), so such articles do not all share one name.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", fold(title).lower()).strip("-")[:limit].strip("-")
    if not slug and fallback:
        slug = "-".join(["bai-viet", *re.findall(r"[a-z0-9]+", fallback.lower())])[:limit]
    return f"{slug.strip('-') or 'bai-viet'}.md"


def export_markdown(article: Article, folder: Path) -> Path:
    """Write ``article`` as Markdown into ``folder``; returns the file written.

    Never replaces a file: when the name is taken, ``-2``, ``-3``… are tried, each
    created exclusively (no race with another writer, no write through a symlink).
    """
    base = folder.expanduser().resolve()
    base.mkdir(parents=True, exist_ok=True)
    name = export_name(article.title, fallback=article_id(article.url))
    stem = name.removesuffix(".md")
    data = article_markdown(article).encode("utf-8")
    for number in range(1, 10_000):
        target = base / (name if number == 1 else f"{stem}-{number}.md")
        if target.parent != base:  # export_name never yields a separator: kept local
            raise OSError(f"{target}: outside the export folder")
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        return target
    raise OSError(f"{base / name}: 9,999 files of that name already")
