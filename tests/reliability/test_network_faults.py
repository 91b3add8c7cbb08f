"""Every network fault of issue 5 through the CLI, as a user meets it.

For each fault, two runs of ``tgreader read`` against a fault server on 127.0.0.1: one
for a page never stored (the documented exit code and a one-line message naming the URL
and the cause, nothing stored), one with ``--refresh`` for a page stored earlier from the
demo server (the stored copy is shown with a note saying why, exit 0, and the store holds
exactly the rows it held before). The server counts the requests, so retries are seen to
happen where they should and only there.

The runs of every selected fault go at once (they mostly wait on timeouts and backoff),
once per module; each test then checks its own fault's outcome.
"""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tgreader.fetch import decode_html, detect_charset

from rel_support.faults import FAULTS, RETRIES, SEED, SEED_PATH, SEED_TITLE, TIMEOUT, Fault
from rel_support.faultserver import FaultServer
from rel_support.runner import Cli, Result, base_env, one_line, page_row, store_rows

CANONICAL = "https://tuyengiao.vn"


@dataclass
class Outcome:
    """What one fault did to the two runs, and what the servers and stores saw."""

    origin: str
    fresh_path: str
    fresh: Result
    stored: Result
    hits_fresh: int
    hits_stored: int
    hits_elsewhere: list[str]
    fresh_rows: dict[str, Any]
    before: dict[str, Any]
    after: dict[str, Any]
    seed_before: dict[str, Any] | None
    seed_after: dict[str, Any] | None


def _run(fault: Fault, folder: Path, template: Path) -> Outcome:
    fresh_path = f"/a/{fault.id}-123456"
    cli = Cli(base_env(folder))
    store = folder / "cache" / "pages.sqlite3"
    shutil.copytree(template, store.parent)
    fresh_store = folder / "fresh" / "pages.sqlite3"
    with FaultServer() as elsewhere, FaultServer() as server:
        server.routes[fresh_path] = fault.make(elsewhere.url, fresh_path)
        server.routes[SEED_PATH] = fault.make(elsewhere.url, SEED_PATH)
        before, seed_before = store_rows(store), page_row(store, SEED)
        options = ("--site", server.url, "--timeout", f"{TIMEOUT:g}")
        retries = str(RETRIES)
        fresh_dir = str(fresh_store.parent)
        fresh = cli(*options, "read", CANONICAL + fresh_path, "--json",
                    TGREADER_CACHE_DIR=fresh_dir, TGREADER_RETRIES=retries)  # fmt: skip
        stored = cli(*options, "read", SEED, "--refresh", "--json", TGREADER_RETRIES=retries)
        return Outcome(
            origin=server.url,
            fresh_path=fresh_path,
            fresh=fresh,
            stored=stored,
            hits_fresh=server.count(fresh_path),
            hits_stored=server.count(SEED_PATH),
            hits_elsewhere=elsewhere.hits,
            fresh_rows=store_rows(fresh_store),
            before=before,
            after=store_rows(store),
            seed_before=seed_before,
            seed_after=page_row(store, SEED),
        )


@pytest.fixture(scope="module")
def outcomes(
    request: pytest.FixtureRequest,
    seeded_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Outcome]:
    """The outcome of every fault selected in this session, run side by side."""
    wanted: dict[str, Fault] = {}
    for item in request.session.items:
        if isinstance(item, pytest.Function) and item.originalname == "test_cli_fault":
            fault = item.callspec.params["fault"]
            assert isinstance(fault, Fault)
            wanted[fault.id] = fault
    with ThreadPoolExecutor(max_workers=8) as pool:
        running = {
            fault_id: pool.submit(_run, fault, tmp_path_factory.mktemp(fault_id), seeded_template)
            for fault_id, fault in wanted.items()
        }
        return {fault_id: future.result() for fault_id, future in running.items()}


@pytest.mark.parametrize("fault", FAULTS, ids=[f.id for f in FAULTS])
def test_cli_fault(fault: Fault, outcomes: dict[str, Outcome]) -> None:
    seen = outcomes[fault.id]
    fresh, stored = seen.fresh, seen.stored

    # Retries where they are due, and only there; another host is never contacted.
    assert seen.hits_fresh == fault.expected_hits
    assert seen.hits_stored == fault.expected_hits
    assert seen.hits_elsewhere == []

    if fault.accepted:
        for result in (fresh, stored):
            assert result.code == 0, result.err
            assert result.err == ""
            assert json.loads(result.out)["title"] == SEED_TITLE
        assert seen.seed_before is not None and seen.seed_after is not None
        assert seen.seed_after["parsed_json"] == seen.seed_before["parsed_json"]
        return

    # A page never stored: the documented exit code, one line naming the URL and the cause.
    assert fresh.code == fault.exit_code, fresh.err
    url = CANONICAL + seen.fresh_path if fault.exit_code == 4 else seen.origin + seen.fresh_path
    assert one_line(fresh).startswith(f"tgreader: {url}: {fault.cause}"), fresh.err
    assert fresh.out == ""
    assert seen.fresh_rows["pages"] == []

    # A stored page: shown from the store with a note saying why; the store is untouched.
    assert stored.code == 0, stored.err
    note = one_line(stored)
    assert note.startswith("tgreader: ") and fault.cause in note, note
    assert "showing the copy stored" in note
    assert json.loads(stored.out)["title"] == SEED_TITLE
    assert seen.after == seen.before


@pytest.mark.parametrize(
    ("body", "content_type", "codec"),
    [
        # Valid UTF-8 beyond ASCII is UTF-8, whatever the header or the page says.
        ("<p>Hội nghị</p>".encode(), "text/html; charset=iso-8859-1", "utf-8"),
        ("<p>Hội nghị</p>".encode(), "text/html; charset=windows-1258", "utf-8"),
        (b'<meta charset="windows-1258">' + "<p>Đảng</p>".encode(), "text/html", "utf-8"),
        # Real legacy bytes are never valid UTF-8: the label is kept.
        (b"<p>Ti\xea\xecng Vi\xea\xf2t</p>", "text/html; charset=windows-1258", "cp1258"),
        (b'<meta charset="windows-1258"><p>Ti\xea\xecng</p>', None, "cp1258"),
        (b"<p>caf\xe9</p>", "text/html; charset=iso-8859-1", "cp1252"),
        (b"<p>plain</p>", "text/html; charset=iso-8859-1", "cp1252"),
    ],
)
def test_a_mislabelled_utf8_page_is_read_as_utf8(
    body: bytes, content_type: str | None, codec: str
) -> None:
    assert detect_charset(body, content_type) == codec
    if codec == "utf-8":
        assert decode_html(body, content_type) == body.decode("utf-8")
