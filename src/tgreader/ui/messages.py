"""Messages the loaders post to the main screen: the results of I/O, and failures.

Every load carries the ``request`` number it was started with, so the screen can drop an
answer that arrives after the reader has moved on.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    "BookmarksLoaded",
    "Exported",
    "ListingLoaded",
    "LoadFailed",
    "LoadKind",
    "ReadToggled",
    "SearchDone",
    "SectionsLoaded",
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


@dataclass
class SectionsLoaded(Message):
    """The menu: from the store first (``final`` False), then from the service."""

    request: int
    sections: list[Section]
    answer: Answer[Home] | None
    error: TgError | None
    final: bool


@dataclass
class ListingLoaded(Message):
    """One page of a section listing, with which of its articles were read."""

    request: int
    answer: Answer[Listing]
    read: set[str]
    final: bool
    more: bool  # a later page, to append


@dataclass
class ArticleLoaded(Message):
    """An article, from the store first (``final`` False), then from the service."""

    request: int
    answer: Answer[Article]
    final: bool


@dataclass
class SearchDone(Message):
    """Search results and which of them were read."""

    request: int
    query: str
    hits: list[SearchHit]
    read: set[str]


@dataclass
class BookmarksLoaded(Message):
    """The reader's bookmarks, newest first."""

    request: int
    bookmarks: list[Bookmark]
    read: set[str]


@dataclass
class ReadToggled(Message):
    """``url`` is now read (or unread); ``quiet`` when it happened by opening the article."""

    url: str
    read: bool
    quiet: bool


@dataclass
class BookmarkToggled(Message):
    """``url`` is now bookmarked (or not)."""

    url: str
    bookmarked: bool


@dataclass
class Exported(Message):
    """The article was written as Markdown to ``path``."""

    path: Path


@dataclass
class LoadFailed(Message):
    """A load or an action failed; ``error`` is what to tell the reader."""

    kind: LoadKind
    request: int
    target: str
    error: BaseException
