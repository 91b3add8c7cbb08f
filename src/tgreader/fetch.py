"""HTTP for tgreader: one shared client, retries, redirects checked hop by hop, size caps.

This is the only module that talks to the network. It takes canonical URLs, requests them
on the configured origin (``Site.fetch_url``) and reports the final URL canonically again.
Every failure it expects is a ``FetchError`` naming the URL requested from the network.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from types import TracebackType
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from tgreader import __version__
from tgreader.decode import Decoder, decode_html, detect_charset, looks_like_html
from tgreader.errors import FetchError
from tgreader.text import clean
from tgreader.urls import SITE_HOSTS, SUCCESSOR_HOSTS, Site

__all__ = [
    "IMAGE_HOSTS",
    "USER_AGENT",
    "Fetcher",
    "Response",
    "decode_html",
    "detect_charset",
    "parse_retry_after",
]

USER_AGENT = f"tgreader/{__version__} (+https://github.com/tgreader/tgreader)"

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Hosts that serve the site's photos; fetched only when reading the real site.
IMAGE_HOSTS = frozenset({"cdn.tuyengiao.vn"})
# The formats photos.downscale reads; an image host that negotiates then sends one of them.
_IMAGE_ACCEPT = {"Accept": "image/jpeg,image/png,image/webp,image/gif;q=0.9,*/*;q=0.1"}
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_WAIT = 30.0
# A validator is sent back to the server as it came: only short printable ASCII is kept
# (httpx cannot send a header with other characters, so one stored would make every later
# revalidation of the page fail).
_MAX_VALIDATOR = 1024
# What a message quotes from a response (a header, a URL) is cleaned and cut to this.
_MAX_SHOWN = 200
# A proxy from the environment must never see requests for the loopback demo server.
_LOOPBACK_MOUNTS: dict[str, httpx.AsyncBaseTransport | None] = {
    "all://127.0.0.1": None,
    "all://localhost": None,
    "all://[::1]": None,
}

# Tests replace this to observe the waits between tries without spending them.
_sleep = asyncio.sleep


@dataclass(frozen=True, slots=True)
class Response:
    """A page as fetched: 200 with its decoded text, or 304 (not modified) with no body."""

    url: str
    final_url: str
    status: int
    body: bytes
    text: str
    content_type: str | None
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class _Hop:
    """One answer in a redirect chain; ``body`` is only read for a 200."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes = b""


class _Retriable(Exception):
    """An attempt failed in a way another attempt may not: the cause, and a wait if asked."""

    def __init__(
        self,
        cause: str,
        *,
        status: int | None = None,
        wait: float | None = None,
        timed_out: bool = False,
    ):
        super().__init__(cause)
        self.cause = cause
        self.status = status
        self.wait = wait
        self.timed_out = timed_out


