"""A page stored through one origin (a ``--site`` mirror) and read through another: the
origin is kept with the page; offline the copy is shown with where it came from (a line
on stderr, ``stored_from`` in JSON); online it is stale and fetched again. Another port of
a server on this machine (the demo server's changes at every run) is the same origin."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tgreader.cli import main
from tgreader.demo.server import DemoServer

from rel_support.faults import SEED


def _origin(store: Path, url: str) -> str | None:
    with sqlite3.connect(store) as db:
        row = db.execute("SELECT origin FROM pages WHERE url = ?", (url,)).fetchone()
    return None if row is None else row[0]


MIRROR = "https://mirror.example"


def _set_origin(store: Path, url: str, origin: str) -> None:
    with sqlite3.connect(store) as db:
        db.execute("UPDATE pages SET origin = ? WHERE url = ?", (origin, url))


def test_a_copy_from_another_origin_says_so_and_is_fetched_again(
    tmp_path: Path, demo: DemoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    dirs = ["--cache-dir", str(tmp_path / "c"), "--data-dir", str(tmp_path / "d")]
    store = tmp_path / "c" / "pages.sqlite3"
    assert main([*dirs, "--site", demo.url, "read", SEED]) == 0
    first, _ = capsys.readouterr()
    assert _origin(store, SEED) == demo.url
    _set_origin(store, SEED, MIRROR)  # as if it had been read through a mirror
    fetches = len(demo.requests)

    assert main([*dirs, "--site", demo.url, "--offline", "read", "--json", SEED]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["stored_from"] == MIRROR
    assert err.startswith("tgreader: offline: showing the copy stored ")
    assert err.endswith(f" ago from {MIRROR}\n") and err.count("\n") == 1

    assert main([*dirs, "--site", demo.url, "read", SEED]) == 0
    again, err = capsys.readouterr()
    assert (again, err) == (first, "")
    assert len(demo.requests) == fetches + 1  # fetched again through this origin
    assert _origin(store, SEED) == demo.url

    assert main([*dirs, "--site", demo.url, "--offline", "read", "--json", SEED]) == 0
    out, _ = capsys.readouterr()
    assert "stored_from" not in json.loads(out)


def test_another_port_on_this_machine_is_the_same_origin(
    tmp_path: Path, demo: DemoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    dirs = ["--cache-dir", str(tmp_path / "c"), "--data-dir", str(tmp_path / "d")]
    assert main([*dirs, "--site", demo.url, "read", SEED]) == 0
    with DemoServer() as other:
        assert main([*dirs, "--site", other.url, "read", SEED]) == 0
        assert other.requests == []
    _, err = capsys.readouterr()
    assert err == ""


def test_credentials_in_the_site_are_not_kept_with_the_page(
    tmp_path: Path, demo: DemoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    dirs = ["--cache-dir", str(tmp_path / "c"), "--data-dir", str(tmp_path / "d")]
    with_login = demo.url.replace("http://", "http://reader:secret@")
    assert main([*dirs, "--site", with_login, "read", SEED]) == 0
    capsys.readouterr()
    assert _origin(tmp_path / "c" / "pages.sqlite3", SEED) == demo.url
