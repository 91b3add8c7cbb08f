"""The I/O the reader does: the stored copy at once, then the rest in Textual workers.

``stored_*`` read what the store holds, synchronously (about a millisecond), for the screen
to show in the same frame as the key that asked. The coroutines run in workers: each talks
to the Service and only posts messages with what it found (or why it failed); the screen's
handlers decide what to show. Longer store work (search, user data) goes to a thread, so the
event loop stays free to paint. Nothing here touches a widget.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from textual.message import Message

from tgreader.errors import TgError
from tgreader.model import Article, Home, Listing, ListItem, Section
from tgreader.sections import builtin_sections
from tgreader.service import Service
from tgreader.ui.messages import (
    ArticleLoaded,
    BookmarksKnown,
    BookmarksLoaded,
    BookmarkToggled,
    Exported,
    ListingLoaded,
    LoadFailed,
    LoadKind,
    ReadToggled,
    SearchDone,
    SectionsLoaded,
    UnreadCounted,
)

if TYPE_CHECKING:
    import webbrowser

__all__ = [
    "console_browser",
    "count_unread",
    "export_article",
    "load_article",
    "load_bookmarked",
    "load_bookmarks",
    "load_listing",
    "load_sections",
    "open_in_browser",
    "run_search",
    "set_read",
    "stored_article",
    "stored_latest",
    "stored_listing",
    "stored_sapos",
    "stored_sections",
    "toggle_bookmark",
    "toggle_read",
]

Post = Callable[[Message], object]
T = TypeVar("T")

# The stored copy is what the reader waits for, and reading it takes about a millisecond: the
# screen reads it itself, at once, through the stored_* functions below, so it is on the
# screen in the same frame as the key that asked for it. The workers then only ask the
# site (or the store again, when offline or fresh) for the final answer.


# Search results come a page at a time, as listings do: the first page is what the reader
# waits for, and ranking and cutting snippets cost in proportion to the hits asked for.
SEARCH_PAGE = 20


async def _guard(
    post: Post, kind: LoadKind, request: int, target: str, job: Awaitable[None]
) -> None:
    """Run ``job``; any failure becomes a LoadFailed message, never a crash of the app."""
    try:
        await job
    except asyncio.CancelledError:
        raise
    except Exception as error:  # a bug or an unexpected failure must not kill the reader
        post(LoadFailed(kind, request, target, error))


def _stored(read: Callable[[], T | None]) -> T | None:
    # A store that cannot be read shows nothing here: the worker started next meets the
    # same failure and reports it as a LoadFailed message.
    try:
        return read()
    except Exception:
        return None


def stored_sections(service: Service, request: int) -> SectionsLoaded | None:
    """The menu from the stored home page, if there is one (not final)."""

    def read() -> SectionsLoaded | None:
        stored = service.stored(service.site.home_url, Home)
        if stored is None or not stored.page.sections:
            return None
        return SectionsLoaded(request, list(stored.page.sections), stored, None, False)

    return _stored(read)


def stored_listing(service: Service, request: int, url: str, *, more: bool) -> ListingLoaded | None:
    """The stored copy of a listing page and which of its articles were read (not final)."""

    def read() -> ListingLoaded | None:
        stored = service.stored(url, Listing)
        if stored is None:
            return None
        read_urls = service.userdata.read_urls(a.url for a in stored.page.articles)
        return ListingLoaded(request, stored, read_urls, False, more)

    return _stored(read)


def stored_latest(service: Service, home: Home | None) -> tuple[list[ListItem], set[str]] | None:
    """The latest news from ``home`` and the store, and which of them were read (None: the
    store could not be read)."""

    def read() -> tuple[list[ListItem], set[str]]:
        items = service.latest_from(home)
        return items, service.userdata.read_urls(i.url for i in items)

    return _stored(read)


def stored_sapos(service: Service, urls: list[str]) -> dict[str, str]:
    """The sapos the store has of ``urls``' articles (none when it cannot be read)."""
    return _stored(lambda: service.sapos(urls)) or {}


def stored_article(service: Service, request: int, url: str) -> ArticleLoaded | None:
    """The stored copy of an article (not final)."""

    def read() -> ArticleLoaded | None:
        stored = service.stored(url, Article)
        return ArticleLoaded(request, stored, False) if stored is not None else None

    return _stored(read)


async def load_sections(service: Service, post: Post, request: int, refresh: bool) -> None:
    """The menu: the service's answer (the site's home page, else the built-in list)."""

    async def job() -> None:
        if refresh:
            try:
                answer = await service.home(refresh=True)
            except TgError as failure:
                # Nothing stored and the site unreachable: the same fallback as at start
                # (the stored menu, else the built-in list), and why.
                found, home, _ = await service.sections()
                post(SectionsLoaded(request, found, home, failure, True))
                return
            sections = list(answer.page.sections) or builtin_sections()
            post(SectionsLoaded(request, sections, answer, answer.error, True))
        else:
            await service.warm()  # the HTTP client, made off the event loop
            found, home, error = await service.sections()
            post(SectionsLoaded(request, found, home, error, True))

    await _guard(post, "sections", request, service.site.home_url, job())


async def load_listing(
    service: Service, post: Post, request: int, url: str, *, refresh: bool, more: bool
) -> None:
    """A listing page: the service's answer, with which of its articles were read."""

    async def job() -> None:
        answer = await service.listing(url, refresh=refresh)
        read = await asyncio.to_thread(
            service.userdata.read_urls, [a.url for a in answer.page.articles]
        )
        post(ListingLoaded(request, answer, read, True, more))

    await _guard(post, "more" if more else "listing", request, url, job())


