"""The command line: ``tgreader [global options] [command]``; no command opens the reader."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from tgreader import __version__
from tgreader.config import Config, load_config_or_defaults
from tgreader.errors import StoreError, TgError, UsageError
from tgreader.model import Article
from tgreader.render import article_markdown, article_text
from tgreader.service import Answer, Service, Settings
from tgreader.urls import CANONICAL_ORIGIN, Site

__all__ = ["build_parser", "main"]

T = TypeVar("T")
_ENV_TRUE = ("1", "true", "yes", "on")


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _ENV_TRUE


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; global options go before the command."""
    parser = argparse.ArgumentParser(
        prog="tgreader",
        description="A terminal reader for tuyengiao.vn. With no command, opens the reader.",
        epilog="Every global option has an environment variable: TGREADER_SITE, TGREADER_DEMO, "
        "TGREADER_OFFLINE, TGREADER_CACHE_DIR, TGREADER_DATA_DIR, TGREADER_LANG, "
        "TGREADER_TIMEOUT; also TGREADER_TTL (seconds listings stay fresh, default 600) and "
        "TGREADER_RETRIES (default 3).",
    )
    parser.add_argument("--version", action="version", version=f"tgreader {__version__}")
    parser.add_argument(
        "--site",
        default=os.environ.get("TGREADER_SITE"),
        metavar="URL",
        help="origin to read from: a mirror, an archive, a local server (default: "
        "https://tuyengiao.vn)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=_env_flag("TGREADER_DEMO"),
        help="read the built-in sample site, served on 127.0.0.1 (no network needed)",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        default=_env_flag("TGREADER_OFFLINE"),
        help="never use the network; answer from the store",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=os.environ.get("TGREADER_CACHE_DIR"),
        metavar="DIR",
        help="where the page store lives",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=os.environ.get("TGREADER_DATA_DIR"),
        metavar="DIR",
        help="where bookmarks and read state live",
    )
    parser.add_argument(
        "--lang",
        choices=("vi", "en"),
        default=os.environ.get("TGREADER_LANG") or None,
        help="interface language of the reader (default: vi)",
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=os.environ.get("TGREADER_TIMEOUT"),
        metavar="SECONDS",
        help="network read timeout (default 10)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    read = commands.add_parser("read", help="print an article (URL or saved HTML file)")
    read.add_argument("target", metavar="URL|PATH")
    form = read.add_mutually_exclusive_group()
    form.add_argument("--json", dest="form", action="store_const", const="json")
    form.add_argument("--markdown", dest="form", action="store_const", const="markdown")
    form.add_argument("--text", dest="form", action="store_const", const="text")
    read.add_argument("--refresh", action="store_true", help="fetch again even if stored")

    listing = commands.add_parser("list", help="list the articles of a section")
    listing.add_argument("section", metavar="SECTION", help="a slug (kinh-te) or a URL")
    listing.add_argument("--page", type=_positive, default=None, metavar="N")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--refresh", action="store_true")

    home = commands.add_parser("home", help="the home page's sections and articles")
    home.add_argument("--json", action="store_true")
    home.add_argument("--refresh", action="store_true")

    sections = commands.add_parser("sections", help="the site's sections")
    sections.add_argument("--json", action="store_true")

    sync = commands.add_parser("sync", help="fetch sections and their articles for offline use")
    sync.add_argument("sections", nargs="*", metavar="SECTION", help="default: every section")
    sync.add_argument("--pages", type=_positive, default=1, metavar="N",
                      help="listing pages per section (default 1)")  # fmt: skip
    sync.add_argument("--depth", type=_natural, default=1, metavar="D",
                      help="follow 'Các tin khác' links this deep (default 1)")  # fmt: skip
    sync.add_argument("--concurrency", type=_positive, default=None, metavar="K",
                      help="requests at a time (default 4, or the config's)")  # fmt: skip

    search = commands.add_parser("search", help="search stored articles (ignores diacritics)")
    search.add_argument("query", nargs="+")
    search.add_argument("--json", action="store_true")
    search.add_argument("--limit", type=_positive, default=20, metavar="N")
    search.add_argument("--section", metavar="S")

    bookmarks = commands.add_parser("bookmarks", help="list bookmarked articles")
    bookmarks.add_argument("--json", action="store_true")

    cache = commands.add_parser("cache", help="inspect or clean the page store")
    cache_commands = cache.add_subparsers(dest="cache_command", metavar="ACTION", required=True)
    info = cache_commands.add_parser("info", help="path, size, counts, oldest and newest")
    info.add_argument("--json", action="store_true")
    clear = cache_commands.add_parser("clear", help="remove every stored page")
    clear.add_argument("--yes", action="store_true", help="do not ask")
    cache_commands.add_parser("vacuum", help="check the store file, then shrink it")
    cache_commands.add_parser("check", help="check the whole store file for damage")
    return parser


def _positive(text: str) -> int:
    value = _natural(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"out of range (0–3600 s): {text!r}")
    return value


def _env_number(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        return float(text)
    except ValueError:
        raise UsageError(name, f"not a number: {text!r}") from None


def _natural(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    """Run tgreader; returns the exit code (0 ok, 2 usage, 3 network, 4 page, 5 store)."""
    args = build_parser().parse_args(argv)
    try:
        if args.command is None:
            return _run_app(args)
        config, error = load_config_or_defaults()
        if error is not None:
            _err(f"{error}; using the defaults")
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
    """Settings from the options, then the environment, then the config file, then defaults.

    With ``--demo``, the sample site is served on 127.0.0.1 for the duration.
    """
    site = config.site or Site()
    if args.site:
        try:
            site = Site.from_url(args.site)
        except ValueError as error:
            raise UsageError("--site", str(error)) from None
    base: dict[str, Any] = {
        "cache_dir": args.cache_dir,
        "data_dir": args.data_dir,
        "offline": args.offline,
        "demo": args.demo,
        "timeout": args.timeout or 10.0,
        "ttl": _env_number("TGREADER_TTL", config.ttl if config.ttl is not None else 600.0),
        "retries": int(_env_number("TGREADER_RETRIES", 3)),
        "concurrency": config.concurrency or 4,
    }
    if args.demo and not args.offline:
        from tgreader.demo.server import DemoServer

        with DemoServer() as server:
            yield Settings(site=Site.from_url(server.url), **base)
        return
    yield Settings(site=site, **base)


def _run_app(args: argparse.Namespace) -> int:
    from tgreader.ui.app import run  # the UI is imported only when it is used

    config, error = load_config_or_defaults()
    with _settings(args, config) as settings:
        return run(
            settings, lang=args.lang or config.lang, config=config, config_error=error, notice=_err
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
        for path, moved in service.recoveries():
            _err(f"{path}: the file was damaged; moved it to {moved} and started a new one")
        await service.aclose()


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
    print(f"tgreader: {message}", file=sys.stderr)


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
    if answer.error is not None:
        _err(f"{answer.error}; showing the copy stored {_age(answer.age)} ago")
    elif answer.source == "store" and service.settings.offline:
        _err(f"offline: showing the copy stored {_age(answer.age)} ago")


async def _read(service: Service, args: argparse.Namespace) -> int:
    form = args.form or "text"
    target = args.target
    if "://" not in target and (Path(target).exists() or not target.startswith("/")):
        article = _read_file(Path(target), service.site)  # a saved page
    else:
        # A URL, or a path on the site (/section/title-123).
        url = service.site.canonical(target, CANONICAL_ORIGIN + "/")
        if url is None:
            raise UsageError(target, "not an http(s) URL, a site path or a file")
        answer = await service.article(url, refresh=args.refresh)
        _say_source(service, answer)
        article = answer.page
    if form == "json":
        _print_json(article.to_dict())
    elif form == "markdown":
        sys.stdout.write(article_markdown(article))
    else:
        sys.stdout.write(article_text(article, min(100, shutil.get_terminal_size().columns)))
    return 0


def _read_file(path: Path, site: Site) -> Article:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UsageError(str(path), error.strerror or str(error)) from None
    html = data.decode("utf-8", errors="replace")
    from tgreader.parse import page_url_hint, parse_article  # only this command parses here

    return parse_article(html, page_url_hint(html) or path.resolve().as_uri(), site)


async def _list(service: Service, args: argparse.Namespace) -> int:
    try:
        url = service.listing_url(args.section, args.page)
    except ValueError as error:
        raise UsageError(args.section, str(error)) from None
    answer = await service.listing(url, refresh=args.refresh)
    _say_source(service, answer)
    listing = answer.page
    if args.json:
        _print_json(listing.to_dict())
        return 0
    title = listing.section or url
    print(f"{title} — page {listing.page}")
    for number, item in enumerate(listing.articles, 1):
        when = f" ({item.published.vietnamese()})" if item.published else ""
        print(f"{number:>3}. {item.title}{when}\n     {item.url}")
    if not listing.articles:
        print("     (no articles: past the last page)")
    if listing.next:
        print(f"\nnext page: {listing.next}")
    return 0


async def _home(service: Service, args: argparse.Namespace) -> int:
    answer = await service.home(refresh=args.refresh)
    _say_source(service, answer)
    if args.json:
        _print_json(answer.page.to_dict())
        return 0
    print("Sections:")
    for section in answer.page.sections:
        print(f"  {section.name}  {section.url}")
    print("\nArticles:")
    for number, link in enumerate(answer.page.articles, 1):
        print(f"{number:>3}. {link.title}\n     {link.url}")
    return 0


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


async def _sync(service: Service, args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from tgreader.sync import sync

    sections = list(args.sections)
    if not sections:
        found, _, error = await service.sections()
        if error is not None:
            _err(f"{error}; syncing the built-in sections")
        sections = [s.url for s in found]
    console = Console(stderr=True)
    columns = (
        TextColumn("[bold]Syncing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    )
    started = time.monotonic()
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("sync", total=None, rate="")

        def progress(done: int, total: int, url: str) -> None:
            rate = done / max(time.monotonic() - started, 1e-6)
            bar.update(task, completed=done, total=total, rate=f"{rate:.1f} pages/s")

        report = await sync(
            service,
            sections,
            pages=args.pages,
            depth=args.depth,
            concurrency=args.concurrency or service.settings.concurrency,
            progress=progress,
        )
    elapsed = time.monotonic() - started
    print(
        f"{report.listings} listing pages, {report.articles} articles fetched, "
        f"{report.skipped} already stored, {len(report.failures)} failed in {elapsed:.1f} s"
    )
    for url, cause in report.failures:
        print(f"  failed: {url}: {cause}")
    return 3 if report.failures and not (report.articles or report.skipped) else 0


async def _search(service: Service, args: argparse.Namespace) -> int:
    query = " ".join(args.query)
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
        console.print(Text(f"No stored article matches: {query}"))
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
        _print_json([{"url": b.url, "title": b.title, "added": b.added_at} for b in marks])
        return 0
    for mark in marks:
        print(f"{mark.title}\n  {mark.url}")
    return 0


async def _cache(service: Service, args: argparse.Namespace) -> int:
    store = service.store
    if args.cache_command == "info":
        info = store.info()
        data = {
            "path": str(info.path),
            "size": info.file_size,
            "counts": info.counts,
            "oldest": _when(info.oldest),
            "newest": _when(info.newest),
            "raw_html_bytes": info.raw_bytes,
            "stored_html_bytes": info.stored_bytes,
        }
        if args.json:
            _print_json(data)
        else:
            for key, value in data.items():
                print(f"{key:>18}: {value}")
        return 0
    if args.cache_command == "clear":
        if not args.yes:
            if not sys.stdin.isatty():
                raise UsageError("cache clear", "refusing to clear without --yes (no terminal)")
            reply = input(f"Remove every page stored in {store.path}? [y/N] ")
            if reply.strip().lower() not in ("y", "yes", "c", "có"):
                print("Nothing removed.")
                return 0
        print(f"Removed {store.clear()} pages.")
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
    print(f"Vacuumed {store.path}: {store.info().file_size} bytes.")
    return 0


def _when(stamp: float | None) -> str | None:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp)) if stamp else None


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
