"""Markdown export: page text never becomes HTML or a broken link, and an export never
replaces a file."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

from tgreader.model import Article, Image, Link, Paragraph
from tgreader.render import article_markdown, export_markdown, export_name

URL = "https://tuyengiao.vn/kinh-te/bai-viet-150123"


BASE = Article(URL, "Kinh tế", "Một bài", None, None, None, (Paragraph("Đoạn văn."),))


def _article(**changes: Any) -> Article:
    return dataclasses.replace(BASE, **changes)


def test_the_byline_is_html_escaped_inside_its_html_block() -> None:
    author = '<script>alert(1)</script> & "Lê" <img src=x onerror=y>'
    text = article_markdown(_article(author=author))
    line = next(line for line in text.splitlines() if line.startswith("<p align"))
    assert line == (
        '<p align="right"><em>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Lê&quot; '
        "&lt;img src=x onerror=y&gt;</em></p>"
    )


def test_urls_with_brackets_spaces_and_parentheses_are_escaped() -> None:
    odd = "https://tuyengiao.vn/a b/(x)<y>`z`-123"
    article = _article(
        url=odd,
        blocks=(Image(odd + ".jpg", "Ảnh"),),
        related=(Link("Tin (khác)", odd), Link("Không phải web", "javascript:alert(1)")),
    )
    text = article_markdown(article)
    escaped = "https://tuyengiao.vn/a%20b/%28x%29%3Cy%3E%60z%60-123"
    assert f"![Ảnh](<{escaped}.jpg>)" in text
    assert f"1. [Tin (khác)](<{escaped}>)" in text
    assert "2. Không phải web\n" in text and "javascript:" not in text
    assert text.endswith(f"Nguồn: <{escaped}>\n")


def test_a_title_without_latin_letters_is_named_from_the_id() -> None:
    assert export_name("Đảng ủy") == "dang-uy.md"
    assert export_name("中文标题", fallback="150123") == "bai-viet-150123.md"
    assert export_name("…", fallback="9f8e7d6c5b4a3f2e") == "bai-viet-9f8e7d6c5b4a3f2e.md"
    assert export_name("…") == "bai-viet.md"


def test_an_export_never_replaces_a_file(tmp_path: Path) -> None:
    article = _article(title="中文标题")
    (tmp_path / "bai-viet-150123.md").write_text("mine", encoding="utf-8")
    first = export_markdown(article, tmp_path)
    second = export_markdown(article, tmp_path)
    assert (first.name, second.name) == ("bai-viet-150123-2.md", "bai-viet-150123-3.md")
    assert (tmp_path / "bai-viet-150123.md").read_text(encoding="utf-8") == "mine"
    assert first.read_text(encoding="utf-8") == article_markdown(article)


def test_an_export_never_writes_through_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(target, out / "mot-bai.md")
    written = export_markdown(_article(), out)
    assert written.name == "mot-bai-2.md"
    assert target.read_text(encoding="utf-8") == "keep"
