"""The command line: ``tgreader [global options] [command]``; no command opens the reader."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import json
import logging
import os
import re
import shutil
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tgreader._memory import keep_freed_memory_for_parsing
from tgreader.cli_args import build_parser
from tgreader.config import Config, load_config_or_defaults
from tgreader.errors import StoreError, TgError, UsageError
from tgreader.model import Article, Home, Listing
from tgreader.service import Answer, Service
from tgreader.settings import Settings, resolve
from tgreader.store import StoreInfo
from tgreader.text import clean
from tgreader.urls import CANONICAL_ORIGIN, Site, page_kind

if TYPE_CHECKING:
    from tgreader.photos import PhotoInfo

__all__ = ["build_parser", "main", "program"]

T = TypeVar("T")


# Set by program(): process-wide tuning is for the tgreader program, not for main() called
# by a library user or a test.
_AS_PROGRAM = False


def program() -> int:
    """The ``tgreader`` program (called by :func:`tgreader.entry.program`): :func:`main`
    with the process-wide tuning that library use and tests are spared. The collector,
    off while the program imports, is back on (what was imported frozen) once the
    command's imports are done, and at the latest when it ends."""
    global _AS_PROGRAM
    _AS_PROGRAM = True
    # glibc keeps the memory a parsed page freed for the next page, once a page is parsed.
    keep_freed_memory_for_parsing()
    try:
        return main()
    finally:
        gc.enable()


def main(argv: list[str] | None = None) -> int:
    """Run tgreader; returns the exit code (0 ok, 2 usage, 3 network, 4 page, 5 store)."""
    args = build_parser().parse_args(argv)
    try:
        if args.command is None:
            return _run_app(args)
        if _AS_PROGRAM:
            gc.enable()  # a command may run for long: its garbage must be collected
        config, error = load_config_or_defaults()
        if error is not None:
            _err(f"{clean(str(error))}; ignored (the rest of the file applies)")
        with _settings(args, config) as settings:
            return asyncio.run(_dispatch(args, settings))
    except TgError as error:
        _err(str(error))
        return error.exit_code
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader of our output went away (| head): not an error
        return 0


@contextmanager
def _settings(args: argparse.Namespace, config: Config) -> Iterator[Settings]:
    """The settings (see :func:`tgreader.settings.resolve`) of this command line.

    With ``--demo``, the sample site is served on 127.0.0.1 for the duration.
    """
    options = {
        "site": args.site,
        "offline": args.offline,
        "demo": args.demo,
        "cache_dir": args.cache_dir,
        "data_dir": args.data_dir,
        "timeout": args.timeout,
        "concurrency": getattr(args, "concurrency", None),
        "images": args.images,
        "ascii": args.ascii,
    }
    settings = resolve(options, os.environ, config)
    if settings.demo and not settings.offline:
        from tgreader.demo.server import DemoServer

        with DemoServer() as server:
            yield dataclasses.replace(settings, site=Site.from_url(server.url))
        return
    yield settings


def _run_app(args: argparse.Namespace) -> int:
    from tgreader.ui.app import freeze_imports, run  # the UI is imported only when used

    if _AS_PROGRAM:
        freeze_imports()
        gc.enable()

    config, error = load_config_or_defaults()
    with _settings(args, config) as settings:
        lang = args.lang or os.environ.get("TGREADER_LANG") or config.lang
        if lang not in (None, "vi", "en"):
            raise UsageError("TGREADER_LANG", f"must be vi or en, not {lang!r}")
        return run(
            settings,
            lang=lang,
            config=config,
            config_error=error,
            notice=_err,
            progress=_reindex_bar,
        )


async def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    service = Service(settings, notice=_err, progress=_reindex_bar)
    try:
        handler = _HANDLERS[args.command]
        try:
            return await handler(service, args)
        except StoreError as error:
            # Damage an open did not look for (it reads the whole file only after a
            # crash): the store is moved aside, said below, and the command runs again.
            if not service.start_over_if_damaged(error):
                raise
            return await handler(service, args)
    finally:
        salvaged = service.salvaged()
        for path, moved in service.recoveries():
            kept = salvaged.get(path)
            also = f", keeping the {kept} rows it could still read" if kept is not None else ""
            _err(f"{path}: the file was damaged; moved it to {moved} and started a new one{also}")
        await service.aclose()


# The user:password@ of a URL (``--site http://user:pass@mirror``): never printed. (Compiled
# by re at the first message, and kept in its cache.)
_USERINFO = r"(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s]*@"


