"""URLs of the site: the configured origin, canonical keys, and the shapes of pages.

tgreader works with *canonical* URLs everywhere (``https://tuyengiao.vn/<path>``): the parser
emits them, the store is keyed by them and the UI's history holds them. Only the fetcher
turns a canonical URL into one on the configured origin (a mirror, an archive, the demo
server), so a store filled through one origin stays valid through another.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

__all__ = [
    "CANONICAL_ORIGIN",
    "SITE_HOSTS",
    "SUCCESSOR_HOSTS",
    "PageKind",
    "Site",
    "article_id",
    "is_article_url",
    "page_kind",
    "page_number",
    "with_page",
]

CANONICAL_ORIGIN = "https://tuyengiao.vn"
SITE_HOSTS = frozenset({"tuyengiao.vn", "www.tuyengiao.vn"})
SUCCESSOR_HOSTS = frozenset({"tuyengiaodanvan.vn", "www.tuyengiaodanvan.vn"})

# Gen A/B articles end in -<digits>; Gen C paths end in -<12 or more hex chars>.
_ARTICLE_AB = re.compile(r"-\d{3,}/?$")
_ARTICLE_C = re.compile(r"-[0-9a-f]{12,}/?$", re.IGNORECASE)
_NOT_ARTICLE = re.compile(
    r"^/(_next|categories|login|dang-nhap|search|tim-kiem|api|Uploads|uploads)(/|$)"
    r"|/category/",
    re.IGNORECASE,
)
_ABSOLUTE = re.compile(r"https?://[^/?#\t\r\n]")  # a scheme and a host: urljoin keeps it whole
_MEDIA = re.compile(r"\.(jpe?g|png|gif|webp|svg|pdf|docx?|xlsx?|mp[34]|zip)(\?|$)", re.I)


# Characters a URL must not carry as they are: controls, white space, bidi controls and
# invisible characters. Shown in a terminal they could reorder or hide what is around them.
_URL_UNSAFE = re.compile(
    "[\x00-\x20\x7f-\xa0\xad\u034f\u061c\u115f\u1160\u1680\u180e\u2000-\u200f"
    "\u2028-\u202f\u205f-\u206f\u3000\u3164\ufeff\uffa0]"
)


def _percent(match: re.Match[str]) -> str:
    return quote(match.group(), safe="", errors="replace")


def _visible(url: str) -> str:
    """``url`` with unsafe characters percent-encoded, as a browser sends them anyway.

    The URL still names the same resource. One that is not NFC (combining marks) has all
    its non-ASCII characters encoded, so it never changes under normalisation.
    """
    url = _URL_UNSAFE.sub(_percent, url)
    if not unicodedata.is_normalized("NFC", url):
        url = re.sub(r"[^\x00-\x7f]", _percent, url)
    return url


@dataclass(frozen=True, slots=True)
class Site:
    """The origin tgreader fetches from, and the mapping between it and canonical URLs."""

    origin: str = CANONICAL_ORIGIN

    @classmethod
    def from_url(cls, url: str) -> Site:
        """A Site for ``url`` (scheme, host and port only)."""
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"not an http(s) site URL: {url!r}")
        return cls(f"{parts.scheme}://{parts.netloc}".lower())

    @property
    def is_canonical(self) -> bool:
        """True when the configured origin is the real site."""
        return urlsplit(self.origin).hostname in SITE_HOSTS

    def _is_site(self, netloc: str, host: str | None) -> bool:
        return host in SITE_HOSTS or netloc.lower() == urlsplit(self.origin).netloc

    def canonical(self, href: str, base: str | None = None) -> str | None:
        """Resolve ``href`` (against ``base``) to a canonical absolute URL.

        Links to the site's hosts or the configured origin become ``https://tuyengiao.vn``
        links; other hosts are kept. Returns None for anything that is not http(s)
        (``javascript:``, ``mailto:``, ``data:``, ``file:``) or is malformed.
        """
        href = href.strip()
        if not href or href.startswith("#"):
            return None
        try:
            # A link that is already absolute needs no joining (urljoin would only split it
            # and put it together again, the slowest part of a page's links and images).
            absolute = urljoin(base, href) if base and not _ABSOLUTE.match(href) else href
            parts = urlsplit(absolute)
            host = parts.hostname
        except ValueError:
            return None
        if parts.scheme.lower() not in ("http", "https") or not host:
            return None
        path = parts.path or "/"
        if self._is_site(parts.netloc, host):
            return _visible(urlunsplit(("https", "tuyengiao.vn", path, parts.query, "")))
        netloc = parts.netloc.lower()
        if host in SUCCESSOR_HOSTS:
            netloc = "tuyengiaodanvan.vn"
        return _visible(urlunsplit((parts.scheme.lower(), netloc, path, parts.query, "")))

    def fetch_url(self, url: str) -> str:
        """The URL to request for canonical ``url``: site links go to the configured origin."""
        parts = urlsplit(url)
        if parts.hostname in SITE_HOSTS:
            return urlunsplit((*urlsplit(self.origin)[:2], parts.path, parts.query, ""))
        return url

    def is_site_url(self, url: str) -> bool:
        """True for canonical URLs of the site or its successor (never fetched otherwise)."""
        host = urlsplit(url).hostname
        return host in SITE_HOSTS or host in SUCCESSOR_HOSTS

    def can_fetch(self, url: str) -> bool:
        """True when canonical ``url`` can be fetched through the configured origin.

        The site's own pages always can; the successor site's only when reading the real
        site (which may redirect there), never through a mirror or the demo server.
        """
        host = urlsplit(url).hostname
        if host in SITE_HOSTS:
            return True
        own = urlsplit(self.origin).hostname
        return host in SUCCESSOR_HOSTS and (self.is_canonical or own in SUCCESSOR_HOSTS)

    def section_url(self, slug_or_url: str) -> str:
        """A section given as a slug (``kinh-te``), a path, or a URL, as a canonical URL."""
        text = slug_or_url.strip()
        if "://" not in text:
            text = "/" + text.lstrip("/")
        resolved = self.canonical(text, CANONICAL_ORIGIN + "/")
        if resolved is None:
            raise ValueError(f"not a section: {slug_or_url!r}")
        return resolved

    @property
    def home_url(self) -> str:
        """The canonical home page."""
        return CANONICAL_ORIGIN + "/"


def is_article_url(url: str) -> bool:
    """True when ``url`` has the shape of an article of any generation."""
    parts = urlsplit(url)
    path = parts.path
    if _NOT_ARTICLE.search(path) or _MEDIA.search(path):
        return False
    if _ARTICLE_AB.search(path) or _ARTICLE_C.search(path):
        return True
    segments = [s for s in path.split("/") if s]
    if "/blogs/" in path:
        # /blogs/<title-slug>; placeholders such as /blogs/undefined are not articles.
        return len(segments) >= 2 and "-" in segments[-1]
    host = parts.hostname or ""
    if host in SUCCESSOR_HOSTS:
        # /vn/<slug> are list pages (/vn/van-ban, /vn/bao-ve-nen-tang-…) [verified]; deeper
        # paths under /vn/ are taken as articles, as a public crawler does [inferred].
        return len(segments) >= 3 and segments[0] == "vn"
    return False


def article_id(url: str) -> str | None:
    """The id at the end of an article path (digits for Gen A/B, hex for Gen C)."""
    path = urlsplit(url).path.rstrip("/")
    match = re.search(r"-(\d{3,}|[0-9a-f]{12,})$", path, re.IGNORECASE)
    return match.group(1) if match else None


def page_number(url: str) -> int:
    """The ``page`` query parameter, 1 when absent or malformed."""
    for key, value in parse_qsl(urlsplit(url).query):
        if key == "page":
            try:
                return max(1, int(value))
            except ValueError:
                return 1
    return 1


def with_page(url: str, page: int) -> str:
    """``url`` set to page ``page``; page 1 drops the parameter so both forms share one key."""
    parts = urlsplit(url)
    literal_amp = parts.query.startswith("&")  # Gen C writes ``?&categoryId=…``
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    if page > 1 or any(k == "size" for k, _ in query):
        query.append(("page", str(page)))
    encoded = urlencode(query)
    if literal_amp and encoded:
        encoded = "&" + encoded
    return urlunsplit((parts.scheme, parts.netloc, parts.path, encoded, ""))


PageKind = Literal["home", "listing", "article"]


def page_kind(url: str) -> PageKind:
    """What a canonical URL of the site holds, from its shape: home, article or listing."""
    if is_article_url(url):
        return "article"
    return "home" if urlsplit(url).path in ("", "/") else "listing"
