"""Hostile and malformed pages: the parser returns a clean result or its own error.

Property tests (hypothesis) feed the three parsers the sample pages (the demo site and the
variant fixtures) after random mutations: bytes overwritten, characters inserted (controls,
bidi overrides, zero-width, combining marks, markup), character references to forbidden
characters, runs of tags deleted or repeated, truncation, random nesting of tags, hostile
and off-site links, NFD text. Whatever comes back is NFC, holds no control, bidi or
zero-width character, has its white space collapsed, and links only to http(s) URLs.

Also here: the link policy (only http/https; javascript:, data:, file: ignored; links off
the site never fetched) and export file names that cannot leave their folder.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tgreader.demo.server import DemoServer, default_root
from tgreader.errors import ParseError
from tgreader.model import Article, Home, Listing
from tgreader.parse import parse_article, parse_home, parse_listing
from tgreader.render import export_name
from tgreader.text import clean
from tgreader.urls import Site

from rel_support import stats
from rel_support.faults import SEED, SEED_PATH
from rel_support.faultserver import FaultServer, respond
from rel_support.pages import (
    COMPOSING,
    HOSTILE_CHARS,
    HOSTILE_HREFS,
    Mutant,
    Page,
    mutated,
    problems,
    random_document,
    sample_pages,
)
from rel_support.runner import Cli, base_env, page_row

PROPERTY = settings(
    max_examples=stats.examples(),
    deadline=None,
    # The default suite replays the same examples every run, so CI is repeatable; the
    # long run (--run-slow, or TGREADER_HYPOTHESIS_EXAMPLES) explores new ones.
    derandomize=not stats.exploring(),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
Parser = Callable[[str, str, Site | None], Article | Listing | Home]
PARSERS: dict[str, Parser] = {
    "article": parse_article,
    "listing": parse_listing,
    "home": parse_home,
}


def _of(*kinds: str) -> tuple[Page, ...]:
    return tuple(p for p in sample_pages() if p.kind in kinds)


def _check(parser: Parser, html: str, url: str, note: Any) -> None:
    """A result with clean strings, or ParseError; anything else fails the property."""
    try:
        result = parser(html, url, None)
    except ParseError as error:
        assert "\n" not in str(error), note
        return
    data = result.to_dict()
    json.dumps(data, ensure_ascii=False)  # the JSON output never fails
    assert problems(data) == [], note


@PROPERTY
@given(mutated(_of("article", "invalid")))
def test_parse_article_survives_mutations(case: Mutant) -> None:
    stats.EXAMPLES["parse_article"] += 1
    _check(parse_article, case.html, case.page.url, case)


@PROPERTY
@given(mutated(_of("listing")))
def test_parse_listing_survives_mutations(case: Mutant) -> None:
    stats.EXAMPLES["parse_listing"] += 1
    _check(parse_listing, case.html, case.page.url, case)


@PROPERTY
@given(mutated(_of("home")))
def test_parse_home_survives_mutations(case: Mutant) -> None:
    stats.EXAMPLES["parse_home"] += 1
    _check(parse_home, case.html, case.page.url, case)


@PROPERTY
@given(mutated(sample_pages()), st.sampled_from(sorted(PARSERS)))
def test_any_page_through_any_parser(case: Mutant, kind: str) -> None:
    stats.EXAMPLES["any page, any parser"] += 1
    _check(PARSERS[kind], case.html, case.page.url, (case, kind))


@PROPERTY
@given(
    random_document(),
    st.sampled_from(sorted(PARSERS)),
    st.sampled_from([p.url for p in sample_pages()]),
)
def test_random_documents(html: str, kind: str, url: str) -> None:
    stats.EXAMPLES["random documents"] += 1
    _check(PARSERS[kind], html, url, (kind, html))


# -- the link policy ----------------------------------------------------------------------------

SCHEMES = ("javascript", "data", "file", "vbscript", "mailto", "ftp", "about", "blob", "tel")


@st.composite
def other_scheme_hrefs(draw: st.DrawFn) -> str:
    """A link with a scheme other than http(s), in odd case, with junk around and inside."""
    scheme = "".join(
        c.upper() if draw(st.booleans()) else c for c in draw(st.sampled_from(SCHEMES))
    )
    junk = st.text(st.sampled_from(" \t\n\r\x00\x01\x1f\x0b\x0c"), max_size=3)
    cut = draw(st.integers(0, len(scheme)))
    inside = draw(st.text(st.sampled_from("\t\n\r"), max_size=2))
    rest = draw(st.text(max_size=30))
    return draw(junk) + scheme[:cut] + inside + scheme[cut:] + ":" + rest


@PROPERTY
@given(other_scheme_hrefs(), st.sampled_from(["https://tuyengiao.vn/a/b-123456", None]))
def test_only_http_links_are_ever_resolved(href: str, base: str | None) -> None:
    stats.EXAMPLES["link schemes"] += 1
    assert Site().canonical(href, base) is None
    assert Site.from_url("http://127.0.0.1:8000").canonical(href, base) is None


@PROPERTY
@given(st.text(max_size=60) | st.sampled_from(HOSTILE_HREFS))
def test_any_href_resolves_to_a_clean_http_url_or_nothing(href: str) -> None:
    stats.EXAMPLES["any href"] += 1
    url = Site().canonical(href, "https://tuyengiao.vn/a/b-123456")
    if url is not None:
        assert problems({"url": url}) == []


def _with_hostile_related(root: Path) -> None:
    """Copy the demo site to ``root`` with hostile and off-site links among the seed's
    related articles."""
    import shutil

    shutil.copytree(default_root(), root)
    page = root / f"{SEED_PATH.lstrip('/')}.html"
    links = "".join(
        f'<li><a href="{href}">Bài viết liên quan số {n}</a></li>'
        for n, href in enumerate(
            [
                "javascript:alert(1)",
                "data:text/html,<b>x</b>",
                "file:///etc/passwd",
                "http://evil.example/nhip-cau-tuyen-giao/bai-ngoai-trang-150999",
                "https://evil.example/nhip-cau-tuyen-giao/bai-ngoai-trang-150998",
                "//evil.example/nhip-cau-tuyen-giao/bai-ngoai-trang-150997",
            ]
        )
    )
    html = page.read_text("utf-8")
    marker = '<ul class="list-related">'
    assert marker in html
    page.write_text(html.replace(marker, marker + links, 1), "utf-8")


def test_sync_never_fetches_links_off_the_site(tmp_path: Path) -> None:
    root = tmp_path / "site"
    _with_hostile_related(root)
    # Any request for another host goes to this proxy instead of the network.
    with FaultServer(default=respond(502, b"no")) as proxy, DemoServer(root) as server:
        proxy_url = proxy.url
        cli = Cli(base_env(tmp_path))
        result = cli(
            "--site", server.url, "sync", "nhip-cau-tuyen-giao", "--pages", "2", "--depth", "2",
            HTTP_PROXY=proxy_url, HTTPS_PROXY=proxy_url, ALL_PROXY=proxy_url,
        )  # fmt: skip
        asked = [path for _, path, _ in server.requests]
        read = cli("--offline", "read", SEED, "--json")
    assert result.code == 0, result.err
    assert "0 failed" in result.out
    assert proxy.hits == []  # nothing left 127.0.0.1
    assert SEED_PATH in asked
    assert not any("evil" in p or "passwd" in p or "alert" in p for p in asked), asked
    related = [r["url"] for r in json.loads(read.out)["related"]]
    assert related and all(u.startswith("https://tuyengiao.vn/") for u in related)
    stored = page_row(tmp_path / "cache" / "pages.sqlite3", SEED)
    assert stored is not None and "evil.example" in stored["html"]  # the page had them
    assert "evil.example" not in stored["parsed_json"]  # the parse kept none


# -- export file names ----------------------------------------------------------------------------

_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\.md")


@PROPERTY
@given(
    st.text()
    | st.text(st.sampled_from("./\\\x00:~*?<>|\"' \t\n" + string.ascii_letters + "đĐ\u202e"))
    | st.sampled_from(
        [
            "..",
            "../../etc/passwd",
            "/",
            "\\\\server\\share",
            "CON",
            "a\x00b",
            ".md",
            "~/.bashrc",
            "C:\\Windows\\x",
            "\u202egpj.exe",
            "Đảng",
        ]
    ),
    st.integers(1, 200),
)
def test_export_names_cannot_leave_the_folder(title: str, limit: int) -> None:
    stats.EXAMPLES["export names"] += 1
    name = export_name(title, limit)
    assert _NAME.fullmatch(name), name
    assert "/" not in name and "\\" not in name and ".." not in name and "\x00" not in name
    assert len(name) <= max(limit, 8) + 3
    folder = Path("/srv/export")
    assert (folder / name).parent == folder


# -- the text every string of a page goes through -------------------------------------------------

_TEXT = st.text(st.sampled_from(COMPOSING)) | st.text(
    st.sampled_from(HOSTILE_CHARS) | st.characters(exclude_categories=["Cs"])
)


@PROPERTY
@given(_TEXT)
def test_clean_text_is_nfc_visible_and_collapsed(text: str) -> None:
    stats.EXAMPLES["clean text"] += 1
    assert problems({"text": clean(text)}) == []
