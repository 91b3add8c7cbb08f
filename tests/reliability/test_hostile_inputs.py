"""Hostile pages and responses: only tgreader's own errors escape, and what comes out is clean.

The fixed shapes (rel_support/hostile.py) are those that raised or took quadratic time:
markup and Next.js JSON nested hundreds of thousands deep, unterminated Next.js pushes,
dates at the edge of datetime's range or a day or more from UTC, canonical links that are
not URLs. A hypothesis strategy mixes them with hostile characters and feeds every
parser, for every page generation's URL. Their time per MB is measured in
bench/hostile_bench.py, never asserted here.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tgreader.parse as parse_module
from tgreader.errors import ParseError
from tgreader.parse import page_url_hint, parse_article, parse_home, parse_listing
from tgreader.text import parse_vn_datetime

from rel_support import stats
from rel_support.hostile import ODD_DATES, ODD_LINKS, SHAPES, hostile_document, page_with, shape
from rel_support.pages import FORBIDDEN, problems, sample_pages

PROPERTY = settings(
    max_examples=stats.examples(),
    deadline=None,
    derandomize=not stats.exploring(),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PARSERS = {"article": parse_article, "listing": parse_listing, "home": parse_home}
# One URL of each generation's site: Gen A/B on tuyengiao.vn, Gen C on its successor.
URLS = (
    "https://tuyengiao.vn/thoi-su-chinh-tri/bai-viet-123",
    "https://tuyengiao.vn/thoi-su-chinh-tri",
    "https://tuyengiao.vn/",
    "https://tuyengiaodanvan.vn/blogs/tin-tuc/bai-viet",
)
ARTICLE_URL = URLS[0]


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