async def load_article(
    service: Service, post: Post, request: int, url: str, *, refresh: bool
) -> None:
    """An article: the service's answer (from the store once stored, unless ``refresh``)."""

    async def job() -> None:
        post(ArticleLoaded(request, await service.article(url, refresh=refresh), True))

    await _guard(post, "article", request, url, job())


async def run_search(
    service: Service, post: Post, request: int, query: str, *, offset: int = 0
) -> None:
    """A page of search results, after the ``offset`` best (diacritics and case ignored)."""

    def search() -> SearchDone:
        searched = service.interpret(query)
        hits = service.search(searched, limit=SEARCH_PAGE, offset=offset)
        read = service.userdata.read_urls(h.url for h in hits)
        # The header says what was searched when it is not what was typed (Telex, VNI).
        shown = query if searched == query else f"{query} → {searched}"
        return SearchDone(request, shown, hits, read, offset)

    async def job() -> None:
        post(await asyncio.to_thread(search))

    await _guard(post, "more" if offset else "search", request, query, job())


async def load_bookmarks(service: Service, post: Post, request: int) -> None:
    """The reader's bookmarks (with the sapos of those stored: a bookmark keeps a title)."""

    def read() -> BookmarksLoaded:
        marks = service.userdata.bookmarks()
        read_urls = service.userdata.read_urls(b.url for b in marks)
        return BookmarksLoaded(request, marks, read_urls, service.sapos([b.url for b in marks]))

    async def job() -> None:
        post(await asyncio.to_thread(read))

    await _guard(post, "bookmarks", request, "bookmarks", job())


async def count_unread(service: Service, post: Post, sections: list[Section]) -> None:
    """What each section lists in the store and which of it is read (see UnreadCounted)."""

    def read() -> UnreadCounted:
        listed = service.stored_lists(sections)
        every = {url for urls in listed.values() for url in urls}
        return UnreadCounted(listed, service.userdata.read_urls(every))

    async def job() -> None:
        post(await asyncio.to_thread(read))

    await _guard(post, "userdata", 0, "unread", job())


async def set_read(service: Service, post: Post, urls: list[str], read: bool = True) -> None:
    """Mark ``urls`` read because they were opened (the link followed and where it led), or
    a whole list read (or unread again, to undo that)."""

    def mark() -> None:
        for url in urls:
            service.userdata.mark_read(url, read)

    async def job() -> None:
        await asyncio.to_thread(mark)
        for url in urls:
            post(ReadToggled(url, read, quiet=True))

    await _guard(post, "userdata", 0, urls[0], job())


async def toggle_read(service: Service, post: Post, urls: list[str]) -> None:
    """Flip the read state of an article known by ``urls`` (the list's URL and, after a
    redirect, the final one): all of them follow the first."""

    def flip() -> bool:
        read = not service.userdata.is_read(urls[0])
        for url in urls:
            service.userdata.mark_read(url, read)
        return read

    async def job() -> None:
        read = await asyncio.to_thread(flip)
        for index, url in enumerate(urls):
            post(ReadToggled(url, read, quiet=index > 0))

    await _guard(post, "userdata", 0, urls[0], job())


async def toggle_bookmark(service: Service, post: Post, urls: list[str], title: str) -> None:
    """Bookmark the article known by ``urls`` (the list's URL and, after a redirect, the
    final one), or remove its bookmark: all of them follow the first."""

    def flip() -> bool:
        now = service.userdata.toggle_bookmark(urls[0], title)
        for url in urls[1:]:
            if now:
                service.userdata.add_bookmark(url, title)
            else:
                service.userdata.remove_bookmark(url)
        return now

    async def job() -> None:
        post(BookmarkToggled(urls, await asyncio.to_thread(flip)))

    await _guard(post, "userdata", 0, urls[0], job())


async def load_bookmarked(service: Service, post: Post) -> None:
    """Which articles are bookmarked, for the lists' stars."""

    def read() -> set[str]:
        return {mark.url for mark in service.userdata.bookmarks()}

    async def job() -> None:
        post(BookmarksKnown(await asyncio.to_thread(read)))

    await _guard(post, "userdata", 0, "bookmarks", job())


def console_browser() -> webbrowser.BaseBrowser | None:
    """The browser ``webbrowser`` would use when it is a console one (lynx, w3m, links, or
    a ``$BROWSER`` command), which takes over the terminal; None for a graphical one."""
    import webbrowser

    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return None
    # Graphical browsers are BackgroundBrowser (a subclass) or have a remote protocol.
    return browser if type(browser) is webbrowser.GenericBrowser else None


async def open_in_browser(post: Post, url: str) -> None:
    """Open ``url`` with the system's browser (it may block: a thread does it)."""

    import webbrowser  # here, not at startup: the reader seldom needs it

    async def job() -> None:
        if not await asyncio.to_thread(webbrowser.open, url):
            raise OSError("no browser available")

    await _guard(post, "browser", 0, url, job())


async def export_article(post: Post, article: Article, folder: Path) -> None:
    """Write ``article`` as Markdown into ``folder``, named after its title."""

    from tgreader.render import export_markdown  # here, not at startup

    def write() -> Path:
        return export_markdown(article, folder)

    async def job() -> None:
        post(Exported(await asyncio.to_thread(write)))

    await _guard(post, "export", 0, article.url, job())
