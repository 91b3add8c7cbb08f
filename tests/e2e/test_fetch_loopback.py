"""The Fetcher over real HTTP on 127.0.0.1: the DemoServer, and a fault server of our own.

The fault server is a bare asyncio socket server on 127.0.0.1 that writes raw bytes, so it
can misbehave in ways a well-behaved server cannot: stall, trickle, cut the body short,
reset the connection. Every test runs under a time limit; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import gzip
import http.client
import os
import re
import socket
import struct
import time
import unicodedata
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest

from tgreader.demo.server import DemoServer, site_file
from tgreader.errors import FetchError
from tgreader.fetch import Fetcher, Response
from tgreader.urls import Site

LIMIT = 5.0  # seconds any one test may take
FAST: dict[str, Any] = {"timeout": 0.3, "connect_timeout": 0.3, "backoff": 0.01}

# -- the DemoServer on a temporary site ----------------------------------------------------

PAGES = {
    "index.html": "<!DOCTYPE html><html><body>trang chủ</body></html>",
    "kinh-te.html": "<!DOCTYPE html><html><body>Kinh tế, trang 1</body></html>",
    "kinh-te@page=2.html": "<!DOCTYPE html><html><body>Kinh tế, trang 2</body></html>",
    "nested/sub/bai-viet-113371.html": "<!DOCTYPE html><html><body>Bài viết</body></html>",
    "blogs/category/type/news@categoryId=67f4f2a1b2c3d4e5f6a7b8c9.html": "<html>C 1</html>",
    "blogs/category/type/news@categoryId=67f4f2a1b2c3d4e5f6a7b8c9@page=2.html": "<html>C 2",
}
REDIRECTS = """\
# FROM TO
/old-path /kinh-te
/old-absolute https://tuyengiao.vn/kinh-te?page=2
/chain /old-path
/loop-a /loop-b
/loop-b /loop-a
/away https://example.com/
"""


@pytest.fixture
def site_root(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    for name, text in PAGES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "_redirects.txt").write_text(REDIRECTS, encoding="utf-8")
    # A file beside the root, which no request may reach.
    (tmp_path / "secret.html").write_text("<html>secret</html>", encoding="utf-8")
    return root


@pytest.fixture
def demo(site_root: Path) -> Iterator[DemoServer]:
    with DemoServer(site_root) as server:
        yield server


@pytest.fixture
async def demo_fetcher(demo: DemoServer) -> AsyncIterator[Fetcher]:
    async with Fetcher(Site.from_url(demo.url), **FAST) as fetcher:
        yield fetcher


async def test_demo_serves_a_page(demo: DemoServer, demo_fetcher: Fetcher) -> None:
    async with asyncio.timeout(LIMIT):
        response = await demo_fetcher.get("https://tuyengiao.vn/kinh-te")
    assert response.status == 200
    assert response.text == PAGES["kinh-te.html"]
    assert response.url == response.final_url == "https://tuyengiao.vn/kinh-te"
    assert response.content_type == "text/html; charset=utf-8"
    assert response.etag and response.etag.startswith('"')
    assert response.last_modified and response.last_modified.endswith("GMT")
    assert demo.requests == [("GET", "/kinh-te", 200)]


async def test_demo_home_nested_and_gen_c_listing(demo_fetcher: Fetcher) -> None:
    async with asyncio.timeout(LIMIT):
        home = await demo_fetcher.get("https://tuyengiao.vn/")
        nested = await demo_fetcher.get("https://tuyengiao.vn/nested/sub/bai-viet-113371")
        listing = (
            "https://tuyengiao.vn/blogs/category/type/news?&categoryId=67f4f2a1b2c3d4e5f6a7b8c9"
        )
        first = await demo_fetcher.get(f"{listing}&page=1&size=10")
        second = await demo_fetcher.get(f"{listing}&page=2&size=10")
    assert "trang chủ" in home.text
    assert "Bài viết" in nested.text
    assert first.text == "<html>C 1</html>"
    assert second.text == "<html>C 2"


async def test_demo_page_parameter(demo: DemoServer, demo_fetcher: Fetcher) -> None:
    async with asyncio.timeout(LIMIT):
        second = await demo_fetcher.get("https://tuyengiao.vn/kinh-te?page=2")
        first = await demo_fetcher.get("https://tuyengiao.vn/kinh-te?page=1")
        with pytest.raises(FetchError) as caught:
            await demo_fetcher.get("https://tuyengiao.vn/kinh-te?page=3")
    assert second.text == PAGES["kinh-te@page=2.html"]
    assert second.final_url == "https://tuyengiao.vn/kinh-te?page=2"
    assert first.text == PAGES["kinh-te.html"]  # page=1 is the page without the parameter
    assert caught.value.status == 404


async def test_demo_404_is_a_fetch_error(demo: DemoServer, demo_fetcher: Fetcher) -> None:
    async with asyncio.timeout(LIMIT):
        with pytest.raises(FetchError) as caught:
            await demo_fetcher.get("https://tuyengiao.vn/khong-co")
    assert caught.value.status == 404
    assert str(caught.value) == f"{demo.url}/khong-co: HTTP 404 Not Found"
    assert demo.requests == [("GET", "/khong-co", 404)]  # a 404 is not retried


async def test_demo_revalidation_answers_304(demo: DemoServer, demo_fetcher: Fetcher) -> None:
    url = "https://tuyengiao.vn/kinh-te"
    async with asyncio.timeout(LIMIT):
        first = await demo_fetcher.get(url)
        by_etag = await demo_fetcher.get(url, etag=first.etag)
        by_date = await demo_fetcher.get(url, last_modified=first.last_modified)
        stale_etag = await demo_fetcher.get(url, etag='"something-else"')
    assert (by_etag.status, by_etag.body, by_etag.etag) == (304, b"", first.etag)
    assert by_date.status == 304
    assert stale_etag.status == 200
    assert demo.requests == [
        ("GET", "/kinh-te", 200),
        ("GET", "/kinh-te", 304),
        ("GET", "/kinh-te", 304),
        ("GET", "/kinh-te", 200),
    ]


async def test_demo_changed_file_is_served_again(site_root: Path, demo_fetcher: Fetcher) -> None:
    url = "https://tuyengiao.vn/kinh-te"
    async with asyncio.timeout(LIMIT):
        first = await demo_fetcher.get(url)
        page = site_root / "kinh-te.html"
        page.write_text("<html>changed</html>", encoding="utf-8")
        later = page.stat().st_mtime + 10
        os.utime(page, (later, later))
        again = await demo_fetcher.get(url, etag=first.etag, last_modified=first.last_modified)
    assert again.status == 200
    assert again.text == "<html>changed</html>"
    assert again.last_modified == formatdate(later, usegmt=True)


async def test_demo_redirects(demo: DemoServer, demo_fetcher: Fetcher) -> None:
    async with asyncio.timeout(LIMIT):
        relative = await demo_fetcher.get("https://tuyengiao.vn/old-path")
        absolute = await demo_fetcher.get("https://tuyengiao.vn/old-absolute")
        chain = await demo_fetcher.get("https://tuyengiao.vn/chain")
    assert relative.url == "https://tuyengiao.vn/old-path"
    assert relative.final_url == "https://tuyengiao.vn/kinh-te"
    assert relative.text == PAGES["kinh-te.html"]
    # A Location on the real site is served by the demo, and reported canonically.
    assert absolute.final_url == "https://tuyengiao.vn/kinh-te?page=2"
    assert absolute.text == PAGES["kinh-te@page=2.html"]
    assert chain.final_url == "https://tuyengiao.vn/kinh-te"
    assert demo.requests[:3] == [
        ("GET", "/old-path", 301),
        ("GET", "/kinh-te", 200),
        ("GET", "/old-absolute", 301),
    ]


async def test_demo_bad_redirects(demo: DemoServer, demo_fetcher: Fetcher) -> None:
    async with asyncio.timeout(LIMIT):
        with pytest.raises(FetchError) as off_site:
            await demo_fetcher.get("https://tuyengiao.vn/away")
        with pytest.raises(FetchError) as loop:
            await demo_fetcher.get("https://tuyengiao.vn/loop-a")
    assert (
        str(off_site.value) == f"{demo.url}/away: redirected off the site to https://example.com/"
    )
    assert loop.value.cause == "too many redirects"
    assert not any(path.startswith("http") for _, path, _ in demo.requests)


async def test_demo_refuses_path_traversal(demo: DemoServer, demo_fetcher: Fetcher) -> None:
    async with asyncio.timeout(LIMIT):
        for path in ("/%2e%2e/secret", "/nested/%2E%2E/%2e%2e/secret", "/%2Fetc/passwd"):
            with pytest.raises(FetchError) as caught:
                await demo_fetcher.get(f"https://tuyengiao.vn{path}")
            assert caught.value.status == 404
        # http.client sends the path as written, without normalising the dots away.
        statuses = await asyncio.to_thread(_raw_statuses, demo, ["/../secret", "/a/../../secret"])
    assert statuses == [404, 404]


def _raw_statuses(demo: DemoServer, paths: list[str]) -> list[int]:
    host, port = demo.url.removeprefix("http://").split(":")
    statuses = []
    for path in paths:
        connection = http.client.HTTPConnection(host, int(port), timeout=LIMIT)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            assert b"secret" not in response.read()
            statuses.append(response.status)
        finally:
            connection.close()
    return statuses


async def test_a_stopped_demo_answers_nothing_more(site_root: Path) -> None:
    server = DemoServer(site_root).start()
    async with asyncio.timeout(LIMIT), Fetcher(Site.from_url(server.url), **FAST) as f:
        await f.get("https://tuyengiao.vn/kinh-te")  # leaves a kept-alive connection
        await asyncio.to_thread(server.stop)
        with pytest.raises(FetchError) as caught:
            await f.get("https://tuyengiao.vn/kinh-te")
    assert caught.value.cause.startswith("connection failed (")
    assert server.requests == [("GET", "/kinh-te", 200)]


def test_site_file_mapping(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    base = root.resolve()
    assert site_file(root, "/") == base / "index.html"
    assert site_file(root, "/kinh-te") == base / "kinh-te.html"
    assert site_file(root, "/kinh-te/") == base / "kinh-te.html"
    assert site_file(root, "/kinh-te?page=1") == base / "kinh-te.html"
    assert site_file(root, "/kinh-te?page=2&utm=x") == base / "kinh-te@page=2.html"
    assert site_file(root, "/kinh-te?page=x") == base / "kinh-te.html"
    assert site_file(root, "/a/b-123#frag") == base / "a" / "b-123.html"
    assert site_file(root, "/blogs/category/type/t?&categoryId=abc&page=1&size=10") == (
        base / "blogs/category/type/t@categoryId=abc.html"
    )
    assert site_file(root, "/blogs/category/type/t?&categoryId=abc&page=3&size=10") == (
        base / "blogs/category/type/t@categoryId=abc@page=3.html"
    )
    # categoryId only matters on Gen C listings.
    assert site_file(root, "/a?categoryId=abc") == base / "a.html"
    for bad in (
        "/../x",
        "/a/../../x",
        "/%2e%2e/x",
        "//etc/passwd",
        "/%2Fetc/passwd",
        "/a\\..\\x",
        "/a%00b",
        "/.git/config",
        "relative",
        "/blogs/category/type/t?&categoryId=../../x",
    ):
        assert site_file(root, bad) is None, bad


def test_demo_server_lifecycle(site_root: Path) -> None:
    server = DemoServer(site_root)
    with pytest.raises(RuntimeError):
        _ = server.url
    assert server.start() is server
    assert server.url.startswith("http://127.0.0.1:")
    assert server._server is not None
    assert server._server.server_address[0] == "127.0.0.1"
    port = int(server.url.rsplit(":", 1)[1])
    server.stop()
    server.stop()  # twice is fine
    with socket.create_server(("127.0.0.1", port)):  # the port is free again
        pass
    with pytest.raises(FileNotFoundError):
        DemoServer(site_root / "missing").start()


def test_demo_server_head_and_latency(site_root: Path) -> None:
    with DemoServer(site_root, latency=0.05) as server:
        host, port = server.url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=LIMIT)
        started = time.monotonic()
        connection.request("HEAD", "/kinh-te")
        response = connection.getresponse()
        elapsed = time.monotonic() - started
        assert response.read() == b""
        connection.close()
        assert response.status == 200
        assert response.getheader("Content-Length") == str(len(PAGES["kinh-te.html"].encode()))
        assert elapsed >= 0.05  # the latency is a floor, not a measurement
        assert server.requests == [("HEAD", "/kinh-te", 200)]


# -- a fault server ---------------------------------------------------------------------

Scenario = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def fault_server(scenario: Scenario) -> AsyncIterator[tuple[str, list[int]]]:
    """Serve ``scenario`` on 127.0.0.1; yields the origin and a list that counts connections."""
    connections: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        try:
            await reader.readuntil(b"\r\n\r\n")
            await scenario(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client gave up first, as several scenarios intend
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", connections
    finally:
        server.close()
        await server.wait_closed()


def head(status: str = "200 OK", **headers: str | int) -> bytes:
    lines = [f"HTTP/1.1 {status}", "Connection: close"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def page(body: bytes, content_type: str = "text/html; charset=utf-8") -> bytes:
    return head(Content_Type=content_type, Content_Length=len(body)) + body


async def fetch(origin: str, path: str = "/x", **options: Any) -> Response:
    """Fetch canonical ``path`` through ``origin`` with fast settings, within the time limit."""
    async with asyncio.timeout(LIMIT), Fetcher(Site.from_url(origin), **(FAST | options)) as f:
        return await f.get(f"https://tuyengiao.vn{path}")


async def test_slower_than_the_timeout() -> None:
    async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # say nothing until the client hangs up

    async with fault_server(stall) as (origin, connections):
        with pytest.raises(FetchError) as caught:  # not the test's own TimeoutError
            await fetch(origin, timeout=0.2, retries=1)
    assert caught.value.where == f"{origin}/x"
    # The message gives the time the page took in all, both tries (and the wait) included.
    spent = re.fullmatch(r"timed out after (\d+\.\d) s \(2 tries\)", caught.value.cause)
    assert spent is not None, caught.value.cause
    assert float(spent.group(1)) >= 0.4
    assert len(connections) == 2  # timeouts are retried


async def test_a_trickling_server_is_cut_off() -> None:
    async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(head(Content_Type="text/html", Content_Length=1000))
        for _ in range(100):  # one byte every 50 ms: never a read timeout, never done
            writer.write(b"x")
            await writer.drain()
            await asyncio.sleep(0.05)

    async with fault_server(trickle) as (origin, _):
        with pytest.raises(FetchError) as caught:
            await fetch(origin, timeout=0.2, connect_timeout=0.1, retries=0)
    spent = re.fullmatch(r"timed out after (\d+\.\d) s", caught.value.cause)
    assert spent is not None, caught.value.cause
    assert float(spent.group(1)) >= 0.2


async def test_503_with_retry_after_then_200() -> None:
    answers = iter(
        [head("503 Service Unavailable", Retry_After=1, Content_Length=0), page(b"<html>ok")]
    )

    async def flaky(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(next(answers))
        await writer.drain()

    async with fault_server(flaky) as (origin, connections):
        started = time.monotonic()
        response = await fetch(origin, retries=2, backoff=0.01)
        elapsed = time.monotonic() - started
    assert response.status == 200
    assert response.text == "<html>ok"
    assert len(connections) == 2
    assert elapsed >= 0.9  # waited as asked, not the 10 ms backoff


async def test_503_until_the_last_try() -> None:
    async def down(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(head("503 Service Unavailable", Content_Length=0))
        await writer.drain()

    async with fault_server(down) as (origin, connections):
        with pytest.raises(FetchError) as caught:
            await fetch(origin, retries=3)
    assert str(caught.value) == f"{origin}/x: HTTP 503 Service Unavailable after 4 tries"
    assert caught.value.status == 503
    assert len(connections) == 4


async def test_connection_reset_mid_body() -> None:
    async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(head(Content_Type="text/html", Content_Length=10_000) + b"<html>" * 100)
        await writer.drain()
        await asyncio.sleep(0.05)
        # SO_LINGER 0: closing sends a RST instead of an orderly FIN.
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()

    async with fault_server(reset) as (origin, connections):
        with pytest.raises(FetchError) as caught:
            await fetch(origin, retries=1)
    assert caught.value.cause.startswith("connection lost while reading the body (")
    assert len(connections) == 2


async def test_body_shorter_than_its_content_length() -> None:
    async def short(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(head(Content_Type="text/html", Content_Length=1000) + b"<html>" + b"x" * 494)
        await writer.drain()

    async with fault_server(short) as (origin, _):
        with pytest.raises(FetchError) as caught:
            await fetch(origin, retries=0)
    assert caught.value.cause.startswith("connection lost while reading the body (")
    assert "500" in caught.value.cause  # httpx says how much arrived


async def test_gzip_body_over_the_cap() -> None:
    bomb = gzip.compress(b"<html>" + b" " * 3_000_000)

    async def zipped(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(
            head(Content_Type="text/html", Content_Encoding="gzip", Content_Length=len(bomb))
        )
        writer.write(bomb)
        await writer.drain()

    async with fault_server(zipped) as (origin, _):
        with pytest.raises(FetchError) as caught:
            await fetch(origin, max_bytes=1_000_000)
        small = await fetch(origin, max_bytes=5_000_000)
    assert len(bomb) < 1_000_000  # only the decoded size is over the cap
    assert caught.value.cause == "body larger than 1 MB"
    assert len(small.body) == 3_000_006


async def test_declared_windows_1258_and_undeclared_latin_1() -> None:
    vietnamese = b"<html><p>Ti\xea\xecng Vi\xea\xf2t</p></html>"  # windows-1258, tone marks apart
    latin = b'<html><head><meta charset="iso-8859-1"></head><p>caf\xe9</p></html>'
    answers = iter(
        [
            page(vietnamese, "text/html; charset=windows-1258"),
            page(latin, "text/html"),
            page(vietnamese, "text/html"),  # wrong: no charset anywhere, so UTF-8
        ]
    )

    async def pages(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(next(answers))
        await writer.drain()

    async with fault_server(pages) as (origin, _):
        declared = await fetch(origin)
        undeclared = await fetch(origin)
        wrong = await fetch(origin)
    assert unicodedata.normalize("NFC", declared.text) == "<html><p>Tiếng Việt</p></html>"
    assert declared.body == vietnamese
    assert "<p>café</p>" in undeclared.text
    assert wrong.text == "<html><p>Ti\ufffd\ufffdng Vi\ufffd\ufffdt</p></html>"


async def test_empty_200() -> None:
    async def empty(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(head(Content_Type="text/html", Content_Length=0))
        await writer.drain()

    async with fault_server(empty) as (origin, connections):
        with pytest.raises(FetchError) as caught:
            await fetch(origin)
    assert str(caught.value) == f"{origin}/x: empty response"
    assert len(connections) == 1


async def test_nothing_listening() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    # The port is closed again: connecting is refused at once.
    with pytest.raises(FetchError) as caught:
        await fetch(f"http://127.0.0.1:{port}", retries=1)
    assert caught.value.cause.startswith("connection failed (")
