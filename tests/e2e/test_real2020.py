"""``tgreader read --json`` over loopback on the 30 real articles (tests/fixtures/real2020).

The pages are rebuilt around real text (see that folder's README) and served by the demo
server from a temporary folder; each is fetched, parsed and stored by the CLI as a user
would run it, and its JSON compared with the capture's own expectations.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from tgreader.demo.server import DemoServer

from e2e_support import CliResult


def _builder() -> ModuleType:
    path = Path(__file__).parent.parent / "fixtures" / "real2020" / "build.py"
    spec = importlib.util.spec_from_file_location("real2020_build", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # the dataclass machinery looks its module up
    spec.loader.exec_module(module)
    return module


def _author_right(author: str | None, want: dict[str, str]) -> bool:
    if "\n" not in want["byline_markdown_as_captured"]:
        return author == want["expected_author"]
    name = want["byline_markdown_as_captured"].split("**")[1]  # a name, <br>, a job title
    return author is not None and author.startswith(name + ", ")


def test_read_json_on_the_real_articles(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    pages: list[Any] = _builder().build_site(tmp_path / "site")
    assert len(pages) == 30
    authors_right = []
    with DemoServer(tmp_path / "site") as server:
        for page in pages:
            result = cli("--site", server.url, "read", page.url, "--json")
            assert result.code == 0, result.err
            got = json.loads(result.out)
            want = page.expected
            assert got["url"] == page.url
            assert got["title"] == want["title"]
            assert got["published"] == want["published_day"]
            assert got["sapo"] == want["sapo"]
            authors_right.append(_author_right(got["author"], want))
            texts = [b["text"] for b in got["blocks"] if b["kind"] != "image"]
            assert got["author"] is None or got["author"] not in texts
    # The bar is 28 of 30; every one is right today.
    wrong = [p.url for p, ok in zip(pages, authors_right, strict=True) if not ok]
    assert not wrong
