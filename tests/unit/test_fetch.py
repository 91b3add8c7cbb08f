"""Unit tests of fetch.py: charset and Retry-After as pure functions, the Fetcher on a mock."""

from __future__ import annotations

import gzip
import re
import unicodedata
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tgreader import __version__, fetch
from tgreader.errors import FetchError
from tgreader.fetch import (
    Fetcher,
    decode_html,
    detect_charset,
    parse_retry_after,
)
from tgreader.urls import Site

PAGE = b"<!DOCTYPE html><html><head><title>t</title></head><body>ok</body></html>"
HTML = {"Content-Type": "text/html; charset=utf-8"}
REAL = Site()
MIRROR = Site.from_url("http://mirror.test:8080")

Handler = Callable[[httpx.Request], httpx.Response]

# -- charset ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b"<html>", "text/html; charset=UTF-8", "utf-8"),
        (b"<html>", 'text/html; charset="windows-1258"', "cp1258"),
        (b'<meta charset="windows-1258"><p>x', "text/html", "cp1258"),
        (b"<meta charset=utf-8>", None, "utf-8"),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">',
            None,
            "cp1258",
        ),
        # The header wins over the page's own claim.
        (b'<meta charset="windows-1258">', "text/html; charset=utf-8", "utf-8"),
        # A byte order mark wins over everything.
        (b"\xef\xbb\xbf<meta charset=windows-1258>", "text/html; charset=cp1258", "utf-8"),
        (b"\xff\xfe<\x00h\x00", "text/html; charset=utf-8", "utf-16-le"),
        (b"\xfe\xff\x00<\x00h", None, "utf-16-be"),
        # Browsers read latin-1 and ASCII labels as windows-1252.
        (b"<html>", "text/html; charset=ISO-8859-1", "cp1252"),
        (b'<meta charset="us-ascii">', None, "cp1252"),
        # Unknown names are skipped: on to the meta, then UTF-8.
        (b'<meta charset="windows-1258">', "text/html; charset=klingon", "cp1258"),
        (b'<meta charset="klingon">', "text/html; charset=nope", "utf-8"),
        # Codecs that are not text encodings are not charsets.
        (b"<html>", "text/html; charset=base64", "utf-8"),
        (b'<meta charset="rot13">', None, "utf-8"),
        # ASCII-compatible bytes claiming UTF-16 are UTF-8 (WHATWG).
        (b'<meta charset="utf-16">', None, "utf-8"),
        (b"<html>", None, "utf-8"),
        (b"", None, "utf-8"),
    ],
)
def test_detect_charset(body: bytes, content_type: str | None, expected: str) -> None:
    assert detect_charset(body, content_type) == expected


def test_meta_charset_is_only_looked_for_in_the_first_2_kb() -> None:
    body = b"<html><!--" + b"x" * 2100 + b'--><meta charset="windows-1258">'
    assert detect_charset(body, None) == "utf-8"


def test_decode_windows_1258_page_with_combining_tone_marks() -> None:
    # windows-1258 writes "ệ" as "ê" plus a combining dot below; NFC comes later (parser).
    body = b"<p>Ti\xea\xecng Vi\xea\xf2t</p>"  # ê + U+0301, ê + U+0323
    decoded = decode_html(body, "text/html; charset=windows-1258")
    assert decoded == "<p>Tiê\u0301ng Viê\u0323t</p>"
    assert unicodedata.normalize("NFC", decoded) == "<p>Tiếng Việt</p>"


def test_decode_drops_bom_and_replaces_bad_bytes() -> None:
    assert decode_html(b"\xef\xbb\xbf<p>\xc3\xa9</p>") == "<p>é</p>"
    assert decode_html(b"\xff\xfe" + "<p>é</p>".encode("utf-16-le")) == "<p>é</p>"
    assert decode_html(b"<p>caf\xe9</p>") == "<p>caf\ufffd</p>"
    assert decode_html(b'<meta charset="latin1"><p>caf\xe9 \x93q\x94') == (
        '<meta charset="latin1"><p>café “q”'
    )


