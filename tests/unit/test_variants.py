"""Variant and hostile pages (tests/fixtures/variants): hand-written expectations, checked.

The expectations in fixtures.json were derived by hand from MARKUP.md's rules, not from the
parser, so these tests say whether the parser degrades the way the markup reference says.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from tgreader.errors import ParseError
from tgreader.model import Article, Image, Paragraph
from tgreader.parse import detect_generation, parse_article, parse_home, parse_listing

HERE = Path(__file__).parent.parent / "fixtures" / "variants"
CASES: list[dict[str, Any]] = json.loads((HERE / "fixtures.json").read_text("utf-8"))


def _html(case: dict[str, Any]) -> str:
    return (HERE / str(case["file"])).read_bytes().decode("utf-8", errors="replace")


def _case_id(case: dict[str, Any]) -> str:
    return str(case["file"])


def _ok(actual: Any, expect: dict[str, Any], key: str) -> bool:
    return actual == expect[key] or actual in expect.get(f"{key}_also_ok", [])


ARTICLES = [c for c in CASES if c["kind"] == "article"]
LISTINGS = [c for c in CASES if c["kind"] == "listing"]
HOMES = [c for c in CASES if c["kind"] == "home"]
INVALID = [c for c in CASES if c["kind"] == "invalid"]


@pytest.mark.parametrize("case", [c for c in CASES if c["generation"]], ids=_case_id)
def test_generation_is_detected(case: dict[str, Any]) -> None:
    from selectolax.lexbor import LexborHTMLParser

    html = _html(case)
    assert detect_generation(LexborHTMLParser(html), html, case["url"]) == case["generation"]


def _body_text(article: Article) -> str:
    parts = [getattr(b, "text", "") or "" for b in article.blocks if not isinstance(b, Image)]
    return "\n".join(parts)


@pytest.mark.parametrize("case", ARTICLES, ids=_case_id)
def test_article(case: dict[str, Any]) -> None:
    expect = case["expect"]
    article = parse_article(_html(case), case["url"])
    assert article.title == expect["title"]
    assert (article.published.isoformat() if article.published else None) == expect["published"]
    assert _ok(article.section, expect, "section")
    assert article.sapo == expect["sapo"]
    assert article.author == expect["author"]
    kinds = [b.kind for b in article.blocks]
    assert _ok(kinds, expect, "block_kinds")
    images = [b for b in article.blocks if isinstance(b, Image)]
    assert _ok(len(images), expect, "image_blocks")
    captions = [b.caption for b in images]
    assert _ok(captions, expect, "captions")
    if "image_srcs" in expect and len(images) == len(expect["image_srcs"]):
        assert [b.src for b in images] == expect["image_srcs"]
    assert [b.text for b in article.blocks if b.kind == "heading"] == expect["headings"]
    assert [b.text for b in article.blocks if b.kind == "quote"] == expect["quotes"]
    paragraphs = [b.text for b in article.blocks if isinstance(b, Paragraph)]
    assert len(paragraphs) == expect["paragraphs"]
    if paragraphs:
        assert paragraphs[0] == expect["first_paragraph"]
        assert paragraphs[-1] == expect["last_paragraph"]
    related = [r.url for r in article.related]
    if not (expect.get("related_also_ok_empty") and not related):
        assert related == expect["related_urls"]
        assert [r.title for r in article.related] == expect["related_titles"]
    body = _body_text(article)
    for text in expect.get("body_must_not_contain", []):
        assert text not in body, text
    for text in expect.get("body_must_contain", []):
        assert text in body, text
    everything = json.dumps(article.to_dict(), ensure_ascii=False)
    for char in expect.get("forbidden_chars", []):
        assert char not in everything, repr(char)
    for prefix in expect.get("forbidden_url_prefixes", []):
        assert f'"{prefix}' not in everything
    literal = expect.get("must_contain_literal", {})
    for text in literal.values() if isinstance(literal, dict) else literal:
        assert text in everything, text


def _query(url: str | None) -> tuple[str, set[tuple[str, str]]] | None:
    if url is None:
        return None
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}", set(parse_qsl(parts.query))


@pytest.mark.parametrize("case", LISTINGS, ids=_case_id)
def test_listing(case: dict[str, Any]) -> None:
    expect = case["expect"]
    listing = parse_listing(_html(case), case["url"])
    assert listing.page == expect["page"]
    assert listing.section == expect["section"]
    assert [i.url for i in listing.articles] == expect["item_urls"]
    assert [i.title for i in listing.articles] == expect["item_titles"]
    if "item_published" in expect:
        published = [i.published.isoformat() if i.published else None for i in listing.articles]
        assert published == expect["item_published"]
    if "item_sapos" in expect:
        assert [i.sapo for i in listing.articles] == expect["item_sapos"]
    if "item_thumbnails" in expect:
        assert [i.thumbnail for i in listing.articles] == expect["item_thumbnails"]
    assert _query(listing.next) == _query(expect["next"])
    for url in expect.get("excluded_urls", []):
        assert url not in [i.url for i in listing.articles]


@pytest.mark.parametrize("case", HOMES, ids=_case_id)
def test_home(case: dict[str, Any]) -> None:
    expect = case["expect"]
    home = parse_home(_html(case), case["url"])
    urls = [a.url for a in home.articles]
    assert urls[0] == expect["featured_url"]
    assert home.articles[0].title == expect["featured_title"]
    assert urls == expect["article_urls_featured_first"]
    for url in expect.get("excluded_urls", []):
        assert url not in urls


@pytest.mark.parametrize("case", INVALID, ids=_case_id)
def test_invalid_pages_raise_the_parsers_error(case: dict[str, Any]) -> None:
    parsers = {"article": parse_article, "listing": parse_listing, "home": parse_home}
    for kind in case["expect"]["raises_when_parsed_as"]:
        with pytest.raises(ParseError) as raised:
            parsers[kind](_html(case), case["url"])
        assert case["url"].split("://")[1] in str(raised.value)
