"""The one entry point for the CLI and the UI: the store first, then the network.

Freshness: an article, once stored, is served from the store until a refresh is asked for;
the home page and listings are fresh for ``ttl`` seconds, then revalidated with the stored
``ETag``/``Last-Modified``. A failed fetch falls back to the stored copy (the answer says
how old it is and why), and never removes or overwrites what was stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Generic, Literal, NamedTuple, TypeVar, cast

from tgreader._sqlite import is_damage
from tgreader.errors import FetchError, NotStoredError, ParseError, StoreError, TgError
from tgreader.model import Article, Home, Listing, Section
from tgreader.search import SearchHit
from tgreader.sections import builtin_sections
from tgreader.store import STORE_FILENAME, Store, default_cache_dir
from tgreader.urls import CANONICAL_ORIGIN, Site, page_number, with_page
from tgreader.userdata import USERDATA_FILENAME, UserData, default_data_dir

if TYPE_CHECKING:
    # The HTTP client (httpx) and the parser load on first use, not at startup: a reader
    # opening on its store needs neither before its first screen (see _parse_home).
    from tgreader.fetch import Fetcher

__all__ = ["Answer", "Service", "Settings"]

P = TypeVar("P", Article, Listing, Home)
Kind = Literal["home", "listing", "article"]


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


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything that decides where tgreader reads from and writes to."""

    site: Site = field(default_factory=Site)
    cache_dir: Path | None = None
    data_dir: Path | None = None
    offline: bool = False
    demo: bool = False
    ttl: float = 600.0
    timeout: float = 10.0
    retries: int = 3
    concurrency: int = 4

    def store_path(self) -> Path:
        """The page store; the demo site keeps its own, apart from the real site's."""
        folder = self.cache_dir or default_cache_dir()
        return (folder / "demo" if self.demo else folder) / STORE_FILENAME

    def userdata_path(self) -> Path:
        """Bookmarks and read state (survive a cache clear)."""
        folder = self.data_dir or default_data_dir()
        return (folder / "demo" if self.demo else folder) / USERDATA_FILENAME


class Answer(NamedTuple, Generic[P]):
    """A page and where it came from: ``error`` is set when the network failed."""

    page: P
    fetched_at: float
    source: Literal["network", "store"]
    error: TgError | None = None

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
                timeout=self.settings.timeout,
                retries=self.settings.retries,
            )
        return self._fetcher

    def start_over_if_damaged(self, error: StoreError) -> bool:
        """When ``error`` is the page store found damaged in use (opening checks it only
        after a crash), move it aside and start a new one; True if that was done."""
        store = self._store
        if store is None or error.where != str(store.path) or not is_damage(error):
            return False
        store.start_over()
        return True

    def recoveries(self) -> list[tuple[Path, Path]]:
        """Damaged files moved aside on opening: (the file, where the damaged one went)."""
        opened = (self._store, self._userdata)
        return [
            (db.path, db.recovered_from)
            for db in opened
            if db is not None and db.recovered_from is not None
        ]

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
        return Answer(model, page.checked_at, "store")

    async def _load(
        self, url: str, kind: Kind, parser: Callable[[str, str, Site], P], refresh: bool
    ) -> Answer[P]:
        stored = self.store.get(url)
        if stored is not None:
            cached: Answer[P] = Answer(cast(P, stored.model()), stored.checked_at, "store")
            if self.settings.offline:
                return cached
            age = time.time() - stored.checked_at
            if not refresh and (kind == "article" or 0 <= age < self.settings.ttl):
                return cached
        elif self.settings.offline:
            raise NotStoredError(url, "not in the store, and tgreader is offline")
        if not self.site.can_fetch(url):
            if stored is not None:
                return cached
            raise FetchError(url, f"not on {self.site.origin}; open it in a browser")
        try:
            response = await self.fetcher.get(
                url,
                etag=stored.etag if stored else None,
                last_modified=stored.last_modified if stored else None,
            )
            if response.status == 304 and stored is not None:
                now = time.time()
                self.store.touch(url, now, etag=response.etag, last_modified=response.last_modified)
                return Answer(cached.page, now, "network")
            page = parser(response.text, response.final_url, self.site)
        except (FetchError, ParseError) as error:
            # A page the site now serves broken is no reason to hide the good stored copy.
            if stored is None:
                raise
            return Answer(cached.page, cached.fetched_at, "store", error)
        fetched_at = time.time()
        self.store.put(
            url,
            page,
            response.text,
            final_url=response.final_url,
            status=response.status,
            etag=response.etag,
            last_modified=response.last_modified,
            fetched_at=fetched_at,
        )
        return Answer(page, fetched_at, "network")

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
