"""Fetch sections, their articles and the articles they link to, for reading offline."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field

from tgreader.errors import StoreError, TgError
from tgreader.model import Article, Image
from tgreader.service import Service

__all__ = ["SyncReport", "sync"]


@dataclass
class SyncReport:
    """What a sync did: counts and every failure with its cause."""

    listings: int = 0
    articles: int = 0
    skipped: int = 0
    photos: int = 0  # photos stored (fetched now or before), with ``images``
    photos_missing: int = 0  # photos that could not be had (the log says why)
    failures: list[tuple[str, str]] = field(default_factory=list)


Progress = Callable[[int, int, str], None]  # (done, total, url just finished)

# How many related links one article may add to the walk: an article of a thousand links
# (a hostile page, a tag cloud) would otherwise make a sync of one section fetch them all.
MAX_RELATED = 20


async def sync(
    service: Service,
    sections: list[str],
    *,
    pages: int = 1,
    depth: int = 1,
    concurrency: int = 4,
    progress: Progress | None = None,
    images: bool = False,
) -> SyncReport:
    """Fetch ``pages`` listing pages of each section, their articles, and related up to ``depth``.

    Stored articles are skipped (so an interrupted sync resumes where it stopped) but their
    related links are still followed. Every page is stored in its own transaction, so a
    cancelled sync leaves the store consistent. A StoreError (read-only or full disk, a
    damaged file) stops the sync and is raised: every other page would fail the same way.

    A section's walk stops at a listing page that brings no article not seen before (a
    page that repeats, or a server that answers every page number with the same page),
    whatever ``pages`` says; each article adds at most ``MAX_RELATED`` related links. Any
    other failure of a page, expected or not, is counted and named in the report's
    failures, and the workers go on.
    """
    walk = _Walk(service, pages=pages, depth=depth, images=images, progress=progress)
    for section in sections:
        walk.enqueue("listing", service.listing_url(section, 1), 1)
    workers = [asyncio.create_task(walk.worker()) for _ in range(max(1, concurrency))]
    try:
        await walk.queue.join()
    finally:
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    if walk.fatal:
        raise walk.fatal[0]
    return walk.report


class _Walk:
    """One sync's pages to do and done, shared by its workers."""

    def __init__(
        self, service: Service, *, pages: int, depth: int, images: bool, progress: Progress | None
    ) -> None:
        self.service = service
        self.pages, self.depth, self.images, self.progress = pages, depth, images, progress
        self.report = SyncReport()
        self.queue: asyncio.Queue[tuple[str, str, int]] = asyncio.Queue()
        self.seen: set[str] = set()
        self.total = 0
        self.done = 0
        self.fatal: list[StoreError] = []
        self.section_of: dict[str, str] = {}  # a listing page -> its section's first page
        self.listed_in: dict[str, set[str]] = {}  # a section's first page -> its articles

    def enqueue(self, kind: str, url: str, level: int) -> None:
        key = f"{kind}:{url}"
        if key not in self.seen and not self.fatal:
            self.seen.add(key)
            self.total += 1
            self.queue.put_nowait((kind, url, level))

    async def listing(self, url: str, level: int) -> None:
        listing = (await self.service.listing(url)).page
        self.report.listings += 1
        # Seen before in this section's walk, not in the whole sync: sections share
        # articles, and a related link may have reached one first.
        section = self.section_of.get(url, url)
        listed = self.listed_in.setdefault(section, set())
        fresh = [item.url for item in listing.articles if item.url not in listed]
        listed.update(fresh)
        for item in listing.articles:
            self.enqueue("article", item.url, 0)
        if listing.next and level < self.pages and fresh:
            self.section_of.setdefault(listing.next, section)
            self.enqueue("listing", listing.next, level + 1)

    async def article(self, url: str, level: int) -> None:
        answer = await self.service.article(url)
        if answer.source == "store":
            self.report.skipped += 1  # stored before: an article is not fetched twice
        else:
            self.report.articles += 1
        article: Article = answer.page
        if self.images:
            await _photos(self.service, article, self.report)
        if level < self.depth:
            site = self.service.site
            links = [link for link in article.related if site.can_fetch(link.url)]
            for link in links[:MAX_RELATED]:
                self.enqueue("article", link.url, level + 1)

    async def worker(self) -> None:
        while True:
            kind, url, level = await self.queue.get()
            try:
                await (self.listing if kind == "listing" else self.article)(url, level)
            except StoreError as error:
                self.fatal.append(error)
                _drain(self.queue)
            except TgError as error:
                self.report.failures.append((url, error.cause))
            except Exception as error:
                # Not one of ours: a bug. The page is named as failed and this worker goes
                # on; a worker that died left the queue unfinished and the sync hanging.
                failure = f"unexpected failure ({type(error).__name__})"
                self.report.failures.append((url, failure))
            finally:
                self.done += 1
                if self.progress is not None:
                    # A failing progress bar must not stop the worker (nor the sync).
                    with contextlib.suppress(Exception):
                        self.progress(self.done, self.total, url)
                self.queue.task_done()


async def _photos(service: Service, article: Article, report: SyncReport) -> None:
    """Fetch and store the photos of ``article`` (those already stored are not fetched)."""
    for block in article.blocks:
        if isinstance(block, Image) and block.src:
            if await service.photo(block.src) is not None:
                report.photos += 1
            else:
                report.photos_missing += 1


def _drain(queue: asyncio.Queue[tuple[str, str, int]]) -> None:
    """Drop every waiting page, so that ``queue.join()`` returns once the current ones end."""
    while True:
        try:
            queue.get_nowait()
        except asyncio.QueueEmpty:
            return
        queue.task_done()
