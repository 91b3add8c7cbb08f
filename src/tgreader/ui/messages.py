"""Messages the loaders post to the main screen: the results of I/O, and failures.

Every load carries the ``request`` number it was started with, so the screen can drop an
answer that arrives after the reader has moved on. (Plain classes, not dataclasses: making
nine dataclasses took a few milliseconds of every launch.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from textual.message import Message

from tgreader.errors import TgError
from tgreader.model import Article, Home, Listing, Section
from tgreader.search import SearchHit
from tgreader.service import Answer
from tgreader.userdata import Bookmark

__all__ = [
    "ArticleLoaded",
    "BookmarkToggled",
    "BookmarksKnown",
    "BookmarksLoaded",
    "Exported",
    "ListingLoaded",
    "LoadFailed",
    "LoadKind",
    "ReadToggled",
    "SearchDone",
    "SectionsLoaded",
    "UnreadCounted",
]

LoadKind = Literal[
    "sections",
    "listing",
    "more",
    "article",
    "search",
    "bookmarks",
    "userdata",
    "browser",
    "export",
]


class SectionsLoaded(Message):
    """The menu: from the store first (``final`` False), then from the service."""

    def __init__(
        self,
        request: int,
        sections: list[Section],
        answer: Answer[Home] | None,
        error: TgError | None,
        final: bool,
    ) -> None:
        super().__init__()
        self.request = request
        self.sections = sections
        self.answer = answer
        self.error = error
        self.final = final


class ListingLoaded(Message):
    """One page of a section listing, with which of its articles were read."""

    def __init__(
        self, request: int, answer: Answer[Listing], read: set[str], final: bool, more: bool
    ) -> None:
        super().__init__()
        self.request = request
        self.answer = answer
        self.read = read
        self.final = final
        self.more = more  # a later page, to append


class ArticleLoaded(Message):
    """An article, from the store first (``final`` False), then from the service."""

    def __init__(self, request: int, answer: Answer[Article], final: bool) -> None:
        super().__init__()
        self.request = request
        self.answer = answer
        self.final = final


class SearchDone(Message):
    """A page of search results (after the ``offset`` best) and which of them were read."""

    def __init__(
        self, request: int, query: str, hits: list[SearchHit], read: set[str], offset: int
    ) -> None:
        super().__init__()
        self.request = request
        self.query = query
        self.hits = hits
        self.read = read
        self.offset = offset  # 0 for the first page; else a later page, to append


class BookmarksLoaded(Message):
    """The reader's bookmarks, newest first, and the sapos the store has of them."""

    def __init__(
        self, request: int, bookmarks: list[Bookmark], read: set[str], sapos: dict[str, str]
    ) -> None:
        super().__init__()
        self.request = request
        self.bookmarks = bookmarks
        self.read = read
        self.sapos = sapos


class BookmarksKnown(Message):
    """The URLs of every bookmarked article (the lists star them)."""

    def __init__(self, urls: set[str]) -> None:
        super().__init__()
        self.urls = urls


class UnreadCounted(Message):
    """What each section lists in the store (section URL -> article URLs), and which of
    those articles are read: the sections pane's unread counts at start."""

    def __init__(self, listed: dict[str, list[str]], read: set[str]) -> None:
        super().__init__()
        self.listed = listed
        self.read = read


class ReadToggled(Message):
    """``url`` is now read (or unread); ``quiet`` when it happened by opening the article."""

    def __init__(self, url: str, read: bool, quiet: bool) -> None:
        super().__init__()
        self.url = url
        self.read = read
        self.quiet = quiet


class BookmarkToggled(Message):
    """The article known by ``urls`` is now bookmarked (or not)."""

    def __init__(self, urls: list[str], bookmarked: bool) -> None:
        super().__init__()
        self.urls = urls
        self.bookmarked = bookmarked


class Exported(Message):
    """The article was written as Markdown to ``path``."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path


class LoadFailed(Message):
    """A load or an action failed; ``error`` is what to tell the reader."""

    def __init__(self, kind: LoadKind, request: int, target: str, error: BaseException) -> None:
        super().__init__()
        self.kind = kind
        self.request = request
        self.target = target
        self.error = error
