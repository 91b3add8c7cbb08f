"""sync never hangs and never drops a page silently; its walk is bounded.

Through the real CLI on loopback servers and real SQLite files: ``--pages 10**30`` ends
at the section's last page; a server answering every page number with the same page is
walked twice, not a thousand times; an article of 200 related links adds 20; a page whose
handling raises an exception that is not tgreader's own is named among the failures and
the other pages are stored; and what sync prints quotes no escape sequence from a server.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import pytest

import tgreader.sync as sync_module
from tgreader.demo.server import DemoServer, default_root
from tgreader.service import Service, Settings
from tgreader.sync import MAX_RELATED, sync
from tgreader.urls import Site

from rel_support.faults import SEED_PATH
from rel_support.faultserver import FaultServer, respond
from rel_support.pages import FORBIDDEN
from rel_support.runner import Cli, base_env

SECTION = "thoi-su-chinh-tri"


def _listings(out: str) -> int:
    found = re.search(r"(\d+) listing pages", out)
    assert found is not None, out
    return int(found.group(1))


def test_pages_10_to_the_30_ends_at_the_last_page(tmp_path: Path) -> None:
    pages = len(list(default_root().glob(f"{SECTION}*.html")))  # page 1, @page=2, ...
    with DemoServer() as server:
        result = Cli(base_env(tmp_path))(
            "--site", server.url, "sync", SECTION, "--pages", str(10**30), "--depth", "0"
        )
        asked = [path for _, path, _ in server.requests if path.startswith(f"/{SECTION}?")]
    assert result.code == 0, result.err
    assert "0 failed" in result.out
    # The pages that exist, and at most the one past the last (an empty listing).
    assert pages <= _listings(result.out) <= pages + 1
    assert len(asked) <= pages


def test_a_listing_that_repeats_is_walked_twice_not_a_thousand_times(tmp_path: Path) -> None:
    # Every page number answers with page 1 (its "next" link always there).
    page = (default_root() / f"{SECTION}.html").read_bytes()
    with FaultServer({f"/{SECTION}": respond(200, page)}) as server:
        result = Cli(base_env(tmp_path))(
            "--site", server.url, "sync", SECTION, "--pages", "1000", "--depth", "0",
            TGREADER_RETRIES="0",
        )  # fmt: skip
        listing_hits = server.count(f"/{SECTION}")
    assert _listings(result.out) == 2
    assert listing_hits == 2
    # Its articles are not served: each is named as failed, none dropped silently.
    failed = [line for line in result.out.splitlines() if line.startswith("  failed: ")]
    total = re.search(r"(\d+) failed", result.out)
    assert total is not None and int(total.group(1)) == len(failed) > 0
    assert result.code == 3


def _with_many_related(root: Path, count: int) -> list[str]:
    shutil.copytree(default_root(), root)
    page = root / f"{SEED_PATH.lstrip('/')}.html"
    paths = [f"/nhip-cau-tuyen-giao/bai-lien-quan-so-{n}-16{n:04d}" for n in range(count)]
    links = "".join(
        f'<li><a href="{path}">Bài viết liên quan số {n}</a></li>' for n, path in enumerate(paths)
    )
    html = page.read_text("utf-8")
    marker = '<ul class="list-related">'
    assert marker in html
    page.write_text(html.replace(marker, marker + links, 1), "utf-8")
    return paths


def test_one_article_adds_at_most_max_related_links(tmp_path: Path) -> None:
    root = tmp_path / "site"
    paths = set(_with_many_related(root, 200))
    with DemoServer(root) as server:
        result = Cli(base_env(tmp_path))(
            "--site", server.url, "sync", "nhip-cau-tuyen-giao", "--pages", "2", "--depth", "2",
            TGREADER_RETRIES="0",
        )  # fmt: skip
        asked = {path for _, path, _ in server.requests} & paths
    assert result.code == 0, result.err
    assert len(asked) == MAX_RELATED == 20


def test_an_unexpected_exception_in_one_page_is_a_named_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A bug in the handling of one page (here: a RuntimeError for one article) once killed
    # its worker: the sync hung, or ended "0 failed" with pages missing.
    async def run(origin: str) -> tuple[sync_module.SyncReport, list[str]]:
        settings = Settings(site=Site.from_url(origin), cache_dir=tmp_path / "c", retries=0)
        service = Service(settings)
        original = service.article
        broken: list[str] = []

        async def article(url: str, **options: bool):  # type: ignore[no-untyped-def]
            if not broken:
                broken.append(url)
                raise RuntimeError("a bug")
            return await original(url, **options)

        monkeypatch.setattr(service, "article", article)
        try:
            # One worker: its death used to leave the queue to no one, and sync waited on
            # it for ever (the guard turns such a hang into a failure, it times nothing).
            async with asyncio.timeout(120):
                report = await sync(service, [SECTION], pages=1, depth=0, concurrency=1)
        finally:
            await service.aclose()
        return report, broken

    with DemoServer() as server:
        report, broken = asyncio.run(run(server.url))
    assert report.failures == [(broken[0], "unexpected failure (RuntimeError)")]
    assert report.articles >= 1  # the pages after it were still fetched and stored


def test_what_sync_prints_is_clean(tmp_path: Path) -> None:
    # Causes built from headers (a Content-Type with OSC 52 and bidi controls) are printed
    # cleaned, on stdout too, and the --site credentials never.
    page = (default_root() / f"{SECTION}.html").read_bytes()
    # Sent as UTF-8 bytes (the server writes its head in latin-1).
    evil = "application/x\x1b]52;c;ZXZpbA==\x07\u202e\x9b31m".encode().decode("latin-1")
    with FaultServer({f"/{SECTION}": respond(200, page)}, default=respond(200, b"x", evil)) as s:
        origin = s.url.replace("http://", "http://someone:secret@")
        result = Cli(base_env(tmp_path))(
            "--site", origin, "sync", SECTION, "--pages", "1", "--depth", "0",
            TGREADER_RETRIES="0",
        )  # fmt: skip
    assert "not an HTML page" in result.out
    failed = [line for line in result.out.splitlines() if line.startswith("  failed: ")]
    assert failed
    for line in failed:
        assert FORBIDDEN.search(line) is None, repr(line)
    for text in (result.out, result.err):
        assert "\x1b" not in text and "\u202e" not in text and "\x9b" not in text, repr(text)
        assert "secret" not in text