# -- Retry-After --------------------------------------------------------------------------

NOW = datetime(2024, 4, 21, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", 5.0),
        (" 120 ", 120.0),
        ("0", 0.0),
        ("0.25", 0.25),
        ("Sun, 21 Apr 2024 12:00:30 GMT", 30.0),
        ("Sun, 21 Apr 2024 11:00:00 GMT", 0.0),  # in the past: no wait
        ("-3", None),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


# -- the Fetcher on a mock transport -------------------------------------------------------


class Recorder:
    """Answers with ``handler`` and keeps every request, to count tries and read headers."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits between tries, recorded instead of spent."""
    waits: list[float] = []

    async def fake_sleep(delay: float) -> None:
        waits.append(delay)

    monkeypatch.setattr(fetch, "_sleep", fake_sleep)
    return waits


Make = Callable[..., tuple[Fetcher, Recorder]]


@pytest.fixture
async def fetcher() -> AsyncIterator[Make]:
    """Makes Fetchers whose network is a handler, with the recorder of what each was asked."""
    made: list[Fetcher] = []

    def make(handler: Handler, site: Site = REAL, **options: Any) -> tuple[Fetcher, Recorder]:
        recorder = Recorder(handler)
        made.append(Fetcher(site, transport=httpx.MockTransport(recorder), **options))
        return made[-1], recorder

    yield make
    for f in made:
        await f.aclose()


def ok(request: httpx.Request) -> httpx.Response:
    """A page built in memory (httpx reads and decodes it in advance)."""
    return httpx.Response(200, headers=HTML, content=PAGE)


def streamed(body: bytes, headers: dict[str, str]) -> httpx.Response:
    """A 200 whose body arrives as a stream, as from a real server."""

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 4096):
            yield body[start : start + 4096]

    return httpx.Response(200, headers=headers, content=chunks())


async def test_get_returns_page_and_sends_identifying_headers(fetcher: Make) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={**HTML, "ETag": '"v1"', "Last-Modified": "Sun, 21 Apr 2024"}, content=PAGE
        )

    f, rec = fetcher(handler)
    async with f:
        response = await f.get("https://tuyengiao.vn/kinh-te")
    assert response.status == 200
    assert response.url == response.final_url == "https://tuyengiao.vn/kinh-te"
    assert response.body == PAGE
    assert response.text == PAGE.decode()
    assert response.content_type == "text/html; charset=utf-8"
    assert (response.etag, response.last_modified) == ('"v1"', "Sun, 21 Apr 2024")
    sent = rec.requests[0].headers
    assert sent["User-Agent"] == f"tgreader/{__version__} (+https://github.com/tgreader/tgreader)"
    assert sent["Accept-Encoding"] == "gzip"
    assert "If-None-Match" not in sent
    assert "If-Modified-Since" not in sent


async def test_canonical_url_is_requested_on_the_configured_origin(fetcher: Make) -> None:
    f, rec = fetcher(ok, MIRROR)
    async with f:
        response = await f.get("https://tuyengiao.vn/kinh-te?page=2")
    assert str(rec.requests[0].url) == "http://mirror.test:8080/kinh-te?page=2"
    assert response.final_url == "https://tuyengiao.vn/kinh-te?page=2"


async def test_one_client_is_shared_and_closed(fetcher: Make) -> None:
    f, _ = fetcher(ok)
    await f.get("https://tuyengiao.vn/a")
    client = f._client
    await f.get("https://tuyengiao.vn/b")
    assert f._client is client is not None
    await f.aclose()
    assert client.is_closed
    assert f._client is None
    await f.aclose()  # twice is fine