def _shown(text: str) -> str:
    """One line for the terminal: cleaned like page text (no escape sequences, controls,
    bidi or format characters: a message may quote a header or a URL from a response),
    credentials taken out of URLs."""
    return clean(re.sub(_USERINFO, r"\1", text))


def _reindex_bar(done: int, total: int) -> None:
    """A progress bar on stderr (a terminal only) while the store is indexed again."""
    if not sys.stderr.isatty() or total <= 0:
        return
    width = 30
    filled = width * done // total
    bar = "#" * filled + "-" * (width - filled)
    end = "\n" if done >= total else ""
    print(f"\r  indexing [{bar}] {done:,}/{total:,}", end=end, file=sys.stderr, flush=True)


def _err(message: str) -> None:
    print(f"tgreader: {_shown(message)}", file=sys.stderr)


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _age(seconds: float) -> str:
    """``12 s``, ``5 min``, ``3 h``, ``2 days``."""
    if seconds < 60:
        return f"{int(seconds)} s"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} days"


def _say_source(service: Service, answer: Answer[Any]) -> None:
    """Tell (on stderr) how old an answer is when it comes from the store instead of the site."""
    # A copy fetched through another origin (a --site mirror) says where it came from.
    came = f" from {answer.stored_from}" if answer.stored_from is not None else ""
    if answer.error is not None:
        _err(f"{answer.error}; showing the copy stored {_age(answer.age)} ago{came}")
    elif answer.source == "store" and service.settings.offline:
        _err(f"offline: showing the copy stored {_age(answer.age)} ago{came}")
    elif came:
        _err(f"{answer.page.url}: showing the copy stored {_age(answer.age)} ago{came}")


def _json_of(answer: Answer[Any]) -> dict[str, Any]:
    """The page as JSON; ``stored_from`` is added when the copy came from another origin."""
    data: dict[str, Any] = answer.page.to_dict()
    if answer.stored_from is not None:
        data["stored_from"] = answer.stored_from
    return data


async def _read(service: Service, args: argparse.Namespace) -> int:
    form = args.form or "text"
    target = args.target
    from tgreader.saved import is_file_target, read_file  # (only read PATH needs it)

    if is_file_target(target):
        page = read_file(Path(target), service.site)  # a saved page, opened as what it is
        if form == "json" or not isinstance(page, Article):
            return _show_page(page, as_json=form == "json")
        article = page
    else:
        # A URL, or a path on the site (/section/title-123).
        url = service.site.canonical(target, CANONICAL_ORIGIN + "/")
        if url is None:
            raise UsageError(target, "not an http(s) URL, a site path or a file")
        kind = page_kind(url) if service.site.is_site_url(url) else "article"
        if kind == "home":  # read opens a page as what it is (see the README)
            return await _print_home(service, args.refresh, form == "json")
        if kind == "listing":
            return await _print_listing(service, url, args.refresh, form == "json")
        answer = await service.article(url, refresh=args.refresh)
        _say_source(service, answer)
        article = answer.page
        if form == "json":
            _print_json(_json_of(answer))
            return 0
    from tgreader.render import article_markdown, article_text  # (not at the reader's launch)

    if form == "json":
        _print_json(article.to_dict())
    elif form == "markdown":
        sys.stdout.write(article_markdown(article))
    else:
        sys.stdout.write(article_text(article, min(100, shutil.get_terminal_size().columns)))
    return 0


def _show_page(page: Article | Listing | Home, *, as_json: bool) -> int:
    """Print a page that is not fetched (a saved file): JSON, or as its command does."""
    from tgreader.render import article_text

    if as_json:
        _print_json(page.to_dict())
    elif isinstance(page, Listing):
        _show_listing(page, page.url)
    elif isinstance(page, Home):
        _show_home(page)
    else:
        sys.stdout.write(article_text(page, min(100, shutil.get_terminal_size().columns)))
    return 0


async def _list(service: Service, args: argparse.Namespace) -> int:
    if not args.section.strip():
        raise UsageError("list", "SECTION is empty: a slug (kinh-te) or a URL")
    try:
        url = service.listing_url(args.section, args.page)
    except ValueError as error:
        raise UsageError(args.section, str(error)) from None
    return await _print_listing(service, url, args.refresh, args.json)


async def _print_listing(service: Service, url: str, refresh: bool, as_json: bool) -> int:
    answer = await service.listing(url, refresh=refresh)
    _say_source(service, answer)
    if as_json:
        _print_json(_json_of(answer))
    else:
        _show_listing(answer.page, url)
    return 0


