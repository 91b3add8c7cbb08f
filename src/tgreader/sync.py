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
    report = SyncReport()
    queue: asyncio.Queue[tuple[str, str, int]] = asyncio.Queue()
    seen: set[str] = set()
    total = 0
    done = 0
    fatal: list[StoreError] = []
    section_of: dict[str, str] = {}  # a listing page -> the first page of its section
    listed_in: dict[str, set[str]] = {}  # a section's first page -> the articles it listed

    def enqueue(kind: str, url: str, level: int) -> None:
        nonlocal total
        key = f"{kind}:{url}"
        if key not in seen and not fatal:
            seen.add(key)
            total += 1
            queue.put_nowait((kind, url, level))

    for section in sections:
        enqueue("listing", service.listing_url(section, 1), 1)

    async def handle(kind: str, url: str, level: int) -> None:
        if kind == "listing":
            listing = (await service.listing(url)).page
            report.listings += 1
            # Seen before in this section's walk, not in the whole sync: sections share
            # articles, and a related link may have reached one first.
            section = section_of.get(url, url)
            listed = listed_in.setdefault(section, set())
            fresh = [item.url for item in listing.articles if item.url not in listed]
            listed.update(fresh)
            for item in listing.articles:
                enqueue("article", item.url, 0)
            if listing.next and level < pages and fresh:
                section_of.setdefault(listing.next, section)
                enqueue("listing", listing.next, level + 1)
            return
        answer = await service.article(url)
        if answer.source == "store":
            report.skipped += 1  # stored before: an article is not fetched twice
        else:
            report.articles += 1
        article: Article = answer.page
        if images:
            await _photos(service, article, report)
        if level < depth:
            links = [link for link in article.related if service.site.can_fetch(link.url)]
            for link in links[:MAX_RELATED]:
                enqueue("article", link.url, level + 1)

    async def worker() -> None:
        nonlocal done
        while True:
            kind, url, level = await queue.get()
            try:
                await handle(kind, url, level)
            except StoreError as error:
                fatal.append(error)
                _drain(queue)
            except TgError as error:
                report.failures.append((url, error.cause))
            except Exception as error:
                # Not one of ours: a bug. The page is named as failed and this worker goes
                # on; a worker that died left the queue unfinished and the sync hanging.
                report.failures.append((url, f"unexpected failure ({type(error).__name__})"))
            finally:
                done += 1
                if progress is not None:
                    # A failing progress bar must not stop the worker (nor the sync).
                    with contextlib.suppress(Exception):
                        progress(done, total, url)
                queue.task_done()

    workers = [asyncio.create_task(worker()) for _ in range(max(1, concurrency))]
    try:
        await queue.join()
    finally:
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    if fatal:
        raise fatal[0]
    return report


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
