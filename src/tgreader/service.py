"""The one entry point for the CLI and the UI: the store first, then the network.

Freshness: an article, once stored, is served from the store until a refresh is asked for;
the home page and listings are fresh for ``ttl`` seconds, then revalidated with the stored
``ETag``/``Last-Modified``. A failed fetch falls back to the stored copy (the answer says
how old it is and why), and never removes or overwrites what was stored.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Generic, Literal, NamedTuple, TypeVar, cast
from urllib.parse import urlsplit

from tgreader._sqlite import is_damage
from tgreader.errors import (
    FetchError,
    NotStoredError,
    ParseError,
    StoreError,
    TgError,
    WrongKindError,
)
from tgreader.model import Article, Home, Listing, ListItem, Published, Section
from tgreader.search import SearchHit
from tgreader.sections import builtin_sections
from tgreader.settings import Settings
from tgreader.store import Store
from tgreader.urls import CANONICAL_ORIGIN, Site, page_kind, page_number, with_page
from tgreader.userdata import UserData

if TYPE_CHECKING:
    # The HTTP client (httpx) and the parser load on first use, not at startup: a reader
    # opening on its store needs neither before its first screen (see _parse_home).
    from tgreader.fetch import Fetcher, Response
    from tgreader.photos import Photo, PhotoStore

__all__ = ["Answer", "Service", "Settings"]

_photo_log = logging.getLogger("tgreader.photos")

P = TypeVar("P", Article, Listing, Home)
Kind = Literal["home", "listing", "article"]

KIND_NAMES: dict[str, str] = {
    "home": "the home page",
    "listing": "a section listing",
    "article": "an article",
}


def command_for(kind: Kind, url: str) -> str:
    """The command that reads a page of ``kind`` at ``url``."""
    if kind == "home":
        return "tgreader home"
    return f"tgreader {'read' if kind == 'article' else 'list'} {url}"


def check_kind(url: str, wanted: Kind, *, shown: str | None = None) -> None:
    """Raise WrongKindError when the site URL ``url`` holds another kind than ``wanted``.

    Parsing a page as a kind it is not makes up a page (an article built from a listing)
    that would then be stored and served as if it were that kind.
    """
    kind = page_kind(url)
    if kind != wanted:
        where = shown or url
        hint = f"read it with: {command_for(kind, url)}"
        raise WrongKindError(where, KIND_NAMES[kind], KIND_NAMES[wanted], hint)


# The parser (and selectolax under it) is imported when a page is first parsed, not when a
# stored page is read: these stand in for it until then.
def _parse_home(html: str, url: str, site: Site) -> Home:
    from tgreader.parse import parse_home

    return parse_home(html, url, site)


def _parse_listing(html: str, url: str, site: Site) -> Listing:
    from tgreader.parse import parse_listing

    return parse_listing(html, url, site)


def _parse_article(html: str, url: str, site: Site) -> Article:
    from tgreader.parse import parse_article

    return parse_article(html, url, site)


_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def _same_origin(stored: str | None, current: str) -> bool:
    """True when a page stored through ``stored`` counts as fetched through ``current``.

    Unknown (a page stored before origins were kept) counts as the same; so does another
    port of a server on this machine, as the demo server takes a new port at every run.
    """
    if stored is None or stored == current:
        return True
    old, new = urlsplit(stored), urlsplit(current)
    return old.scheme == new.scheme and old.hostname == new.hostname in _LOOPBACK


class Answer(NamedTuple, Generic[P]):
    """A page and where it came from: ``error`` is set when the network failed."""

    page: P
    fetched_at: float
    source: Literal["network", "store"]
    error: TgError | None = None
    #: The origin a stored copy was fetched through, when it is not the configured one.
    stored_from: str | None = None

    @property
    def age(self) -> float:
        """Seconds since this copy was fetched or last confirmed fresh."""
        return max(0.0, time.time() - self.fetched_at)


class Service:
    """Cache-first access to the site's pages, search and the reader's own data."""

    def __init__(
        self,
        settings: Settings,
        *,
        fetcher: Fetcher | None = None,
        store: Store | None = None,
        notice: Callable[[str], None] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.settings = settings
        self._fetcher = fetcher
        self._store = store
        self._userdata: UserData | None = None
        self._photos: PhotoStore | None = None
        self._photo_failures: set[str] = set()  # asked once per session, not on every open
        #: Told (one line) of slow work the reader did not ask for, such as a store
        #: indexed again after an upgrade; the CLI prints it on stderr.
        self.notice = notice
        #: Told (done, total) as such work goes on; the CLI draws a progress bar.
        self.progress = progress

    @property
    def site(self) -> Site:
        """The configured origin."""
        return self.settings.site

    @property
    def origin(self) -> str:
        """The configured origin as stored with pages: without any ``user:password@``."""
        parts = urlsplit(self.settings.site.origin)
        host = parts.netloc.rpartition("@")[2]
        return f"{parts.scheme}://{host}"

    @property
    def store(self) -> Store:
        """The page store, opened on first use (a corrupt file is moved aside)."""
        if self._store is None:
            path = self.settings.store_path()
            notice = self.notice

            progress = self.progress

            def on_reindex(done: int, count: int) -> None:
                if notice is not None and done == 0:
                    notice(f"{path}: indexing {count:,} stored articles for search again, once")
                if progress is not None:
                    progress(done, count)

            self._store = Store.open(path, recover=True, on_reindex=on_reindex)
        return self._store

    @property
    def userdata(self) -> UserData:
        """Bookmarks and read state, opened on first use."""
        if self._userdata is None:
            self._userdata = UserData.open(self.settings.userdata_path(), recover=True)
        return self._userdata

    @property
    def fetcher(self) -> Fetcher:
        """The shared HTTP client."""
        if self._fetcher is None:
            from tgreader.fetch import Fetcher

            self._fetcher = Fetcher(
                self.settings.site,
                deadline=self.settings.timeout,
                retries=self.settings.retries,
            )
        return self._fetcher

    def start_over_if_damaged(self, error: StoreError) -> bool:
        """When ``error`` is one of the open files found damaged in use (opening checks a
        file only after a crash or an error), move it aside and start a new one, keeping
        the rows of the user's own data that can still be read; True if that was done."""
        if not is_damage(error):
            return False
        for database in (self._store, self._userdata, self._photos):
            if database is not None and error.where == str(database.path):
                database.start_over()
                return True
        return False

    def recoveries(self) -> list[tuple[Path, Path]]:
        """Damaged files moved aside on opening: (the file, where the damaged one went)."""
        opened = (self._store, self._userdata, self._photos)
        return [
            (db.path, db.recovered_from)
            for db in opened
            if db is not None and db.recovered_from is not None
        ]

    def salvaged(self) -> dict[Path, int]:
        """Rows kept from damaged files moved aside (bookmarks and read state), by file."""
        opened = (self._store, self._userdata)
        return {db.path: db.salvaged for db in opened if db is not None and db.salvaged is not None}

    async def warm(self) -> None:
        """Prepare the HTTP client off the event loop (the UI calls this at start)."""
        if not self.settings.offline:
            await self.fetcher.warm()

    async def aclose(self) -> None:
        """Close the HTTP client and the databases."""
        if self._fetcher is not None:
            await self._fetcher.aclose()
        if self._store is not None:
            self._store.close()
        if self._userdata is not None:
            self._userdata.close()
        if self._photos is not None:
            self._photos.close()

    # --- pages -----------------------------------------------------------------------

    async def home(self, *, refresh: bool = False) -> Answer[Home]:
        """The home page."""
        return await self._load(f"{CANONICAL_ORIGIN}/", "home", _parse_home, refresh)

    async def sections(self) -> tuple[list[Section], Answer[Home] | None, TgError | None]:
        """The menu's sections from the home page, else the built-in list (and why)."""
        try:
            answer = await self.home()
        except (FetchError, ParseError) as error:
            # Not a StoreError: with the store unusable, nothing else would work either.
            return builtin_sections(), None, error
        return (list(answer.page.sections) or builtin_sections()), answer, answer.error

    async def latest(self, *, limit: int = 100) -> tuple[list[ListItem], TgError | None]:
        """The latest news (see :meth:`latest_from`), and why the home page could not be
        had (the stored articles are listed all the same)."""
        home: Home | None = None
        error: TgError | None = None
        try:
            answer = await self.home()
            home, error = answer.page, answer.error
        except (FetchError, ParseError) as failure:
            error = failure
        return await asyncio.to_thread(self.latest_from, home, limit=limit), error

    def latest_from(self, home: Home | None, *, limit: int = 100) -> list[ListItem]:
        """The home page's articles in page order, then the newest stored articles of every
        section, each once, at most ``limit`` in all; dated where the store knows the date."""
        newest = self.store.articles(limit=limit)
        dates = {row.url: Published.from_iso(row.published) for row in newest}
        items: dict[str, ListItem] = {}
        for link in home.articles if home is not None else ():
            items.setdefault(link.url, ListItem(link.title, link.url, dates.get(link.url)))
        for row in newest:
            items.setdefault(row.url, ListItem(row.title, row.url, dates[row.url]))
        return list(items.values())[:limit]

    def sapos(self, urls: list[str]) -> dict[str, str]:
        """The sapos of the stored articles of ``urls`` (see :meth:`Store.sapos`)."""
        return self.store.sapos(urls)

    def stored_lists(self, sections: Iterable[Section], *, pages: int = 10) -> dict[str, list[str]]:
        """The articles each section lists in the store, keyed by the section's URL: its
        stored listing pages in order, from the first until one is not stored (at most
        ``pages``). Keyed reads only, so the cost does not grow with the store."""
        lists: dict[str, list[str]] = {}
        for section in sections:
            urls: dict[str, None] = {}
            url: str | None = self.listing_url(section.url)
            for _ in range(pages):
                stored = self.stored(url, Listing) if url else None
                if stored is None:
                    break
                urls.update(dict.fromkeys(a.url for a in stored.page.articles))
                url = stored.page.next
            lists[section.url] = list(urls)
        return lists

    def listing_url(self, section: str, page: int | None = None) -> str:
        """The canonical URL of ``section`` (slug or URL) at ``page`` (default: the URL's)."""
        url = self.site.section_url(section)
        return with_page(url, page if page is not None else page_number(url))

    async def listing(
        self, section: str, page: int | None = None, *, refresh: bool = False
    ) -> Answer[Listing]:
        """One page of a section listing."""
        url = self.listing_url(section, page)
        return await self._load(url, "listing", _parse_listing, refresh)

    async def article(self, url: str, *, refresh: bool = False) -> Answer[Article]:
        """An article: from the store once stored, unless ``refresh``."""
        canonical = self.site.canonical(url) or url
        return await self._load(canonical, "article", _parse_article, refresh)

    def stored(self, url: str, kind: type[P]) -> Answer[P] | None:
        """What the store holds for ``url`` if it is a ``kind``, without any network."""
        page = self.store.get(self.site.canonical(url) or url)
        model = page.model() if page is not None else None
        if page is None or not isinstance(model, kind):
            return None
        foreign = not _same_origin(page.origin, self.origin)
        return Answer(model, page.checked_at, "store", None, page.origin if foreign else None)

    async def _load(
        self, url: str, kind: Kind, parser: Callable[[str, str, Site], P], refresh: bool
    ) -> Answer[P]:
        if self.site.is_site_url(url):
            check_kind(url, kind)
        stored = self.store.get(url)
        if stored is not None and stored.kind != kind:
            # Kept under a kind it is not by an older version: never served, and the
            # fetch below replaces it with the page it really is.
            stored = None
        foreign = stored is not None and not _same_origin(stored.origin, self.origin)
        if stored is not None:
            model = cast(P, stored.model())
            came_from = stored.origin if foreign else None
            cached: Answer[P] = Answer(model, stored.checked_at, "store", None, came_from)
            if self.settings.offline:
                return cached
            age = time.time() - stored.checked_at
            fresh = kind == "article" or 0 <= age < self.settings.ttl
            # A copy fetched through another origin is stale here: fetched again.
            if not refresh and fresh and not foreign:
                return cached
        elif self.settings.offline:
            raise NotStoredError(url, "not in the store, and tgreader is offline")
        if not self.site.can_fetch(url):
            if stored is not None:
                return cached
            raise FetchError(url, f"not on {self.site.origin}; open it in a browser")
        try:
            # Another origin's validators say nothing about this origin's copy.
            own = stored if stored is not None and not foreign else None
            response = await self.fetcher.get(
                url,
                etag=own.etag if own else None,
                last_modified=own.last_modified if own else None,
            )
            if response.status == 304 and own is not None:
                now = time.time()
                self.store.touch(url, now, etag=response.etag, last_modified=response.last_modified)
                return Answer(cached.page, now, "network")
            self._check_redirect(url, response.final_url, kind)
            # Parsing and storing run in a thread: a huge or hostile page never holds up
            # the event loop (the reader's keys, the other pages of a sync).
            page = await asyncio.to_thread(parser, response.text, response.final_url, self.site)
        except (FetchError, ParseError) as error:
            # A page the site now serves broken is no reason to hide the good stored copy.
            if stored is None:
                raise
            return cached._replace(error=error)
        return await self._keep(url, page, response)

    async def _keep(self, url: str, page: P, response: Response) -> Answer[P]:
        """Store ``page`` as fetched now (in a thread, like its parse)."""
        fetched_at = time.time()
        await asyncio.to_thread(
            self.store.put,
            url,
            page,
            response.text,
            final_url=response.final_url,
            status=response.status,
            etag=response.etag,
            last_modified=response.last_modified,
            fetched_at=fetched_at,
            origin=self.origin,
        )
        return Answer(page, fetched_at, "network")

    def _check_redirect(self, url: str, final_url: str, kind: Kind) -> None:
        """A page redirected to another kind (a removed article to the home page) is
        not parsed as the kind asked for."""
        final = self.site.canonical(final_url)
        if final is not None and final != url and self.site.is_site_url(final):
            check_kind(final, kind, shown=f"{url} (redirected to {final})")

    # --- search and the reader's data ---------------------------------------------------

    def search(
        self, query: str, *, limit: int = 20, offset: int = 0, section: str | None = None
    ) -> list[SearchHit]:
        """Stored articles matching ``query``, ignoring case and diacritics (``limit`` of
        them, after the ``offset`` best)."""
        return self.store.search(query, limit=limit, offset=offset, section=section)

    def interpret(self, query: str) -> str:
        """What to search for ``query``: itself, or its reading as Telex or VNI typed
        without an input method ("hooij nghij" → "hội nghị") when only that matches."""
        return self.store.interpret(query)

    # --- photos -----------------------------------------------------------------------

    @property
    def photos(self) -> PhotoStore:
        """The photo store, opened on first use (a damaged file is moved aside)."""
        if self._photos is None:
            from tgreader.photos import PhotoStore

            self._photos = PhotoStore.open(self.settings.photos_path(), recover=True)
        return self._photos

    def photo_sizes(self, urls: list[str]) -> dict[str, tuple[int, int]]:
        """Pixel sizes of the stored photos among ``urls`` (empty if the store fails)."""
        try:
            return self.photos.sizes(urls)
        except TgError as error:
            _photo_log.info("%s", error)
            return {}

    async def photo(self, url: str) -> Photo | None:
        """The photo at ``url``: from the photo store, else fetched, downscaled and stored.

        None when it cannot be had (offline and not stored, off the site's hosts, not an
        image, damaged, too large): the reader shows the caption alone. Never raises for
        a bad photo; the cause goes to the log.
        """
        from tgreader.photos import MAX_PHOTO_BYTES, downscale

        try:
            stored = await asyncio.to_thread(self.photos.get, url)
            if stored is not None or self.settings.offline or url in self._photo_failures:
                return stored
            data = await self.fetcher.get_image(url, MAX_PHOTO_BYTES)
            photo = await asyncio.to_thread(downscale, url, data)
            cap = self.settings.image_cache_mb * 1_000_000
            await asyncio.to_thread(self.photos.put, photo, cap)
            return photo
        except TgError as error:
            self._photo_failures.add(url)
            _photo_log.info("%s", error)
            return None
