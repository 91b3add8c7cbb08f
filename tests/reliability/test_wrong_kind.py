"""A URL used with the command for another kind of page: ``read`` of a section or of the
home page, ``list`` of an article, in either order, online and offline.

``read`` opens a page as what it is (a listing is listed, the home page shown); ``list``
of an article or of the home page exits 4 naming the kind and the command that reads it.
The store never holds a page under a kind it is not, and a page an older version stored
under the wrong kind is never served as that kind: it is fetched again when online.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tgreader.cli import main
from tgreader.demo.server import DemoServer, default_root
from tgreader.model import Article
from tgreader.store import Store
from tgreader.urls import page_kind

from rel_support.faults import SEED

SECTION = "https://tuyengiao.vn/thoi-su-chinh-tri"
HOME = "https://tuyengiao.vn/"
SECTION_KG = "https://tuyengiao.vn/khoa-giao"
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(demo: DemoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    """``tgreader --site <demo> ARGS`` in this process: (exit code, stdout, stderr)."""

    def go(*args: str) -> tuple[int, str, str]:
        argv = ["--site", demo.url, "--cache-dir", str(tmp_path / "c"),
                "--data-dir", str(tmp_path / "d"), *args]  # fmt: skip
        code = main(argv)
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return code, out, err

    return go


def kinds_in_store(path: Path) -> list[tuple[str, str]]:
    """(url, kind) of every stored page whose kind is not what its URL holds."""
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT url, kind FROM pages").fetchall()
    return [(url, kind) for url, kind in rows if page_kind(url) != kind]


def test_read_of_a_section_lists_it_and_list_then_works(run: Run, tmp_path: Path) -> None:
    code, out, _ = run("read", SECTION)
    assert code == 0
    assert "— page 1" in out and "tuyengiao.vn/thoi-su-chinh-tri/" in out
    code, listed, _ = run("list", "thoi-su-chinh-tri")
    assert code == 0 and listed == out
    code, offline, _ = run("--offline", "read", SECTION)
    assert code == 0 and offline == out
    assert kinds_in_store(tmp_path / "c" / "pages.sqlite3") == []


def test_read_of_the_home_page_shows_it(run: Run, tmp_path: Path) -> None:
    code, home, _ = run("home")
    assert code == 0
    for args in (("read", HOME), ("--offline", "read", HOME)):
        code, out, _ = run(*args)
        assert (code, out) == (0, home)
    assert kinds_in_store(tmp_path / "c" / "pages.sqlite3") == []


@pytest.mark.parametrize("offline", [False, True])
def test_list_of_an_article_or_home_says_which_command_reads_it(run: Run, offline: bool) -> None:
    assert run("read", SEED)[0] == 0
    flags = ("--offline",) if offline else ()
    code, out, err = run(*flags, "list", SEED)
    assert code == 4 and out == ""
    assert err.strip() == (
        f"tgreader: {SEED}: an article, not a section listing; read it with: tgreader read {SEED}"
    )
    code, _, err = run(*flags, "list", HOME)
    assert code == 4 and "the home page, not a section listing" in err
    assert "tgreader home" in err


def test_a_page_stored_under_the_wrong_kind_is_mended(run: Run, tmp_path: Path) -> None:
    # What an older version left: an article made up from the listing, under its URL.
    store_path = tmp_path / "c" / "pages.sqlite3"
    store_path.parent.mkdir(parents=True)
    with Store.open(store_path) as store:
        store.put(SECTION, Article(SECTION, None, "made up", None, None, None, ()), "<html></html>")
    code, _, err = run("--offline", "list", SECTION)
    assert code == 3 and "not in the store" in err
    code, out, _ = run("list", SECTION)
    assert code == 0 and "made up" not in out and "— page 1" in out
    assert kinds_in_store(store_path) == []


@pytest.mark.parametrize(("name", "command"), [("khoa-giao.html", "list"), ("index.html", "home")])
def test_a_saved_listing_or_home_is_read_as_what_it_is(
    run: Run, tmp_path: Path, name: str, command: str
) -> None:
    saved = tmp_path / "saved.html"
    saved.write_bytes((default_root() / name).read_bytes())
    code, out, _ = run("read", str(saved))
    assert code == 0
    fetched = run(command, *(["khoa-giao"] if command == "list" else []))
    assert (fetched[0], out) == (0, fetched[1])
    code, as_json, _ = run("read", "--json", str(saved))
    assert code == 0 and json.loads(as_json)["url"] in (SECTION_KG, HOME)
