"""The 30 real Gen A articles of November 2020 (tests/fixtures/real2020), parsed.

The text is real (a public spider's capture); the markup around it is rebuilt by
``build.py``. The expected values are the capture's own (``expected.json``), not the parser's.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tgreader.model import Heading, Image
from tgreader.parse import parse_article
from tgreader.text import fold_key


def _builder() -> ModuleType:
    """tests/fixtures/real2020/build.py, loaded under a name of its own."""
    path = Path(__file__).parent.parent / "fixtures" / "real2020" / "build.py"
    spec = importlib.util.spec_from_file_location("real2020_build", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # the dataclass machinery looks its module up
    spec.loader.exec_module(module)
    return module


build = _builder()
PAGES: list[Any] = build.pages()


def _id(page: Any) -> str:
    return str(page.path).rsplit("-", 1)[-1]


def _author_right(author: str | None, want: dict[str, str]) -> bool:
    """A name with a job title under it (``medium``) may come joined any way, name first."""
    if "\n" not in want["byline_markdown_as_captured"]:
        return author == want["expected_author"]
    name = want["byline_markdown_as_captured"].split("**")[1]
    return author is not None and author.startswith(name) and author != name


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_title_date_sapo_author(page: Any) -> None:
    article = parse_article(page.html, page.url)
    want = page.expected
    assert article.url == page.url
    assert article.title == want["title"]
    assert article.published is not None
    assert article.published.when.date().isoformat() == want["published_day"]
    assert not article.published.has_time  # the capture kept no time; none is invented
    assert article.sapo == want["sapo"]
    assert _author_right(article.author, want), article.author


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_the_byline_is_no_block_and_no_heading_is_empty(page: Any) -> None:
    article = parse_article(page.html, page.url)
    texts = [b.text for b in article.blocks if not isinstance(b, Image)]
    assert all(t.strip() for t in texts)
    assert article.author is not None
    key = fold_key(article.author)
    assert not any(fold_key(t) == key for t in texts)
    # The last text block is the article's, not a byline left behind as a heading: a
    # heading there introduces the photos after it ("Một số hình ảnh tại …").
    last = max(i for i, b in enumerate(article.blocks) if not isinstance(b, Image))
    if isinstance(article.blocks[last], Heading):
        assert any(isinstance(b, Image) for b in article.blocks[last + 1 :])
    # No marker of the capture or stray space before punctuation after inline markup.
    for text in texts:
        assert "**" not in text and " ," not in text.replace("… ,", "")


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_every_picture_of_the_capture_is_an_image_block(page: Any) -> None:
    article = parse_article(page.html, page.url)
    images = [b for b in article.blocks if isinstance(b, Image)]
    assert len(images) == page.images
    assert all(i.src and i.src.startswith("https://tuyengiao.vn/Uploads/") for i in images)


def test_sub_sections_come_from_the_breadcrumb() -> None:
    names = {
        page.path.split("/")[2]: parse_article(page.html, page.url).section
        for page in PAGES
        if page.path.count("/") == 3
    }
    assert names == {
        "tuyen-giao-cac-cap": "Tuyên giáo các cấp",
        "ban-tuyen-giao-tw": "Ban Tuyên giáo Trung ương",
    }