async def test_5xx_is_retried_with_exponential_backoff(fetcher: Make, sleeps: list[float]) -> None:
    f, rec = fetcher(lambda r: httpx.Response(503), retries=3, backoff=0.1)
    with pytest.raises(FetchError) as caught:
        await f.get("https://tuyengiao.vn/x")
    assert len(rec.requests) == 4
    assert str(caught.value) == (
        "https://tuyengiao.vn/x: HTTP 503 Service Unavailable after 4 tries"
    )
    assert caught.value.status == 503
    assert len(sleeps) == 3
    for wait, base in zip(sleeps, (0.1, 0.2, 0.4), strict=True):
        assert base <= wait <= base * 1.25  # a little jitter on top


async def test_retry_then_success(fetcher: Make, sleeps: list[float]) -> None:
    answers = iter([httpx.Response(500), httpx.Response(502), ok(httpx.Request("GET", "/"))])
    f, rec = fetcher(lambda r: next(answers), retries=3, backoff=0.01)
    response = await f.get("https://tuyengiao.vn/x")
    assert response.status == 200
    assert len(rec.requests) == 3


@pytest.mark.parametrize("status", [400, 403, 404, 410])
async def test_other_4xx_is_not_retried(fetcher: Make, status: int, sleeps: list[float]) -> None:
    f, rec = fetcher(lambda r: httpx.Response(status), retries=3)
    with pytest.raises(FetchError) as caught:
        await f.get("https://tuyengiao.vn/x")
    assert len(rec.requests) == 1
    assert caught.value.status == status
    assert sleeps == []


async def test_404_message_names_the_url_requested(fetcher: Make) -> None:
    f, _ = fetcher(lambda r: httpx.Response(404), MIRROR)
    with pytest.raises(FetchError) as caught:
        await f.get("https://tuyengiao.vn/x")
    assert str(caught.value) == "http://mirror.test:8080/x: HTTP 404 Not Found"
    assert caught.value.where == "http://mirror.test:8080/x"
    assert caught.value.exit_code == 3


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [("0", 0.0), ("2", 2.0), ("3600", 30.0)],  # honoured, capped at 30 s
)
async def test_429_honours_retry_after(
    fetcher: Make, retry_after: str, expected: float, sleeps: list[float]
) -> None:
    answers = iter([httpx.Response(429, headers={"Retry-After": retry_after})])
    f, _ = fetcher(lambda r: next(answers, None) or ok(r), backoff=5.0, deadline=100.0)
    response = await f.get("https://tuyengiao.vn/x")
    assert response.status == 200
    assert sleeps == [expected]


async def test_a_wait_past_the_deadline_is_not_waited(fetcher: Make, sleeps: list[float]) -> None:
    # The page's deadline (30 s by default) covers the waits too: a Retry-After that would
    # pass it ends the page at once, saying so, instead of sleeping then failing anyway.
    f, rec = fetcher(lambda r: httpx.Response(503, headers={"Retry-After": "3600"}))
    with pytest.raises(FetchError) as caught:
        await f.get("https://tuyengiao.vn/x")
    assert sleeps == []
    assert len(rec.requests) == 1
    assert re.fullmatch(
        r"HTTP 503 Service Unavailable; the server asked to wait 30 s, past the deadline "
        r"\(30 s; gave up after \d+\.\d s\)",
        caught.value.cause,
    )
    assert caught.value.status == 503


async def test_the_backoff_fits_a_short_deadline(fetcher: Make, sleeps: list[float]) -> None:
    f, rec = fetcher(lambda r: httpx.Response(500), retries=3, deadline=0.8)
    with pytest.raises(FetchError) as caught:
        await f.get("https://tuyengiao.vn/x")
    assert len(rec.requests) == 4
    assert caught.value.cause == "HTTP 500 Internal Server Error after 4 tries"
    # Waits of an eighth of the deadline, doubling (plus up to a quarter of jitter),
    # instead of 0.5, 1 and 2 s.
    assert len(sleeps) == 3
    for wait, base in zip(sleeps, (0.1, 0.2, 0.4), strict=True):
        assert base <= wait <= base * 1.25