class _Clock:
    """The time one page (all its tries, waits and redirects) may take."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self._start = time.monotonic()

    def elapsed(self) -> float:
        """Seconds since the page was first asked for."""
        return time.monotonic() - self._start

    def left(self) -> float:
        """Seconds left before the deadline (negative once past it)."""
        return self.deadline - self.elapsed()


class Fetcher:
    """Fetches pages of one ``Site`` through one shared ``httpx.AsyncClient``."""

    def __init__(
        self,
        site: Site,
        *,
        timeout: float = 10.0,
        connect_timeout: float = 5.0,
        deadline: float = 30.0,
        max_bytes: int = 10_000_000,
        retries: int = 3,
        backoff: float = 0.5,
        max_redirects: int = 10,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.site = site
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.retries = max(0, retries)
        self.backoff = backoff
        self.max_redirects = max_redirects
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the shared client (a later ``get`` opens a new one)."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    def _new_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=self._transport,
            mounts=None if self._transport else _LOOPBACK_MOUNTS,
            timeout=httpx.Timeout(self.timeout, connect=self.connect_timeout),
            follow_redirects=False,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
                "Accept-Encoding": "gzip",
                "Accept-Language": "vi,en;q=0.5",
            },
        )

    def _get_client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = self._new_client()
        return self._client

    async def warm(self) -> None:
        """Create the HTTP client in a thread: loading the certificates takes tens of
        milliseconds, which would otherwise stall the event loop on the first request."""
        if self._client is None:
            client = await asyncio.to_thread(self._new_client)
            if self._client is None:
                self._client = client
            else:
                await client.aclose()

    async def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Response:
        """Fetch canonical ``url``, revalidating with ``etag``/``last_modified`` when given.

        Returns a 200 or a 304 ``Response``; raises ``FetchError`` for everything else,
        within ``deadline`` seconds, all tries, waits and redirects included.
        """
        try:
            return await self._get(url, _validator(etag), _validator(last_modified))
        except FetchError as error:
            if "@" not in error.where:
                raise
            # The configured origin may carry user:password@ (a private mirror): the URL
            # an error names is printed and shown, so it goes without them.
            where = _without_userinfo(error.where)
            raise FetchError(where, error.cause, status=error.status) from None
        except Exception as exc:
            # The boundary for the next unknown cause (the known ones are handled where
            # they arise): one line naming the URL, never a traceback.
            raise FetchError(url, f"unexpected failure ({type(exc).__name__})") from exc

    async def _get(self, url: str, etag: str | None, last_modified: str | None) -> Response:
        # The client first (loading certificates is local work, tens of ms, more on a busy
        # machine): the deadline is for the network.
        self._get_client()
        clock = _Clock(self.deadline)
        canonical = self.site.canonical(url) or url
        start = self.site.fetch_url(canonical)
        if urlsplit(start).scheme.lower() not in ("http", "https"):
            raise FetchError(start, "not an http(s) URL")
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified

        hop = await self._follow(start, headers, clock)
        final_url = self.site.canonical(hop.url) or hop.url
        if hop.status == 304:
            if not headers:
                raise FetchError(hop.url, "HTTP 304 Not Modified to an unconditional request")
            return Response(
                url=canonical,
                final_url=final_url,
                status=304,
                body=b"",
                text="",
                content_type=hop.headers.get("content-type"),
                etag=_validator(hop.headers.get("etag")) or etag,
                last_modified=_validator(hop.headers.get("last-modified")) or last_modified,
            )
        if hop.status != 200:
            raise FetchError(hop.url, f"unexpected {_status_text(hop.status)}", status=hop.status)
        content_type = hop.headers.get("content-type")
        return Response(
            url=canonical,
            final_url=final_url,
            status=200,
            body=hop.body,
            text=decode_html(hop.body, content_type),
            content_type=content_type,
            etag=_validator(hop.headers.get("etag")),
            last_modified=_validator(hop.headers.get("last-modified")),
        )

    async def _follow(self, start: str, headers: dict[str, str], clock: _Clock) -> _Hop:
        """The answer at the end of ``start``'s redirects, each hop checked to stay on the
        site, at most ``max_redirects`` of them."""
        current = start
        redirects = 0
        while True:
            # Validators go to every hop: the one that finally answers is the one that
            # issued them, and a redirecting hop ignores them.
            hop = await self._fetch_with_retries(current, headers, clock)
            if hop.status not in _REDIRECTS:
                return hop
            location = hop.headers.get("location")
            if not location:
                raise FetchError(current, f"HTTP {hop.status} redirect without a Location")
            target = self._redirect_target(current, location)
            if target is None:
                raise FetchError(
                    start, f"redirected off the site to {_shown(_absolute(current, location))}"
                )
            if redirects >= self.max_redirects:
                raise FetchError(start, "too many redirects")
            redirects += 1
            current = target

    def _redirect_target(self, current: str, location: str) -> str | None:
        """Where to go next for a redirect to ``location``, or None when it leaves the site."""
        try:
            parts = urlsplit(urljoin(current, location.strip()))
            host = parts.hostname
        except ValueError:
            return None
        if parts.scheme.lower() not in ("http", "https") or not host:
            return None
        target = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))
        if parts.netloc.lower() == urlsplit(self.site.origin).netloc.lower():
            return target
        if host in SITE_HOSTS and not self.site.is_canonical:
            # A mirror or the demo server pointing at the real site means "this page here":
            # stay on the configured origin rather than leave for the network.
            return self.site.fetch_url(self.site.canonical(target) or target)
        # The real site is followed literally: mapping its own www/non-www hop back onto
        # the configured origin would loop.
        if host in SITE_HOSTS or host in SUCCESSOR_HOSTS:
            return target
        return None

    async def _fetch_with_retries(
        self, url: str, headers: dict[str, str], clock: _Clock, image_cap: int | None = None
    ) -> _Hop:
        tries = self.retries + 1
        # Each try gets its share of the deadline, and one share is left for the waits
        # between them: a try that times out leaves time for the next.
        per_try = min(self.timeout, self.deadline / (tries + 1))
        for attempt in range(tries):
            budget = min(per_try, clock.left())
            if budget <= 0:
                raise FetchError(url, f"gave up after {_secs(clock.elapsed())} (the deadline)")
            try:
                return await self._attempt(url, headers, budget, image_cap)
            except _Retriable as failure:
                if attempt + 1 == tries:
                    raise FetchError(
                        url, _final_cause(failure, tries, clock), status=failure.status
                    ) from None
                wait = self._delay(attempt, failure.wait)
                if wait >= clock.left():
                    raise FetchError(
                        url, _past_deadline(failure, wait, clock), status=failure.status
                    ) from None
                await _sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _delay(self, attempt: int, wait: float | None) -> float:
        if wait is not None:
            return min(wait, _MAX_WAIT)
        # The backoff shrinks with a short deadline, so that the tries still fit in it.
        delay = min(self.backoff, self.deadline / 8) * 2.0**attempt
        # Jitter keeps several readers that failed together from retrying in lockstep.
        return min(delay + random.uniform(0, delay / 4), _MAX_WAIT)

    async def _attempt(
        self, url: str, headers: dict[str, str], budget: float, image_cap: int | None = None
    ) -> _Hop:
        """One request within ``budget`` seconds (of a photo, at most ``image_cap`` bytes,
        when that is given); raises ``_Retriable`` for failures worth another try."""
        client = self._get_client()
        timeout = httpx.Timeout(budget, connect=min(self.connect_timeout, budget))
        try:
            # httpx's timeouts are per operation; this bounds a server that trickles bytes.
            async with (
                asyncio.timeout(budget),
                client.stream("GET", url, headers=headers, timeout=timeout) as resp,
            ):
                return await self._answer(url, resp, image_cap)
        except httpx.ConnectTimeout:
            raise _Retriable("connection timed out", timed_out=True) from None
        except (httpx.TimeoutException, TimeoutError):
            raise _Retriable("timed out", timed_out=True) from None
        except httpx.RemoteProtocolError as exc:
            if "location header" in str(exc).lower():
                # httpx reads a redirect's target even when not following it; a Location
                # with controls in it is the server's answer, not a broken connection.
                raise FetchError(url, "redirected to an invalid URL") from None
            detail = _shown(str(exc) or type(exc).__name__)
            raise _Retriable(f"connection failed ({detail})") from None
        except httpx.TransportError as exc:
            detail = _shown(str(exc) or type(exc).__name__)
            raise _Retriable(f"connection failed ({detail})") from None
        except httpx.InvalidURL as exc:
            raise FetchError(url, f"invalid URL ({_shown(str(exc))})") from None

    async def _answer(self, url: str, resp: httpx.Response, image_cap: int | None = None) -> _Hop:
        """The hop for one response, its body read for a 200 (a photo's with its own
        checks when ``image_cap`` is given)."""
        status = resp.status_code
        if status == 429 or 500 <= status <= 599:
            wait = parse_retry_after(resp.headers.get("retry-after"))
            raise _Retriable(_status_text(status), status=status, wait=wait)
        if 400 <= status <= 599:
            raise FetchError(url, _status_text(status), status=status)
        if status != 200:
            return _Hop(url, status, resp.headers)
        content_type = resp.headers.get("content-type")
        mime = _mime(content_type) if content_type is not None else None
        if image_cap is None and mime is not None and mime not in _HTML_TYPES:
            raise FetchError(url, f"not an HTML page ({_shown(mime) or '?'})")
        try:
            if image_cap is not None:
                return _Hop(url, 200, resp.headers, await self._read_image(url, resp, image_cap))
            body = await self._read_body(url, resp)
        except httpx.TimeoutException:
            raise  # a timeout, told as such by the caller
        except httpx.TransportError as exc:
            detail = _shown(str(exc) or type(exc).__name__)
            raise _Retriable(f"connection lost while reading the body ({detail})") from None
        if not body:
            raise FetchError(url, "empty response")
        if content_type is None and not looks_like_html(body):
            raise FetchError(url, "not an HTML page (no content type)")
        return _Hop(url, 200, resp.headers, body)

    async def _read_image(self, url: str, resp: httpx.Response, cap: int) -> bytes:
        """A photo's body: its type must be an image, its size within ``cap``."""
        mime = _mime(resp.headers.get("content-type") or "")
        if not mime.startswith("image/"):
            raise FetchError(url, f"not an image ({_shown(mime) or 'no content type'})")
        body = await self._read_body(url, resp, cap)
        if not body:
            raise FetchError(url, "empty response")
        return body

    async def get_image(self, url: str, max_bytes: int) -> bytes:
        """The bytes of the photo at canonical ``url``, at most ``max_bytes``.

        Only the site's hosts and its image host are asked (the image host only when
        reading the real site; a mirror or the demo serves the same path itself).
        """
        start = self.image_url(url)
        if start is None:
            raise FetchError(url, "photo not on the site's hosts; not fetched")
        current = start
        clock = _Clock(self.deadline)
        for _ in range(self.max_redirects + 1):
            hop = await self._fetch_with_retries(current, _IMAGE_ACCEPT, clock, max_bytes)
            if hop.status == 200:
                return hop.body
            location = hop.headers.get("location")
            target = self._redirect_target(current, location) if location else None
            if hop.status not in _REDIRECTS or target is None:
                raise FetchError(current, f"unexpected {_status_text(hop.status)}")
            current = target
        raise FetchError(start, "too many redirects")

    def image_url(self, url: str) -> str | None:
        """Where to request the photo at canonical ``url``, or None when it is not fetched."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https"):
            return None
        if self.site.can_fetch(url):
            return self.site.fetch_url(url)
        if parts.hostname in IMAGE_HOSTS and self.site.is_canonical:
            return url
        if parts.hostname in IMAGE_HOSTS | SUCCESSOR_HOSTS and not self.site.is_canonical:
            return urlunsplit((*urlsplit(self.site.origin)[:2], parts.path, parts.query, ""))
        return None

    async def _read_body(self, url: str, resp: httpx.Response, cap: int | None = None) -> bytes:
        """Read the body, decoding it ourselves so the cap applies to the decoded size."""
        max_bytes = self.max_bytes if cap is None else cap
        too_large = FetchError(url, f"body larger than {_megabytes(max_bytes)}")
        length = resp.headers.get("content-length", "").strip()
        if length.isdigit() and int(length) > max_bytes:
            raise too_large
        if resp.is_stream_consumed:
            # A response built in memory (httpx.MockTransport) arrives read and decoded.
            if len(resp.content) > max_bytes:
                raise too_large
            return resp.content
        encoding = resp.headers.get("content-encoding")
        try:
            decoder = Decoder(encoding)
        except ValueError:
            raise FetchError(url, f"unsupported content encoding ({_shown(encoding)})") from None
        chunks: list[bytes] = []
        total = 0
        try:
            async for raw in resp.aiter_raw():
                for piece in decoder.feed(raw):
                    total += len(piece)
                    if total > max_bytes:
                        raise too_large
                    chunks.append(piece)
            for piece in decoder.finish():
                total += len(piece)
                if total > max_bytes:
                    raise too_large
                chunks.append(piece)
        except zlib.error as exc:
            raise FetchError(url, f"body could not be decompressed ({exc})") from None
        return b"".join(chunks)


def _validator(value: str | None) -> str | None:
    """An ETag or Last-Modified value that can be sent back as it is, else None."""
    if value and len(value) <= _MAX_VALIDATOR and value.isascii() and value.isprintable():
        return value
    return None


def _without_userinfo(url: str) -> str:
    """``url`` without the ``user:password@`` of its authority."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.rpartition("@")[2]
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _shown(text: str | None) -> str:
    """``text`` from a response, as a message may quote it: cleaned like page text (no
    escape sequences, controls or bidi characters) and cut short."""
    shown = clean(text)
    return shown if len(shown) <= _MAX_SHOWN else shown[: _MAX_SHOWN - 1] + "…"


def _secs(seconds: float) -> str:
    return f"{seconds:.1f} s"


def _final_cause(failure: _Retriable, tries: int, clock: _Clock) -> str:
    """The cause of the last failed try, with what it cost in all."""
    if failure.timed_out:
        spent = f"{failure.cause} after {_secs(clock.elapsed())}"
        return spent + (f" ({tries} tries)" if tries > 1 else "")
    if failure.status is not None and tries > 1:
        return f"{failure.cause} after {tries} tries"
    return failure.cause


def _past_deadline(failure: _Retriable, wait: float, clock: _Clock) -> str:
    """The cause of a failure not retried because the wait would pass the deadline."""
    asked = "the server asked to wait" if failure.wait is not None else "the next try was due in"
    return (
        f"{failure.cause}; {asked} {wait:g} s, past the deadline "
        f"({clock.deadline:g} s; gave up after {_secs(clock.elapsed())})"
    )


def _absolute(base: str, href: str) -> str:
    try:
        return urljoin(base, href.strip())
    except ValueError:
        return href


def _status_text(status: int) -> str:
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def _megabytes(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000} MB"
    return f"{size} bytes"


def _mime(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (seconds or an HTTP date), or None."""
    if value is None:
        return None
    text = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())