def _show_listing(listing: Listing, url: str) -> None:
    title = listing.section or url
    print(f"{title} — page {listing.page}")
    for number, item in enumerate(listing.articles, 1):
        when = f" ({item.published.vietnamese()})" if item.published else ""
        print(f"{number:>3}. {item.title}{when}\n     {item.url}")
    if not listing.articles:
        print("     (no articles: past the last page)")
    if listing.next:
        print(f"\nnext page: {listing.next}")


async def _home(service: Service, args: argparse.Namespace) -> int:
    return await _print_home(service, args.refresh, args.json)


async def _print_home(service: Service, refresh: bool, as_json: bool) -> int:
    answer = await service.home(refresh=refresh)
    _say_source(service, answer)
    if as_json:
        _print_json(_json_of(answer))
    else:
        _show_home(answer.page)
    return 0


def _show_home(home: Home) -> None:
    print("Sections:")
    for section in home.sections:
        print(f"  {section.name}  {section.url}")
    print("\nArticles:")
    for number, link in enumerate(home.articles, 1):
        print(f"{number:>3}. {link.title}\n     {link.url}")


async def _sections(service: Service, args: argparse.Namespace) -> int:
    sections, answer, error = await service.sections()
    if answer is None and error is not None:
        _err(f"{error}; showing the built-in list")
    elif answer is not None:
        _say_source(service, answer)
    if args.json:
        _print_json([{"name": s.name, "url": s.url} for s in sections])
    else:
        width = max((len(s.name) for s in sections), default=0)
        for section in sections:
            print(f"{section.name:<{width}}  {section.url}")
    return 0


def _sync_bar() -> Any:
    """The progress bar of ``sync`` (Rich, on stderr): done/total, pages per second, time."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("[bold]Syncing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    )
    return Progress(*columns, console=Console(stderr=True), transient=False)


async def _sync(service: Service, args: argparse.Namespace) -> int:
    from tgreader.sync import sync

    sections = list(args.sections)
    if not sections:
        found, _, error = await service.sections()
        if error is not None:
            _err(f"{error}; syncing the built-in sections")
        sections = [s.url for s in found]
    started = time.monotonic()
    with _photo_causes(args.sync_images) as missing, _sync_bar() as bar:
        task = bar.add_task("sync", total=None, rate="")

        def progress(done: int, total: int, url: str) -> None:
            rate = done / max(time.monotonic() - started, 1e-6)
            bar.update(task, completed=done, total=total, rate=f"{rate:.1f} pages/s")

        report = await sync(
            service,
            sections,
            pages=args.pages,
            depth=args.depth,
            concurrency=service.settings.concurrency,
            progress=progress,
            images=args.sync_images,
        )
    elapsed = time.monotonic() - started
    print(
        f"{report.listings} listing pages, {report.articles} articles fetched, "
        f"{report.skipped} already stored, {len(report.failures)} failed in {elapsed:.1f} s"
    )
    if args.sync_images:
        print(f"{report.photos} photos stored, {report.photos_missing} could not be had")
        for cause in missing.causes:
            print(f"  photo: {cause}")
    for url, cause in report.failures:
        print(f"  failed: {_shown(url)}: {_shown(cause)}")
    return 3 if report.failures and not (report.articles or report.skipped) else 0


class _PhotoCauses(logging.Handler):
    """Keeps why photos could not be had, to print after the progress bar."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.causes: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.causes.append(record.getMessage())


@contextmanager
def _photo_causes(wanted: bool) -> Iterator[_PhotoCauses]:
    """While syncing photos, keep the log's lines about those that could not be had."""
    causes = _PhotoCauses()
    log = logging.getLogger("tgreader.photos")
    if wanted:
        log.addHandler(causes)
        log.setLevel(logging.INFO)
    try:
        yield causes
    finally:
        log.removeHandler(causes)


async def _search(service: Service, args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    if not query.strip():
        raise UsageError("search", "the query is empty: type the words to look for")
    searched = service.interpret(query)
    if searched != query:
        _err(f"searched for {searched!r} (typed as Telex or VNI: {query!r})")
    hits = service.search(searched, limit=args.limit, section=args.section)
    if args.json:
        _print_json(
            [
                {
                    "url": h.url,
                    "title": h.title,
                    "section": h.section,
                    "published": h.published,
                    "snippet": h.snippet,
                    "highlights": [list(span) for span in h.highlights],
                    "score": h.score,
                    "fetched": h.fetched,
                }
                for h in hits
            ]
        )
        return 0
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=True)
    if not hits:
        console.print(Text(f"No stored article matches: {clean(query)}"))
        return 0
    for number, hit in enumerate(hits, 1):
        line = Text(f"{number:>3}. ")
        line.append(hit.title, style="bold")
        if hit.section:
            line.append(f"  · {hit.section}", style="dim")
        if not hit.fetched:
            line.append("  · seen in a list, not fetched yet", style="dim")
        console.print(line)
        snippet = Text("     " + hit.snippet)
        for start, end in hit.highlights:
            snippet.stylize("bold reverse", start + 5, end + 5)
        console.print(snippet)
        console.print(Text(f"     {hit.url}", style="dim"))
    return 0


