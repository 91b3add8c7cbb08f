"""Hostile pages and responses: only tgreader's own errors escape, and what comes out is clean.

The fixed shapes (rel_support/hostile.py) are those that raised or took quadratic time:
markup and Next.js JSON nested hundreds of thousands deep, unterminated Next.js pushes,
dates at the edge of datetime's range or a day or more from UTC, canonical links that are
not URLs. A hypothesis strategy mixes them with hostile characters and feeds every
parser, for every page generation's URL. Their time per MB is measured in
bench/hostile_bench.py, never asserted here.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tgreader.parse as parse_module
from tgreader.errors import FetchError, ParseError
from tgreader.fetch import Fetcher, Response
from tgreader.model import Article, Home, Listing
from tgreader.parse import page_url_hint, parse_article, parse_home, parse_listing
from tgreader.text import parse_vn_datetime
from tgreader.urls import Site

from rel_support import stats
from rel_support.faultserver import FaultServer
from rel_support.hostile import ODD_DATES, ODD_LINKS, SHAPES, hostile_document, page_with, shape
from rel_support.pages import FORBIDDEN, HOSTILE_CHARS, problems, sample_pages
from rel_support.runner import Cli, base_env, one_line

PROPERTY = settings(
    max_examples=stats.examples(),
    deadline=None,
    derandomize=not stats.exploring(),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PARSERS: dict[str, Callable[..., Article | Listing | Home]] = {
    "article": parse_article,
    "listing": parse_listing,
    "home": parse_home,
}
# One URL of each generation's site: Gen A/B on tuyengiao.vn, Gen C on its successor.
URLS = (
    "https://tuyengiao.vn/thoi-su-chinh-tri/bai-viet-123",
    "https://tuyengiao.vn/thoi-su-chinh-tri",
    "https://tuyengiao.vn/",
    "https://tuyengiaodanvan.vn/blogs/tin-tuc/bai-viet",
)
ARTICLE_URL = URLS[0]
ARTICLE_PATH_URL = "https://tuyengiao.vn/a/odd-123456"
PAGE = page_with().encode()


def _only_our_error(kind: str, html: str, url: str) -> None:
    """Parse ``html`` as ``kind``: a clean result, or a one-line ParseError naming the URL."""
    try:
        result = PARSERS[kind](html, url)
    except ParseError as error:
        assert "\n" not in str(error)
        assert error.where.startswith("https://")
        return
    data = result.to_dict()
    json.dumps(data, ensure_ascii=False)
    assert problems(data) == []


@pytest.mark.parametrize("name", sorted(SHAPES))
@pytest.mark.parametrize("kind", sorted(PARSERS))
def test_hostile_shapes_parse_or_raise_parse_error(name: str, kind: str) -> None:
    html = shape(name, 200_000)
    for url in (ARTICLE_URL, URLS[3]):
        _only_our_error(kind, html, url)


def test_markup_nested_200000_deep_keeps_its_text() -> None:
    # The tags past the depth limit go; the text inside them stays.
    html = page_with("<div>" * 200_000 + "<p>Đoạn văn ở tầng sâu nhất.</p>" + "</div>" * 200_000)
    article = parse_article(html, ARTICLE_URL)
    assert "Đoạn văn ở tầng sâu nhất." in json.dumps(article.to_dict(), ensure_ascii=False)


def test_unterminated_pushes_do_not_hide_the_real_article() -> None:
    page = next(p for p in sample_pages() if p.name == "variants/genc-article.html")
    junk = "<script>" + 'self.__next_f.push([1,"' * 5_000 + "</script>"
    html = re.sub(r"<body[^>]*>", lambda m: m.group() + junk, page.html, count=1)
    assert html != page.html
    assert parse_article(html, page.url) == parse_article(page.html, page.url)


@pytest.mark.parametrize("date", ODD_DATES)
def test_odd_dates_are_no_date(date: str) -> None:
    assert parse_vn_datetime(date) is None
    article = parse_article(page_with(f"<time>{date}</time>", ""), ARTICLE_URL)
    assert article.published is None


def test_dates_a_day_from_utc_are_still_read() -> None:
    found = parse_vn_datetime("2023-04-13T07:53:00+23:59")
    assert found is not None
    assert found[0].isoformat() == "2023-04-12T14:54:00+07:00"


@pytest.mark.parametrize("link", ODD_LINKS)
def test_links_that_are_not_urls_are_ignored(link: str) -> None:
    html = page_with(
        f'<a href="{link}">Bài liên quan</a><img src="{link}">',
        f'<link rel="canonical" href="{link}"><meta property="og:url" content="{link}">',
    )
    for kind in sorted(PARSERS):
        _only_our_error(kind, html, ARTICLE_URL)
    hint = page_url_hint(html)
    assert hint is None or (hint.startswith("http") and FORBIDDEN.search(hint) is None)


def test_an_unexpected_exception_becomes_a_parse_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # The boundary for the next unknown cause: one line naming the URL, exit code 4.
    def broken(*_args: object) -> None:
        raise KeyError("surprise")

    monkeypatch.setattr(parse_module, "parse_article_doc", broken)
    with pytest.raises(ParseError) as caught:
        parse_article(page_with(), ARTICLE_URL)
    assert caught.value.where == ARTICLE_URL
    assert caught.value.exit_code == 4
    assert "KeyError" in caught.value.cause


@PROPERTY
@given(hostile_document(), st.sampled_from(sorted(PARSERS)), st.sampled_from(URLS))
def test_hostile_documents_through_every_parser(html: str, kind: str, url: str) -> None:
    stats.EXAMPLES["hostile documents"] += 1
    _only_our_error(kind, html, url)


# -- odd response headers, through the fetcher and the CLI on a loopback server ------------------

_HEADER_NAMES = (
    "Content-Type",
    "Content-Encoding",
    "Location",
    "ETag",
    "Last-Modified",
    "Retry-After",
)
_HEADER_CHARS = st.sampled_from(
    HOSTILE_CHARS.replace("\r", "").replace("\n", "")
) | st.sampled_from("abcdefghijklmnopqrstuvwxyz/;=:.0123456789-")


@st.composite
def odd_answer(draw: st.DrawFn) -> tuple[int, dict[str, bytes]]:
    """A status and headers whose values hold controls, escapes, bidi and non-ASCII bytes."""
    status = draw(st.sampled_from((200, 301, 302, 304, 307, 404, 429, 500, 503)))
    names = draw(st.lists(st.sampled_from(_HEADER_NAMES), unique=True, max_size=4))
    headers = {}
    for name in names:
        value = draw(st.text(_HEADER_CHARS, max_size=40))
        if name == "Content-Type" and draw(st.booleans()):
            value = "text/html; " + value  # past the type check, into the charset
        headers[name] = value.encode("utf-8")
    return status, headers


def _raw(status: int, headers: dict[str, bytes], body: bytes) -> Callable[[socket.socket], None]:
    head = [f"HTTP/1.1 {status} Odd".encode(), b"Connection: close"]
    head += [name.encode() + b": " + value for name, value in headers.items()]
    head.append(f"Content-Length: {len(body)}".encode())
    data = b"\r\n".join(head) + b"\r\n\r\n" + body

    def behave(conn: socket.socket) -> None:
        conn.sendall(data)

    return behave


@pytest.fixture(scope="module")
def odd_server() -> Iterator[FaultServer]:
    with FaultServer(max_requests=100_000) as server:
        yield server


def _clean_message(text: str) -> bool:
    return FORBIDDEN.search(text) is None and not any(unicodedata.category(c) == "Cf" for c in text)


@PROPERTY
@given(odd_answer(), st.booleans())
def test_odd_headers_through_the_fetcher(
    odd_server: FaultServer, answer: tuple[int, dict[str, bytes]], revalidate: bool
) -> None:
    stats.EXAMPLES["odd headers"] += 1
    status, headers = answer
    odd_server.routes["/a/odd-123456"] = _raw(status, headers, PAGE)
    bad = '"\u00e9t\u00e9"'

    async def fetch() -> Response:
        site = Site.from_url(odd_server.url)
        async with Fetcher(site, retries=1, backoff=0.001, deadline=2.0, timeout=1.0) as f:
            if revalidate:
                return await f.get(ARTICLE_PATH_URL, etag=bad, last_modified=bad)
            return await f.get(ARTICLE_PATH_URL)

    try:
        response = asyncio.run(fetch())
    except FetchError as error:
        assert "\n" not in str(error)
        assert _clean_message(error.cause), repr(error.cause)
        return
    for value in (response.etag, response.last_modified):
        assert value is None or (value.isascii() and value.isprintable())


def test_a_non_ascii_etag_through_the_cli(tmp_path: Path) -> None:
    # Once stored, such an ETag made every later revalidation raise inside httpx.
    etag = '"\u00e9t\u00e9-1"'.encode()
    with FaultServer(
        {"/a/etag-123456": _raw(200, {"ETag": etag, "Content-Type": b"text/html"}, PAGE)}
    ) as s:
        cli = Cli(base_env(tmp_path))
        first = cli("--site", s.url, "read", "/a/etag-123456")
        again = cli("--site", s.url, "read", "/a/etag-123456", "--refresh")
        hits = s.count("/a/etag-123456")
    assert (first.code, again.code) == (0, 0), (first.err, again.err)
    assert again.err == ""
    assert hits == 2


@pytest.mark.parametrize(
    ("location", "said"),
    [
        # Controls httpx refuses in a URL: the redirect is refused, not retried.
        (b"http://evil.example/\x1b[2J\x1b]8;;http://x\x07", "redirected to an invalid URL"),
        # Bidi and C1 characters sent as UTF-8: the target is named, cleaned.
        (
            "http://evil.example/\u202egnp.exe\u0085\u2066x".encode(),
            "redirected off the site to http://evil.example/",
        ),
    ],
)
def test_an_odd_redirect_and_credentials_through_the_cli(
    tmp_path: Path, location: bytes, said: str
) -> None:
    with FaultServer({"/a/di-123456": _raw(302, {"Location": location}, b"")}) as s:
        origin = s.url.replace("http://", "http://someone:secret@")
        result = Cli(base_env(tmp_path))("--site", origin, "read", "/a/di-123456")
        hits = s.count("/a/di-123456")
    assert result.code == 3
    line = one_line(result)
    assert said in line
    assert _clean_message(line), repr(line)
    assert "secret" not in result.err + result.out
    assert hits == 1
