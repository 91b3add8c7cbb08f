"""Every command as a user runs it: a subprocess, real HTTP on 127.0.0.1, a real SQLite file."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tgreader.demo.server import DemoServer, default_root
from tgreader.store_index import index_command

from e2e_support import SEED, CliResult, FaultServer, answer, gzip_bomb, slow

Cli = Callable[..., CliResult]
COMMANDS = ["read", "list", "home", "sections", "sync", "search", "bookmarks", "cache"]


def test_version(cli: Cli) -> None:
    result = cli("--version")
    assert result.code == 0
    assert result.out.startswith("tgreader ")


@pytest.mark.parametrize("command", [[], *[[c] for c in COMMANDS], ["cache", "info"]])
def test_help_on_every_command(cli: Cli, command: list[str]) -> None:
    result = cli(*command, "--help")
    assert result.code == 0
    assert "usage: tgreader" in result.out


def test_read_json_has_the_documented_shape(cli: Cli, demo_server: DemoServer) -> None:
    result = cli("--site", demo_server.url, "read", SEED, "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert list(data) == [
        "url", "section", "title", "published", "sapo", "author", "blocks", "related",
    ]  # fmt: skip
    assert data["url"] == SEED
    assert data["title"] == "Bắc Kạn: Hội nghị giao ban công tác tuyên giáo quý I/2023"
    assert data["published"] == "2023-04-13T07:53:00+07:00"
    assert data["section"] == "Tuyên giáo các cấp"
    assert data["sapo"] is None
    assert data["author"] == "Tin, ảnh: THẾ HOÀNG"
    captions = [b["caption"] for b in data["blocks"] if b["kind"] == "image"]
    assert captions[0] == "Quang cảnh Hội nghị."
    assert captions.count("Đại biểu phát biểu thảo luận tại Hội nghị.") == 2
    texts = [b.get("text") for b in data["blocks"]]
    assert "Quang cảnh Hội nghị." not in texts
    assert all(r["url"].startswith("https://tuyengiao.vn/") for r in data["related"])
    assert len(data["related"]) == 5


def test_read_text_shows_captions_as_notes(cli: Cli, demo_server: DemoServer) -> None:
    result = cli("--site", demo_server.url, "read", SEED)
    assert result.code == 0, result.err
    assert "Ảnh: Quang cảnh Hội nghị." in result.out
    assert "Thứ Năm, 13/4/2023 07:53" in result.out
    author = next(line for line in result.out.splitlines() if "THẾ HOÀNG" in line)
    assert author.startswith(" ") and author.endswith("Tin, ảnh: THẾ HOÀNG")
    assert "Các tin khác:" in result.out


def test_read_markdown(cli: Cli, demo_server: DemoServer) -> None:
    result = cli("--site", demo_server.url, "read", SEED, "--markdown")
    assert result.code == 0, result.err
    assert result.out.startswith("# Bắc Kạn: Hội nghị giao ban")
    assert "*Ảnh: Quang cảnh Hội nghị.*" in result.out
    assert "## Các tin khác" in result.out


def test_read_a_saved_file(cli: Cli, tmp_path: Path) -> None:
    page = default_root() / "nhip-cau-tuyen-giao" / (SEED.rsplit("/", 1)[1] + ".html")
    result = cli("--offline", "read", str(page), "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["title"].startswith("Bắc Kạn")


def test_list_page_one_with_and_without_the_parameter(cli: Cli, demo_server: DemoServer) -> None:
    plain = cli("--site", demo_server.url, "list", "khoa-giao", "--json")
    explicit = cli(
        "--site", demo_server.url, "list", f"{demo_server.url}/khoa-giao?page=1", "--json"
    )
    assert plain.code == explicit.code == 0
    assert json.loads(plain.out) == json.loads(explicit.out)
    data = json.loads(plain.out)
    assert data["url"] == "https://tuyengiao.vn/khoa-giao"
    assert data["page"] == 1
    assert data["next"] == "https://tuyengiao.vn/khoa-giao?page=2"
    assert data["section"] == "Khoa giáo"
    item = data["articles"][0]
    assert list(item) == ["title", "url", "published", "sapo", "thumbnail"]


def test_list_second_page_and_past_the_end(cli: Cli, demo_server: DemoServer) -> None:
    second = json.loads(
        cli("--site", demo_server.url, "list", "khoa-giao", "--page", "2", "--json").out
    )
    assert second["page"] == 2
    assert second["next"] is None  # the Gen A pager has no page after 2
    assert len(second["articles"]) == 3
    past = cli("--site", demo_server.url, "list", "thoi-su-chinh-tri", "--page", "3", "--json")
    assert past.code == 0
    assert json.loads(past.out)["articles"] == []


def test_home_and_sections(cli: Cli, demo_server: DemoServer) -> None:
    home = json.loads(cli("--site", demo_server.url, "home", "--json").out)
    assert list(home) == ["url", "sections", "articles"]
    assert [s["name"] for s in home["sections"]][:2] == [
        "Thời sự - Chính trị",
        "Nhịp cầu Tuyên giáo",
    ]
    urls = [a["url"] for a in home["articles"]]
    assert len(urls) == len(set(urls)) >= 10
    sections = json.loads(cli("--site", demo_server.url, "sections", "--json").out)
    assert sections == home["sections"]


def test_sections_fall_back_to_the_built_in_list(cli: Cli, faults: FaultServer) -> None:
    result = cli("--site", faults.url, "sections", "--json")
    assert result.code == 0
    assert len(json.loads(result.out)) >= 5
    assert "built-in" in result.err


def test_demo_flag_runs_everything_with_no_network(cli: Cli) -> None:
    result = cli("--demo", "list", "van-hoa-xa-hoi", "--json")
    assert result.code == 0, result.err
    assert len(json.loads(result.out)["articles"]) == 3


def test_sync_then_everything_offline(cli: Cli, dirs: dict[str, str]) -> None:
    with DemoServer() as server:
        synced = cli("--site", server.url, "sync", "--pages", "2")
        assert synced.code == 0, synced.err
        assert "0 failed" in synced.out
    # The server is gone: every command answers from the store.
    read = cli("--offline", "read", SEED, "--json")
    assert read.code == 0, read.err
    assert "offline" in read.err
    listing = cli("--offline", "list", "khoa-giao", "--page", "2", "--json")
    assert listing.code == 0 and json.loads(listing.out)["page"] == 2
    assert cli("--offline", "sections", "--json").code == 0
    found = cli("--offline", "search", "hoi nghi", "--json")
    assert found.code == 0
    assert any(h["url"] == SEED for h in json.loads(found.out))
    # Without --offline the failing network falls back to the store and says so.
    stale = cli("--site", "http://127.0.0.1:9", "--timeout", "0.5", "read", SEED, "--refresh")
    assert stale.code == 0
    assert "showing the copy stored" in stale.err


def test_offline_and_not_stored(cli: Cli) -> None:
    result = cli("--offline", "read", SEED)
    assert result.code == 3
    assert result.err.strip() == f"tgreader: {SEED}: not in the store, and tgreader is offline"


def test_search_folds_diacritics(cli: Cli, demo_server: DemoServer) -> None:
    assert cli("--site", demo_server.url, "sync").code == 0
    for query in ("dang", "DANG", "Đảng"):
        hits = json.loads(cli("--offline", "search", query, "--json").out)
        assert hits, query
        first = hits[0]
        start, end = first["highlights"][0]
        assert first["snippet"][start:end].lower() in ("đảng", "dang")


def test_a_store_indexed_again_says_so_once(
    cli: Cli, demo_server: DemoServer, dirs: dict[str, str]
) -> None:
    assert cli("--site", demo_server.url, "sync").code == 0
    store = Path(dirs["TGREADER_CACHE_DIR"]) / "pages.sqlite3"
    with sqlite3.connect(store) as conn:  # as the move to schema 3 leaves a store
        conn.execute("UPDATE pages SET doc = NULL")
        index_command(conn, "delete-all")
        articles = conn.execute("SELECT count(*) FROM pages WHERE kind = 'article'").fetchone()
    first = cli("--offline", "search", "hoi nghi", "--json")
    assert first.code == 0, first.err
    assert first.err.strip() == (
        f"tgreader: {store}: indexing {articles[0]} stored articles for search again, once"
    )
    assert any(h["url"] == SEED for h in json.loads(first.out))
    again = cli("--offline", "search", "hoi nghi", "--json")
    assert again.code == 0 and again.err == "" and again.out == first.out


def test_cache_info_clear_vacuum(cli: Cli, demo_server: DemoServer) -> None:
    assert cli("--site", demo_server.url, "read", SEED).code == 0
    info = json.loads(cli("cache", "info", "--json").out)
    assert info["counts"]["article"] == 1
    refused = cli("cache", "clear")
    assert refused.code == 2 and "--yes" in refused.err
    assert cli("cache", "clear", "--yes").code == 0
    assert json.loads(cli("cache", "info", "--json").out)["counts"]["article"] == 0
    assert cli("cache", "vacuum").code == 0


def test_the_cache_commands_before_anything_is_stored_make_no_store(
    cli: Cli, dirs: dict[str, str]
) -> None:
    cache = Path(dirs["TGREADER_CACHE_DIR"])
    store = cache / "pages.sqlite3"
    lines = cli("--offline", "cache", "info").out.splitlines()
    named = dict(line.strip().split("  ", 1) for line in lines)
    assert named["store"] == f"{store} (none yet)"
    assert named["articles"] == "0" and named["photos"] == "0 (0 bytes)"
    info = json.loads(cli("--offline", "cache", "info", "--json").out)
    assert info["path"] == str(store) and info["size"] == 0 and info["photos"] == 0
    assert info["counts"] == {"home": 0, "listing": 0, "article": 0}
    for action in (["clear", "--yes"], ["clear", "--images"], ["check"], ["vacuum"]):
        done = cli("--offline", "cache", *action)
        assert (done.code, done.err, done.out) == (0, "", f"{store}: nothing stored yet.\n")
    assert not (cache.exists() and any(cache.iterdir())), list(cache.iterdir())


def test_an_empty_query_or_section_is_a_usage_error_and_a_query_is_echoed_clean(
    cli: Cli,
) -> None:
    for args, named in ((["search", ""], "search"), (["search", "  ", " "], "search"),
                        (["list", ""], "list"), (["list", " "], "list")):  # fmt: skip
        done = cli("--offline", *args)
        assert done.code == 2 and done.out == "", args
        assert done.err.startswith(f"tgreader: {named}: ") and done.err.count("\n") == 1
    hostile = cli("--offline", "search", "\x1b[31mđỏ\x1b]0;title\x07")
    assert hostile.code == 0 and "\x1b" not in hostile.out and "\x07" not in hostile.out
    assert hostile.out.startswith("No stored article matches: ") and "đỏ" in hostile.out


def test_cache_check_reads_the_whole_file(
    cli: Cli, demo_server: DemoServer, dirs: dict[str, str]
) -> None:
    assert cli("--site", demo_server.url, "sync", "--pages", "1", "--depth", "1").code == 0
    sound = cli("cache", "check")
    assert sound.code == 0 and sound.err == "" and "no damage found" in sound.out
    store = Path(dirs["TGREADER_CACHE_DIR"]) / "pages.sqlite3"
    with sqlite3.connect(store) as conn:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        leaves = [
            r[0]
            for r in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = 'pages' AND pagetype = 'leaf' "
                "ORDER BY pageno DESC LIMIT 2"
            )
        ]
    conn.close()
    with store.open("r+b") as file:
        for number in leaves:
            file.seek((number - 1) * size)
            file.write(b"\xff" * size)
    # An ordinary command does not scan the file; the checks do, and say so in one line.
    assert cli("--offline", "sections", "--json").code == 0
    for command in ("check", "vacuum"):
        damaged = cli("cache", command)
        assert damaged.code == 5, damaged.err
        assert _one_line(damaged).startswith(f"tgreader: {store}: damaged: ")


# -- failures: exit code and a one-line message naming the URL and the cause --------------


def _one_line(result: CliResult) -> str:
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    return lines[0]


def test_404(cli: Cli, faults: FaultServer) -> None:
    result = cli("--site", faults.url, "read", "https://tuyengiao.vn/a/khong-co-123456")
    assert result.code == 3
    assert _one_line(result) == f"tgreader: {faults.url}/a/khong-co-123456: HTTP 404 Not Found"


def test_500_is_retried_then_reported(cli: Cli, faults: FaultServer, dirs: dict[str, str]) -> None:
    faults.routes["/a/loi-123456"] = lambda h: answer(h, 500, b"<html>oops</html>")
    dirs["TGREADER_RETRIES"] = "2"
    result = cli("--site", faults.url, "read", "https://tuyengiao.vn/a/loi-123456")
    assert result.code == 3
    assert "HTTP 500" in _one_line(result)
    assert faults.hits.count("/a/loi-123456") == 3


def test_timeout(cli: Cli, faults: FaultServer, dirs: dict[str, str]) -> None:
    faults.routes["/a/cham-123456"] = slow(3)
    dirs["TGREADER_RETRIES"] = "0"
    result = cli("--site", faults.url, "--timeout", "0.5", "read", "/a/cham-123456")
    assert result.code == 3
    assert "timed out" in _one_line(result)


def test_redirect_loop(cli: Cli, faults: FaultServer) -> None:
    faults.routes["/a/vong-123456"] = lambda h: answer(h, 302, b"", Location="/a/vong-123456")
    result = cli("--site", faults.url, "read", "/a/vong-123456")
    assert result.code == 3
    assert "too many redirects" in _one_line(result)


def test_non_html(cli: Cli, faults: FaultServer) -> None:
    faults.routes["/a/pdf-123456"] = lambda h: answer(h, 200, b"%PDF-1.4", "application/pdf")
    result = cli("--site", faults.url, "read", "/a/pdf-123456")
    assert result.code == 3
    assert "not an HTML page (application/pdf)" in _one_line(result)


def test_oversized_compressed_body(cli: Cli, faults: FaultServer) -> None:
    faults.routes["/a/lon-123456"] = gzip_bomb(12_000_000)
    result = cli("--site", faults.url, "read", "/a/lon-123456")
    assert result.code == 3
    assert "larger than 10 MB" in _one_line(result)


@pytest.mark.parametrize(
    "body",
    [
        b"\x00\x01\x02garbage\xff\xfe" * 50,
        b"<html><body><div>Kh\xc3\xb4ng t\xc3\xacm th\xe1\xba\xa5y trang</div></body></html>",
        b"<<<>>><p><div></span>",
    ],
)
def test_page_not_understood(cli: Cli, faults: FaultServer, body: bytes) -> None:
    faults.routes["/a/rac-123456"] = lambda h: answer(h, 200, body)
    result = cli("--site", faults.url, "read", "/a/rac-123456")
    assert result.code == 4
    assert _one_line(result).startswith("tgreader: https://tuyengiao.vn/a/rac-123456: ")


def test_usage_errors(cli: Cli) -> None:
    assert cli("list", "x", "--page", "0").code == 2
    assert cli("--site", "ftp://x", "sections").code == 2
    assert cli("nope").code == 2


def test_bookmarks_say_when_there_are_none_and_give_iso_times(
    cli: Cli, dirs: dict[str, str]
) -> None:
    from tgreader.userdata import UserData

    empty = cli("--offline", "bookmarks")
    assert empty.code == 0
    assert empty.out.strip() == "No bookmarks yet: press f on an article in the reader to add one."
    assert json.loads(cli("--offline", "bookmarks", "--json").out) == []
    with UserData.open(Path(dirs["TGREADER_DATA_DIR"]) / "userdata.sqlite3") as data:
        data.add_bookmark(SEED, "Bắc Kạn")
    (mark,) = json.loads(cli("--offline", "bookmarks", "--json").out)
    added = dt.datetime.fromisoformat(mark["added"])
    assert added.tzinfo is not None  # an offset, like "published"
    assert abs(added.timestamp() - dt.datetime.now().timestamp()) < 3600


def test_cache_info_reads_as_one_line_per_kind_with_human_sizes(
    cli: Cli, demo_server: DemoServer
) -> None:
    assert cli("--site", demo_server.url, "read", SEED).code == 0
    lines = cli("--offline", "cache", "info").out.splitlines()
    named = dict(line.strip().split("  ", 1) for line in lines)
    assert named["articles"] == "1"
    assert named["listing pages"] == "0" and named["home pages"] == "0"
    assert re.fullmatch(r".*pages\.sqlite3 \(\d+\.\d (KB|MB)\)", named["store"])
    assert re.fullmatch(r"\d+\.\d KB as fetched, \d+\.\d KB stored", named["HTML"])
    assert named["photos"] == "0 (0 bytes)"
    info = json.loads(cli("--offline", "cache", "info", "--json").out)
    assert dt.datetime.fromisoformat(info["newest"]).tzinfo is not None  # ISO 8601
