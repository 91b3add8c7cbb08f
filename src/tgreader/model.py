"""The data model: what the parser makes of a page, and its JSON form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

__all__ = [
    "Article",
    "Block",
    "Heading",
    "Home",
    "Image",
    "Link",
    "ListItem",
    "Listing",
    "Paragraph",
    "Published",
    "Quote",
    "Section",
    "article_from_dict",
    "home_from_dict",
    "listing_from_dict",
]

Generation = Literal["A", "B", "C", "generic"]


@dataclass(frozen=True, slots=True)
class Published:
    """When a page was published, in UTC+7; ``has_time`` is False when only the day is known."""

    when: datetime
    has_time: bool = True

    def isoformat(self) -> str:
        """``2023-04-13T07:53:00+07:00``, or ``2023-04-13`` when the time is unknown."""
        return self.when.isoformat() if self.has_time else self.when.date().isoformat()

    def vietnamese(self) -> str:
        """``Thứ Năm, 13/4/2023 07:53`` (the weekday, the date, and the time when known)."""
        return f"{_WEEKDAYS[self.when.weekday()]}, {self.short()}"

    def short(self) -> str:
        """``13/4/2023 07:53``: the date and the time when known, for a list's row."""
        text = f"{self.when.day}/{self.when.month}/{self.when.year}"
        return f"{text} {self.when:%H:%M}" if self.has_time else text

    @classmethod
    def from_iso(cls, text: str | None) -> Published | None:
        """Read back what ``isoformat`` wrote."""
        if not text:
            return None
        if "T" in text:
            return cls(datetime.fromisoformat(text), True)
        from tgreader.text import VN_TZ  # a leaf module; imported here to keep model first

        return cls(datetime.fromisoformat(text).replace(tzinfo=VN_TZ), False)


_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


@dataclass(frozen=True, slots=True)
class Heading:
    """A sub-heading of the article body."""

    text: str
    kind: Literal["heading"] = "heading"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """An ordinary paragraph."""

    text: str
    kind: Literal["paragraph"] = "paragraph"


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation set apart from the body (``blockquote``)."""

    text: str
    kind: Literal["quote"] = "quote"


@dataclass(frozen=True, slots=True)
class Image:
    """A photo at its place in the body, with its caption if it has one."""

    src: str | None
    caption: str | None
    kind: Literal["image"] = "image"


Block = Heading | Paragraph | Quote | Image


@dataclass(frozen=True, slots=True)
class Link:
    """A titled link to another article."""

    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Section:
    """A section of the site's menu."""

    name: str
    url: str


@dataclass(frozen=True, slots=True)
class Article:
    """An article page."""

    url: str
    section: str | None
    title: str
    published: Published | None
    sapo: str | None
    author: str | None
    blocks: tuple[Block, ...]
    related: tuple[Link, ...] = ()
    generation: Generation = "generic"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``tgreader read --json``."""
        return {
            "url": self.url,
            "section": self.section,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "sapo": self.sapo,
            "author": self.author,
            "blocks": [_block_to_dict(b) for b in self.blocks],
            "related": [{"title": r.title, "url": r.url} for r in self.related],
        }


@dataclass(frozen=True, slots=True)
class ListItem:
    """One article in a section listing."""

    title: str
    url: str
    published: Published | None = None
    sapo: str | None = None
    thumbnail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of one listing item."""
        return {
            "title": self.title,
            "url": self.url,
            "published": self.published.isoformat() if self.published else None,
            "sapo": self.sapo,
            "thumbnail": self.thumbnail,
        }


@dataclass(frozen=True, slots=True)
class Listing:
    """One page of a section listing."""

    url: str
    section: str | None
    page: int
    next: str | None
    articles: tuple[ListItem, ...]
    generation: Generation = "generic"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``tgreader list --json``."""
        return {
            "url": self.url,
            "section": self.section,
            "page": self.page,
            "next": self.next,
            "articles": [a.to_dict() for a in self.articles],
        }


@dataclass(frozen=True, slots=True)
class Home:
    """The home page: the menu's sections and every article link, in page order."""

    url: str
    sections: tuple[Section, ...]
    articles: tuple[Link, ...]
    generation: Generation = "generic"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``tgreader home --json``."""
        return {
            "url": self.url,
            "sections": [{"name": s.name, "url": s.url} for s in self.sections],
            "articles": [{"title": a.title, "url": a.url} for a in self.articles],
        }


def _block_to_dict(block: Block) -> dict[str, Any]:
    if isinstance(block, Image):
        return {"kind": "image", "src": block.src, "caption": block.caption}
    return {"kind": block.kind, "text": block.text}


def _block_from_dict(data: dict[str, Any]) -> Block:
    kind = data["kind"]
    if kind == "image":
        return Image(data.get("src"), data.get("caption"))
    if kind == "heading":
        return Heading(data["text"])
    if kind == "quote":
        return Quote(data["text"])
    return Paragraph(data["text"])


def article_from_dict(data: dict[str, Any], generation: Generation = "generic") -> Article:
    """Rebuild an Article from ``Article.to_dict()``."""
    return Article(
        url=data["url"],
        section=data.get("section"),
        title=data["title"],
        published=Published.from_iso(data.get("published")),
        sapo=data.get("sapo"),
        author=data.get("author"),
        blocks=tuple(_block_from_dict(b) for b in data.get("blocks", [])),
        related=tuple(Link(r["title"], r["url"]) for r in data.get("related", [])),
        generation=generation,
    )


def listing_from_dict(data: dict[str, Any], generation: Generation = "generic") -> Listing:
    """Rebuild a Listing from ``Listing.to_dict()``."""
    return Listing(
        url=data["url"],
        section=data.get("section"),
        page=int(data.get("page") or 1),
        next=data.get("next"),
        articles=tuple(
            ListItem(
                title=a["title"],
                url=a["url"],
                published=Published.from_iso(a.get("published")),
                sapo=a.get("sapo"),
                thumbnail=a.get("thumbnail"),
            )
            for a in data.get("articles", [])
        ),
        generation=generation,
    )


def home_from_dict(data: dict[str, Any], generation: Generation = "generic") -> Home:
    """Rebuild a Home from ``Home.to_dict()``."""
    return Home(
        url=data["url"],
        sections=tuple(Section(s["name"], s["url"]) for s in data.get("sections", [])),
        articles=tuple(Link(a["title"], a["url"]) for a in data.get("articles", [])),
        generation=generation,
    )
