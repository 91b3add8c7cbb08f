"""Canonical URLs and URL shapes."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tgreader.urls import (
    SUCCESSOR_HOSTS,
    Site,
    _visible,
    article_id,
    is_article_url,
    page_number,
    with_page,
)

MIRROR = Site.from_url("http://127.0.0.1:8123")


def test_site_links_become_canonical() -> None:
    assert MIRROR.canonical("/kinh-te/a-b-123", "http://127.0.0.1:8123/") == (
        "https://tuyengiao.vn/kinh-te/a-b-123"
    )
    assert MIRROR.canonical("http://www.tuyengiao.vn/x?page=2") == "https://tuyengiao.vn/x?page=2"
    assert MIRROR.canonical("https://www.tuyengiaodanvan.vn/vn") == "https://tuyengiaodanvan.vn/vn"


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "mailto:a@b", "#top"]
)
def test_only_http_links_are_kept(href: str) -> None:
    assert MIRROR.canonical(href, "https://tuyengiao.vn/") is None


def test_fetch_url_goes_to_the_configured_origin() -> None:
    assert MIRROR.fetch_url("https://tuyengiao.vn/a?page=2") == "http://127.0.0.1:8123/a?page=2"
    assert MIRROR.fetch_url("https://tuyengiaodanvan.vn/vn") == "https://tuyengiaodanvan.vn/vn"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://tuyengiao.vn/bao-ve-nen-tang-tu-tuong-cua-dang/tu-do-internet-113371", True),
        ("https://tuyengiao.vn/nhip-cau-tuyen-giao/tuyen-giao-cac-cap/bac-kan-150123", True),
        ("https://tuyengiao.vn/bac-kan-hoi-nghi-150123", True),
        ("https://tuyengiaodanvan.vn/blogs/bai-viet-67f4d26a60777e499c87d25f", True),
        ("https://tuyengiao.vn/kinh-te", False),
        ("https://tuyengiao.vn/kinh-te?page=2", False),
        ("https://tuyengiao.vn/Uploads/2023/8/15/12/anh-2023.jpg", False),
        ("https://tuyengiaodanvan.vn/blogs/category/type/tin-tuc-su-kien?&page=1", False),
        ("https://tuyengiaodanvan.vn/vn/van-ban", False),
    ],
)
def test_article_shapes(url: str, expected: bool) -> None:
    assert is_article_url(url) is expected


def test_article_id() -> None:
    assert article_id("https://tuyengiao.vn/a/tu-do-113371") == "113371"


def test_page_one_is_the_bare_url() -> None:
    assert with_page("https://tuyengiao.vn/kinh-te?page=1", 1) == "https://tuyengiao.vn/kinh-te"
    assert with_page("https://tuyengiao.vn/kinh-te", 3) == "https://tuyengiao.vn/kinh-te?page=3"
    assert page_number("https://tuyengiao.vn/kinh-te?page=x") == 1
    c = "https://tuyengiaodanvan.vn/blogs/category/type/t?&categoryId=ab&page=1&size=10"
    assert with_page(c, 2) == (
        "https://tuyengiaodanvan.vn/blogs/category/type/t?&categoryId=ab&size=10&page=2"
    )


def test_only_the_configured_origin_is_fetched() -> None:
    successor = "https://tuyengiaodanvan.vn/blogs/bai-viet-6805b7a19b2e41c07d3f0a12"
    assert Site().can_fetch(successor)  # the real site may redirect there
    assert not MIRROR.can_fetch(successor)  # a mirror or the demo cannot serve it
    assert MIRROR.can_fetch("https://tuyengiao.vn/kinh-te/a-123")
    assert not MIRROR.can_fetch("https://example.com/a-123")


_HREF_PARTS = st.sampled_from(
    [
        "https://", "http://", "HTTPS://", "HTTP://", "//", "/", "./", "../", "tuyengiao.vn",
        "www.tuyengiao.vn", "127.0.0.1:8123", "[::1]", "[::1", "a", "b.html", "%20", " ", "\t",
        "\n", "?", "?q=1&p=2", "#x", ";p", "@", ":", "//x", "/./", "/../", "Đảng",
        "tuyengiaodanvan.vn", "javascript:", "mailto:",
    ]
)  # fmt: skip


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(
    href=st.lists(_HREF_PARTS, min_size=1, max_size=7).map("".join),
    base=st.sampled_from(
        ["https://tuyengiao.vn/thoi-su/", "http://127.0.0.1:8123/a/b", "https://x.org", None]
    ),
)
def test_an_absolute_link_resolves_as_urljoin_would(href: str, base: str | None) -> None:
    # canonical() skips urljoin for links that are already absolute: the same answer as
    # joining every link first (as it did), whatever the link.
    def joined_first(href: str, base: str | None) -> str | None:  # as canonical() was
        href = href.strip()
        if not href or href.startswith("#"):
            return None
        try:
            parts = urlsplit(urljoin(base, href) if base else href)
            host = parts.hostname
        except ValueError:
            return None
        if parts.scheme.lower() not in ("http", "https") or not host:
            return None
        path = parts.path or "/"
        if MIRROR._is_site(parts.netloc, host):
            return _visible(urlunsplit(("https", "tuyengiao.vn", path, parts.query, "")))
        netloc = "tuyengiaodanvan.vn" if host in SUCCESSOR_HOSTS else parts.netloc.lower()
        return _visible(urlunsplit((parts.scheme.lower(), netloc, path, parts.query, "")))

    assert MIRROR.canonical(href, base) == joined_first(href, base)
