"""Golden JSON for every page of the sample site: what the parser makes of each, reviewed.

Run ``pytest tests/unit/test_golden.py --update-golden`` after a deliberate parser change and
read the diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tgreader.demo.server import default_root
from tgreader.parse import parse_article, parse_home, parse_listing
from tgreader.urls import CANONICAL_ORIGIN, is_article_url

SITE = default_root()
GOLDEN = Path(__file__).parent.parent / "golden"


def _page_url(path: Path) -> str:
    """The canonical URL the demo server serves ``path`` at (see docs/architecture.md)."""
    rel = path.relative_to(SITE).with_suffix("").as_posix()
    if rel == "index":
        return CANONICAL_ORIGIN + "/"
    base, _, page = rel.partition("@page=")
    return f"{CANONICAL_ORIGIN}/{base}" + (f"?page={page}" if page else "")


PAGES = sorted(p for p in SITE.rglob("*.html"))


def _parse(path: Path) -> dict[str, object]:
    url = _page_url(path)
    html = path.read_text(encoding="utf-8")
    if url == CANONICAL_ORIGIN + "/":
        return parse_home(html, url).to_dict()
    if is_article_url(url):
        return parse_article(html, url).to_dict()
    return parse_listing(html, url).to_dict()


def test_the_sample_site_is_there() -> None:
    articles = [p for p in PAGES if is_article_url(_page_url(p))]
    assert len(articles) >= 13
    assert len(PAGES) - len(articles) >= 9  # the home page and two pages of four sections


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.relative_to(SITE).as_posix())
def test_golden(path: Path, update_golden: bool) -> None:
    actual = _parse(path)
    golden = GOLDEN / path.relative_to(SITE).with_suffix(".json")
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", "utf-8")
    assert golden.exists(), f"no golden file: run with --update-golden and review {golden}"
    assert actual == json.loads(golden.read_text("utf-8"))
