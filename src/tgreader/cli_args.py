"""The command line's arguments: global options, then a command and its own."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tgreader import __version__
from tgreader.settings import IMAGE_MODES

__all__ = ["MAX_LIMIT", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; global options go before the command."""
    parser = argparse.ArgumentParser(
        prog="tgreader",
        description="A terminal reader for tuyengiao.vn. With no command, opens the reader.",
        epilog="Every global option has an environment variable: TGREADER_SITE, TGREADER_DEMO, "
        "TGREADER_OFFLINE, TGREADER_CACHE_DIR, TGREADER_DATA_DIR, TGREADER_LANG, "
        "TGREADER_TIMEOUT, TGREADER_IMAGES, TGREADER_ASCII; also TGREADER_TTL (seconds "
        "listings stay fresh, default 600), TGREADER_RETRIES (default 3) and "
        "TGREADER_CONCURRENCY (default 4, at most 64).",
    )
    parser.add_argument("--version", action="version", version=f"tgreader {__version__}")
    _add_global_options(parser)
    _add_commands(parser.add_subparsers(dest="command", metavar="COMMAND"))
    return parser


def _add_global_options(parser: argparse.ArgumentParser) -> None:
    """The options that come before the command (each also an environment variable)."""
    parser.add_argument(
        "--site",
        metavar="URL",
        help="origin to read from: a mirror, an archive, a local server (default: "
        "https://tuyengiao.vn)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="read the built-in sample site, served on 127.0.0.1 (no network needed)",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="never use the network; answer from the store",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="where the page store lives",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="where bookmarks and read state live",
    )
    parser.add_argument(
        "--lang",
        choices=("vi", "en"),
        help="interface language of the reader (default: vi)",
    )
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        help="give up on a page after this long, all tries and waits included (default 30)",
    )
    parser.add_argument(
        "--images",
        choices=IMAGE_MODES,
        metavar="MODE",
        help="photos in the reader: auto (the terminal's best), halfcell, off (default: auto)",
    )
    parser.add_argument(
        "--ascii",
        action="store_true",
        help="the reader's own marks in ASCII, for terminals without ★ or ▣",
    )


def _add_commands(commands: Any) -> None:
    """The commands and their options (``commands``: argparse's subparsers action)."""
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
    sync.add_argument(
        "--images",
        dest="sync_images",
        action="store_true",
        help="also fetch the photos of the synced articles",
    )
    sync.add_argument("--concurrency", default=None, metavar="K",
                      help="requests at a time, 1 to 64 (default 4, or the config's)")  # fmt: skip

    _add_store_commands(commands)


def _add_store_commands(commands: Any) -> None:
    """The commands over what is stored: search, bookmarks, cache."""
    search = commands.add_parser("search", help="search stored articles (ignores diacritics)")
    search.add_argument("query", nargs="+")
    search.add_argument("--json", action="store_true")
    search.add_argument("--limit", type=_limit, default=20, metavar="N",
                        help=f"at most N results (default 20, at most {MAX_LIMIT:,})")  # fmt: skip
    search.add_argument("--section", metavar="S")

    bookmarks = commands.add_parser("bookmarks", help="list bookmarked articles")
    bookmarks.add_argument("--json", action="store_true")

    cache = commands.add_parser("cache", help="inspect or clean the page store")
    cache_commands = cache.add_subparsers(dest="cache_command", metavar="ACTION", required=True)
    info = cache_commands.add_parser("info", help="path, size, counts, oldest and newest")
    info.add_argument("--json", action="store_true")
    clear = cache_commands.add_parser("clear", help="remove every stored page")
    clear.add_argument("--yes", action="store_true", help="do not ask")
    clear.add_argument(
        "--images", dest="clear_images", action="store_true", help="remove only the stored photos"
    )
    cache_commands.add_parser("vacuum", help="check the store file, then shrink it")
    cache_commands.add_parser("check", help="check the whole store file for damage")


def _positive(text: str) -> int:
    value = _natural(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {text!r}")
    return value


# More results than anyone reads; also keeps the number within SQLite's 64-bit integers.
MAX_LIMIT = 100_000


def _limit(text: str) -> int:
    return min(_positive(text), MAX_LIMIT)


def _natural(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text!r}")
    return value
