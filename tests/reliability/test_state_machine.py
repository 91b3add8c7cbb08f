"""A model-based test: random sequences of what users do, through the CLI and the service.

Every URL of the sample site, plus a few hostile pages and a redirect to another kind,
is used with every command (the wrong kind too), online and offline, among bookmark
changes, searches, syncs and cache commands. After every step: only TgErrors (exit codes
0, 2, 3, 4, 5, one ``tgreader:`` line per error, never a traceback), the store passes
``PRAGMA integrity_check``, no page is stored under a kind it is not, and the bookmarks
are exactly those the model holds.

``TGREADER_STATEFUL_EXAMPLES=N`` runs N sequences (default 30, about 15 s here).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tgreader.cli import main
from tgreader.demo.server import DemoServer, default_root
from tgreader.errors import TgError
from tgreader.model import Article, Home, Listing
from tgreader.service import Service
from tgreader.settings import Settings
from tgreader.urls import Site, page_kind

from rel_support import stats

EXAMPLES = int(os.environ.get("TGREADER_STATEFUL_EXAMPLES", "30"))
EXIT_CODES = {0, 2, 3, 4, 5}

_DEEP = 3000
HOSTILE: dict[str, bytes] = {
    # Nested deeper than any page; a parser walking it by recursion would fail.
    "thoi-su-chinh-tri/lo-long-sau-900001.html": (
        b"<html><body><h1 class='story-headline'>Sau</h1>"
        + b"<div>" * _DEEP
        + b"<p>x</p>"
        + b"</div>" * _DEEP
        + b"</body></html>"
    ),
    "thoi-su-chinh-tri/nhi-phan-900002.html": bytes(range(256)) * 64,
    "thoi-su-chinh-tri/trong-900003.html": b"",
    # Escapes, bidi controls and odd dates in every place text comes from.
    "thoi-su-chinh-tri/ky-tu-dieu-khien-900004.html": (
        "<html><head><title>\x1b]0;owned\x07</title></head><body>"
        "<h1 class='story-headline'>Ti\x1b[31mtle\u202e</h1>"
        "<div class='story-date'>31/13/99999 25:61</div>"
        "<div class='story-teaser'>Sa\x00po</div>"
        "<div class='story-body'><p>Đoạn\x9b2J văn</p></div></body></html>"
    ).encode(),
    "thoi-su-chinh-tri/thuoc-tinh-lon-900005.html": (
        b"<html><body><h1 class='story-headline'>T</h1><div class='story-body'><p title='"
        + b"a" * 300_000
        + b"'>x</p></div></body></html>"
    ),
    # A listing page of the wrong shape, under a section URL.
    "muc-hong.html": b"<html><body><ul><li><a href='javascript:x'>?</a></li></ul></body></html>",
}
# An article URL the server redirects to the home page (a removed article).
REDIRECT = "/thoi-su-chinh-tri/bai-da-go-900009 /"


def _site(root: Path) -> list[str]:
    """The sample site with the hostile pages added, under ``root``; returns every URL."""
    shutil.copytree(default_root(), root)
    for name, body in HOSTILE.items():
        (root / name).write_bytes(body)
    with (root / "_redirects.txt").open("a", encoding="utf-8") as rules:
        rules.write(f"\n{REDIRECT}\n")
    urls = ["https://tuyengiao.vn" + REDIRECT.split()[0]]
    for file in sorted(root.rglob("*.html")):
        stem = file.relative_to(root).with_suffix("").as_posix()
        path, _, page = stem.partition("@page=")
        path = "" if path == "index" else path
        urls.append(f"https://tuyengiao.vn/{path}" + (f"?page={page}" if page else ""))
    return urls


class Model(RuleBasedStateMachine):
    """The user's moves, and what must hold after each."""

    server: DemoServer
    urls: list[str]
    capture: pytest.CaptureFixture[str]

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="tg-model-"))
        self.bookmarks: dict[str, str] = {}
        self.dirs = ["--cache-dir", str(self.tmp / "c"), "--data-dir", str(self.tmp / "d")]

    def teardown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _settings(self, offline: bool) -> Settings:
        site = Site.from_url(self.server.url)
        return Settings(site=site, cache_dir=self.tmp / "c", data_dir=self.tmp / "d",
                        offline=offline, retries=0, timeout=5.0)  # fmt: skip

    def _cli(self, *args: str, offline: bool, progress: bool = False) -> int:
        flags = ["--offline"] if offline else []
        code = main([*self.dirs, "--site", self.server.url, "--timeout", "5", *flags, *args])
        _, err = self.capture.readouterr()
        stats.EXAMPLES["model steps"] += 1
        assert code in EXIT_CODES, (args, code, err)
        assert "Traceback" not in err, err
        if not progress:  # sync draws a progress bar on stderr
            for line in err.splitlines():
                assert line.startswith("tgreader: "), (args, err)
        if code != 0 and not progress:
            assert err.count("\n") >= 1, (args, code)
        return code

    @rule(
        command=st.sampled_from(["read", "read --json", "read --markdown", "list", "list --json"]),
        index=st.integers(0, 10_000),
        offline=st.booleans(),
    )
    def read_or_list(self, command: str, index: int, offline: bool) -> None:
        name, *options = command.split()
        self._cli(name, self.urls[index % len(self.urls)], *options, offline=offline)

    @rule(
        command=st.sampled_from(["home", "home --json", "sections", "bookmarks", "cache info"]),
        offline=st.booleans(),
    )
    def other_command(self, command: str, offline: bool) -> None:
        self._cli(*command.split(), offline=offline)

    @rule(query=st.sampled_from(["hoi nghi", "Đảng", "tuyen giao", "", "\x1b[31m", "a" * 300]))
    def search(self, query: str) -> None:
        self._cli("search", query, "--limit", "5", offline=True)

    @rule(index=st.integers(0, 10_000), offline=st.booleans())
    def sync_one(self, index: int, offline: bool) -> None:
        sections = ["khoa-giao", "van-hoa-xa-hoi", "muc-hong"]
        self._cli("sync", sections[index % len(sections)], "--depth", "0", offline=offline,
                  progress=True)  # fmt: skip

    @rule()
    def cache_clear(self) -> None:
        assert self._cli("cache", "clear", "--yes", offline=True) == 0

    @rule(
        kind=st.sampled_from([Article, Listing, Home]),
        index=st.integers(0, 10_000),
        offline=st.booleans(),
    )
    def service_load(self, kind: type[Article | Listing | Home], index: int, offline: bool) -> None:
        url = self.urls[index % len(self.urls)]

        async def load() -> None:
            service = Service(self._settings(offline))
            try:
                if kind is Article:
                    await service.article(url)
                    service.stored(url, Article)
                elif kind is Listing:
                    await service.listing(url)
                    service.stored(url, Listing)
                else:
                    await service.home()
                    service.stored(url, Home)
            except TgError:
                pass  # expected failures are TgErrors; anything else fails the test
            finally:
                await service.aclose()

        asyncio.run(load())

    @rule(index=st.integers(0, 10_000), title=st.text(max_size=20))
    def toggle_bookmark(self, index: int, title: str) -> None:
        url = self.urls[index % len(self.urls)]
        with Service(self._settings(True)).userdata as data:
            now = data.toggle_bookmark(url, title)
        if now:
            self.bookmarks[url] = title
        else:
            self.bookmarks.pop(url, None)

    @invariant()
    def store_is_whole_and_every_page_is_its_kind(self) -> None:
        path = self.tmp / "c" / "pages.sqlite3"
        if not path.exists():
            return
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            rows = db.execute("SELECT url, kind FROM pages").fetchall()
        wrong = [(url, kind) for url, kind in rows if page_kind(url) != kind]
        assert wrong == []

    @invariant()
    def bookmarks_are_kept(self) -> None:
        path = self.tmp / "d" / "userdata.sqlite3"
        if not path.exists():
            assert self.bookmarks == {}
            return
        with sqlite3.connect(path) as db:
            stored = dict(db.execute("SELECT url, title FROM bookmarks").fetchall())
        assert stored == self.bookmarks


@pytest.fixture(scope="module")
def hostile_site(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[DemoServer, list[str]]]:
    root = tmp_path_factory.mktemp("model") / "site"
    urls = _site(root)
    with DemoServer(root=root) as server:
        yield server, urls


def test_random_sequences_of_commands_keep_every_promise(
    hostile_site: tuple[DemoServer, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    Model.server, Model.urls = hostile_site
    Model.capture = capsys
    run_state_machine_as_test(
        Model,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=25,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        ),
    )