async def test_retry_after_tiny_value_really_waits(fetcher: Make) -> None:
    answers = iter([httpx.Response(503, headers={"Retry-After": "0"})])
    f, rec = fetcher(lambda r: next(answers, None) or ok(r), backoff=60.0)
    response = await f.get("https://tuyengiao.vn/x")  # would take a minute without it
    assert response.status == 200
    assert len(rec.requests) == 2


@pytest.mark.parametrize(
    ("error", "cause"),
    [
        (httpx.ConnectError("refused"), "connection failed (refused)"),
        (httpx.ReadTimeout("slow"), r"timed out after \d+\.\d s \(3 tries\)"),
        (httpx.ConnectTimeout("slow"), r"connection timed out after \d+\.\d s \(3 tries\)"),
        (httpx.RemoteProtocolError(""), "connection failed (RemoteProtocolError)"),
    ],
)
async def test_transport_errors_are_retried_then_reported(
    fetcher: Make, error: Exception, cause: str, sleeps: list[float]
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    f, rec = fetcher(handler, retries=2)
    with pytest.raises(FetchError) as caught:
        await f.get("https://tuyengiao.vn/x")
    assert len(rec.requests) == 3
    assert caught.value.where == "https://tuyengiao.vn/x"
    assert re.fullmatch(
        cause.replace("(refused)", r"\(refused\)").replace(
            "(RemoteProtocolError)", r"\(RemoteProtocolError\)"
        ),
        caught.value.cause,
    )
    assert caught.value.status is None


async def test_error_mid_body_is_a_fetch_error_not_a_short_page(
    fetcher: Make, sleeps: list[float]
) -> None:
    async def broken() -> AsyncIterator[bytes]:
        yield b"<html><body>first half"
        raise httpx.ReadError("connection reset by peer")

    f, rec = fetcher(lambda r: httpx.Response(200, headers=HTML, content=broken()), retries=1)
    with pytest.raises(FetchError) as caught:
        await f.get("https://tuyengiao.vn/x")
    assert caught.value.cause == (
        "connection lost while reading the body (connection reset by peer)"
    )
    assert len(rec.requests) == 2


async def test_content_length_over_the_cap_is_refused_before_reading(fetcher: Make) -> None:
    f, _ = fetcher(
        lambda r: httpx.Response(200, headers={**HTML, "Content-Length": "20000000"}, content=b"x")
    )
    with pytest.raises(FetchError) as caught:
        await f.get("https://tuyengiao.vn/x")
    assert caught.value.cause == "body larger than 10 MB"


async def test_streamed_body_over_the_cap_is_refused(fetcher: Make) -> None:
    async def endless() -> AsyncIterator[bytes]:
        for _ in range(100):
            yield b"<p>" + b"x" * 1000

    f, _ = fetcher(lambda r: httpx.Response(200, headers=HTML, content=endless()), max_bytes=50_000)
    with pytest.raises(FetchError) as caught:
        await f.get("https://tuyengiao.vn/x")
    assert caught.value.cause == "body larger than 50000 bytes"


async def test_gzip_body_is_decoded_and_a_gzip_bomb_refused(fetcher: Make) -> None:
    small = gzip.compress(PAGE)
    bomb = gzip.compress(b"<html>" + b" " * 5_000_000)
    assert len(bomb) < 10_000

    def handler(request: httpx.Request) -> httpx.Response:
        body = bomb if request.url.path == "/bomb" else small
        return streamed(body, {**HTML, "Content-Encoding": "gzip"})

    f, _ = fetcher(handler, max_bytes=1_000_000)
    assert (await f.get("https://tuyengiao.vn/page")).body == PAGE
    with pytest.raises(FetchError) as caught:
        await f.get("https://tuyengiao.vn/bomb")
    assert caught.value.cause == "body larger than 1 MB"


async def test_truncated_gzip_and_unknown_encoding_are_refused(fetcher: Make) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/cut":
            body = gzip.compress(PAGE * 50)[:-30]
            return streamed(body, {**HTML, "Content-Encoding": "gzip"})
        return streamed(b"??", {**HTML, "Content-Encoding": "br"})

    f, _ = fetcher(handler)
    with pytest.raises(FetchError, match="could not be decompressed"):
        await f.get("https://tuyengiao.vn/cut")
    with pytest.raises(FetchError, match=r"unsupported content encoding \(br\)"):
        await f.get("https://tuyengiao.vn/br")


@pytest.mark.parametrize(
    ("content_type", "body", "cause"),
    [
        ("application/pdf", b"%PDF-1.4", "not an HTML page (application/pdf)"),
        ("image/jpeg", b"\xff\xd8", "not an HTML page (image/jpeg)"),
        ("application/json; charset=utf-8", b"{}", "not an HTML page (application/json)"),
        (None, b"%PDF-1.4", "not an HTML page (no content type)"),
    ],
)
async def test_non_html_is_refused(
    fetcher: Make, content_type: str | None, body: bytes, cause: str
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    f, rec = fetcher(lambda r: httpx.Response(200, headers=headers, content=body))
    with pytest.raises(FetchError) as caught:
        await f.get("https://tuyengiao.vn/file")
    assert caught.value.cause == cause
    assert len(rec.requests) == 1


@pytest.mark.parametrize("content_type", [None, "application/xhtml+xml", "TEXT/HTML"])
async def test_html_without_or_with_other_html_types_is_accepted(
    fetcher: Make,
    content_type: str | None,
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    f, _ = fetcher(lambda r: httpx.Response(200, headers=headers, content=b"\n  " + PAGE))
    assert (await f.get("https://tuyengiao.vn/x")).status == 200


async def test_empty_200_is_refused(fetcher: Make) -> None:
    f, _ = fetcher(lambda r: httpx.Response(200, headers=HTML, content=b""))
    with pytest.raises(FetchError) as caught:
        await f.get("https://tuyengiao.vn/x")
    assert caught.value.cause == "empty response"


def redirects(routes: dict[str, str], status: int = 301) -> Handler:
    """Redirect each path in ``routes`` to its Location; serve a page elsewhere."""

    def handler(request: httpx.Request) -> httpx.Response:
        location = routes.get(request.url.path)
        if location is not None:
            return httpx.Response(status, headers={"Location": location})
        return ok(request)

    return handler


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_redirect_is_followed_and_final_url_canonical(fetcher: Make, status: int) -> None:
    f, rec = fetcher(redirects({"/old": "/new", "/new": "http://www.tuyengiao.vn/newer"}, status))
    response = await f.get("https://tuyengiao.vn/old")
    assert response.url == "https://tuyengiao.vn/old"
    assert response.final_url == "https://tuyengiao.vn/newer"
    assert [str(r.url) for r in rec.requests] == [
        "https://tuyengiao.vn/old",
        "https://tuyengiao.vn/new",
        "http://www.tuyengiao.vn/newer",
    ]


async def test_real_site_host_redirects_are_followed_as_given(fetcher: Make) -> None:
    # Were www. folded back onto the configured origin, this would loop.
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "tuyengiao.vn":
            return httpx.Response(
                301, headers={"Location": f"https://www.tuyengiao.vn{request.url.path}"}
            )
        return ok(request)

    f, rec = fetcher(handler)
    response = await f.get("https://tuyengiao.vn/x")
    assert response.final_url == "https://tuyengiao.vn/x"
    assert [str(r.url) for r in rec.requests] == [
        "https://tuyengiao.vn/x",
        "https://www.tuyengiao.vn/x",
    ]


async def test_redirect_to_the_successor_site_is_followed(fetcher: Make) -> None:
    f, rec = fetcher(redirects({"/": "https://www.tuyengiaodanvan.vn/vn"}))
    response = await f.get("https://tuyengiao.vn/")
    assert response.final_url == "https://tuyengiaodanvan.vn/vn"
    assert str(rec.requests[-1].url) == "https://www.tuyengiaodanvan.vn/vn"


async def test_mirror_redirect_to_the_real_site_stays_on_the_mirror(fetcher: Make) -> None:
    f, rec = fetcher(redirects({"/old": "https://tuyengiao.vn/new?page=2"}), MIRROR)
    response = await f.get("https://tuyengiao.vn/old")
    assert str(rec.requests[-1].url) == "http://mirror.test:8080/new?page=2"
    assert response.final_url == "https://tuyengiao.vn/new?page=2"


@pytest.mark.parametrize(
    "location",
    ["https://evil.example/x", "//evil.example/x", "ftp://tuyengiao.vn/x", "file:///etc/passwd"],
)
async def test_redirect_off_the_site_is_refused(fetcher: Make, location: str) -> None:
    f, rec = fetcher(redirects({"/x": location}))
    with pytest.raises(FetchError) as caught:
        await f.get("https://tuyengiao.vn/x")
    assert caught.value.where == "https://tuyengiao.vn/x"
    assert caught.value.cause.startswith("redirected off the site to ")
    assert len(rec.requests) == 1


async def test_off_site_message_names_the_target(fetcher: Make) -> None:
    f, _ = fetcher(redirects({"/x": "https://evil.example/y?z=1"}))
    with pytest.raises(FetchError) as caught:
        await f.get("https://tuyengiao.vn/x")
    assert caught.value.cause == "redirected off the site to https://evil.example/y?z=1"


async def test_redirect_loop_and_long_chains_stop(fetcher: Make) -> None:
    f, rec = fetcher(redirects({"/a": "/b", "/b": "/a"}), max_redirects=5)
    with pytest.raises(FetchError) as caught:
        await f.get("https://tuyengiao.vn/a")
    assert caught.value.cause == "too many redirects"
    assert len(rec.requests) == 6  # the request and five redirects

    chain = {f"/{i}": f"/{i + 1}" for i in range(3)}
    f, rec = fetcher(redirects(chain), max_redirects=3)
    assert (await f.get("https://tuyengiao.vn/0")).final_url == "https://tuyengiao.vn/3"


async def test_redirect_without_location_is_an_error(fetcher: Make) -> None:
    f, _ = fetcher(lambda r: httpx.Response(302))
    with pytest.raises(FetchError, match="redirect without a Location"):
        await f.get("https://tuyengiao.vn/x")


async def test_conditional_headers_are_sent_and_304_is_not_retried(
    fetcher: Make, sleeps: list[float]
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["If-None-Match"] == '"v1"'
        assert request.headers["If-Modified-Since"] == "Sun, 21 Apr 2024 06:57:09 GMT"
        return httpx.Response(304, headers={"ETag": '"v1"'})

    f, rec = fetcher(handler)
    response = await f.get(
        "https://tuyengiao.vn/x", etag='"v1"', last_modified="Sun, 21 Apr 2024 06:57:09 GMT"
    )
    assert response.status == 304
    assert (response.body, response.text) == (b"", "")
    assert response.etag == '"v1"'
    assert response.last_modified == "Sun, 21 Apr 2024 06:57:09 GMT"  # kept from the request
    assert len(rec.requests) == 1
    assert sleeps == []


async def test_conditional_headers_follow_redirects(fetcher: Make) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(301, headers={"Location": "/new"})
        assert request.headers["If-None-Match"] == '"v2"'
        return httpx.Response(304)

    f, _ = fetcher(handler)
    response = await f.get("https://tuyengiao.vn/old", etag='"v2"')
    assert (response.status, response.final_url) == (304, "https://tuyengiao.vn/new")


async def test_304_without_a_conditional_request_is_an_error(fetcher: Make) -> None:
    f, _ = fetcher(lambda r: httpx.Response(304))
    with pytest.raises(FetchError, match="304"):
        await f.get("https://tuyengiao.vn/x")


async def test_other_statuses_are_errors(fetcher: Make) -> None:
    f, _ = fetcher(lambda r: httpx.Response(204))
    with pytest.raises(FetchError) as caught:
        await f.get("https://tuyengiao.vn/x")
    assert caught.value.cause == "unexpected HTTP 204 No Content"


@pytest.mark.parametrize(
    "bad",
    ['W/"\u00e9t\u00e9"', '"a\x1bb"', '"' + "x" * 2000 + '"', '"tab\there"'],
)
async def test_a_validator_that_cannot_be_sent_back_is_never_kept_nor_sent(
    fetcher: Make, bad: str
) -> None:
    # An ETag stored with UTF-8 bytes made every later revalidation raise inside httpx,
    # until the cache was cleared: such a value is dropped on the way in, and one stored
    # before is not sent (the page is fetched whole instead).
    raw = bad.encode("utf-8").decode("latin-1")
    f, rec = fetcher(
        lambda r: httpx.Response(
            200,
            headers=[
                (b"Content-Type", b"text/html"),
                (b"ETag", raw.encode("latin-1")),
                (b"Last-Modified", raw.encode("latin-1")),
            ],
            content=PAGE,
        )
    )
    response = await f.get("https://tuyengiao.vn/x", etag=bad, last_modified=bad)
    assert response.status == 200
    assert (response.etag, response.last_modified) == (None, None)
    assert "if-none-match" not in rec.requests[0].headers
    assert "if-modified-since" not in rec.requests[0].headers


async def test_a_good_validator_is_kept_and_sent(fetcher: Make) -> None:
    f, rec = fetcher(
        lambda r: httpx.Response(200, headers={**HTML, "ETag": 'W/"v1"'}, content=PAGE)
    )
    response = await f.get("https://tuyengiao.vn/x", etag='W/"v0"')
    assert response.etag == 'W/"v1"'
    assert rec.requests[0].headers["if-none-match"] == 'W/"v0"'


async def test_an_unexpected_exception_becomes_a_fetch_error(fetcher: Make) -> None:
    # The boundary for the next unknown cause: one line naming the URL, exit code 3.
    def handler(request: httpx.Request) -> httpx.Response:
        raise LookupError("surprise")

    f, _ = fetcher(handler)
    with pytest.raises(FetchError) as caught:
        await f.get("https://tuyengiao.vn/x")
    assert caught.value.where == "https://tuyengiao.vn/x"
    assert caught.value.cause == "unexpected failure (LookupError)"
    assert caught.value.exit_code == 3


@pytest.mark.parametrize(
    ("headers", "cause"),
    [
        ({"Content-Type": "text/\x1b]52;c;ZXZpbA==\x07pl\u202eain"}, "not an HTML page (text/]52)"),
        ({**HTML, "Content-Encoding": "br\x9b31m\u2066"}, "unsupported content encoding (br31m)"),
    ],
)
async def test_messages_quote_headers_cleaned(
    fetcher: Make, headers: dict[str, str], cause: str
) -> None:
    encoded = [(k.encode(), v.encode("utf-8")) for k, v in headers.items()]

    async def chunks() -> AsyncIterator[bytes]:
        yield PAGE

    f, _ = fetcher(lambda r: httpx.Response(200, headers=encoded, content=chunks()))
    with pytest.raises(FetchError) as caught:
        await f.get("https://tuyengiao.vn/x")
    assert caught.value.cause == cause


async def test_errors_never_name_the_origins_credentials(fetcher: Make) -> None:
    site = Site.from_url("http://someone:secret@mirror.test:8080")
    f, rec = fetcher(lambda r: httpx.Response(404), site)
    with pytest.raises(FetchError) as caught:
        await f.get("https://tuyengiao.vn/x")
    assert str(caught.value) == "http://mirror.test:8080/x: HTTP 404 Not Found"
    assert "authorization" in rec.requests[0].headers  # the credentials were still used