async def _bookmarks(service: Service, args: argparse.Namespace) -> int:
    marks = service.userdata.bookmarks()
    if args.json:
        _print_json([{"url": b.url, "title": b.title, "added": _iso(b.added_at)} for b in marks])
        return 0
    if not marks:
        print("No bookmarks yet: press f on an article in the reader to add one.")
    for mark in marks:
        print(f"{clean(mark.title)}\n  {mark.url}")
    return 0


async def _cache(service: Service, args: argparse.Namespace) -> int:
    path = service.settings.store_path()
    if not path.exists() and not service.settings.photos_path().exists():
        # Nothing fetched yet with these settings: said so, without making empty stores.
        if args.cache_command != "info":
            print(f"{path}: nothing stored yet.")
            return 0
        from tgreader.photos import PhotoInfo

        return _cache_info(StoreInfo.none_yet(path), PhotoInfo(0, 0), as_json=args.json)
    store = service.store
    if args.cache_command == "info":
        return _cache_info(store.info(), service.photos.info(), as_json=args.json)
    if args.cache_command == "clear" and args.clear_images:
        print(f"Removed {service.photos.clear()} photos.")
        return 0
    if args.cache_command == "clear":
        if not args.yes:
            if not sys.stdin.isatty():
                raise UsageError("cache clear", "refusing to clear without --yes (no terminal)")
            reply = input(f"Remove every page stored in {store.path}? [y/N] ")
            if reply.strip().lower() not in ("y", "yes", "c", "có"):
                print("Nothing removed.")
                return 0
        print(f"Removed {store.clear()} pages and {service.photos.clear()} photos.")
        return 0
    # The whole file is read here, never at an ordinary open (see _sqlite.open_database).
    problems = store.check()
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise StoreError(str(store.path), f"damaged: {problems[0]}{more}")
    if args.cache_command == "check":
        print(f"{store.path}: no damage found.")
        return 0
    store.vacuum()
    print(f"Vacuumed {store.path}: {_human(store.info().file_size)}.")
    return 0


def _cache_info(info: StoreInfo, photos: PhotoInfo, *, as_json: bool) -> int:
    """``cache info``: the store's counts and sizes, as text or JSON."""
    if as_json:
        _print_json(
            {
                "path": str(info.path),
                "size": info.file_size,
                "counts": info.counts,
                "oldest": _iso(info.oldest),
                "newest": _iso(info.newest),
                "raw_html_bytes": info.raw_bytes,
                "stored_html_bytes": info.stored_bytes,
                "photos": photos.photos,
                "photo_bytes": photos.size,
            }
        )
        return 0
    kinds = {"article": "articles", "listing": "listing pages", "home": "home pages"}
    made = info.path.exists()
    lines = [
        ("store", f"{info.path} ({_human(info.file_size) if made else 'none yet'})"),
        *((kinds.get(k, k), f"{n:,}") for k, n in info.counts.items()),
        ("HTML", f"{_human(info.raw_bytes)} as fetched, {_human(info.stored_bytes)} stored"),
        ("photos", f"{photos.photos:,} ({_human(photos.size)})"),
        ("oldest", _when(info.oldest) or "-"),
        ("newest", _when(info.newest) or "-"),
    ]
    for name, value in lines:
        print(f"{name:>13}  {value}")
    return 0


def _when(stamp: float | None) -> str | None:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp)) if stamp else None


def _iso(stamp: float | None) -> str | None:
    """ISO 8601 with the local offset, as every time in the JSON output."""
    if not stamp:
        return None
    import datetime as dt

    return dt.datetime.fromtimestamp(stamp).astimezone().isoformat(timespec="seconds")


def _human(size: int) -> str:
    """``1.2 MB``: a size as people read it (powers of 1,000, as the caps are written)."""
    if size < 1000:
        return f"{size:,} bytes"
    value = size / 1000
    for unit in ("KB", "MB"):
        if value < 1000:
            return f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:,.1f} GB"


_HANDLERS: dict[str, Callable[[Service, argparse.Namespace], Awaitable[int]]] = {
    "read": _read,
    "list": _list,
    "home": _home,
    "sections": _sections,
    "sync": _sync,
    "search": _search,
    "bookmarks": _bookmarks,
    "cache": _cache,
}
