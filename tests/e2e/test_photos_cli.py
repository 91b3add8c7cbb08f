"""Photos end to end: ``sync --images`` from the demo server, ``cache info``/``clear``,
and the stored photos served offline (the CLI as a subprocess, real HTTP on 127.0.0.1)."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PIL import Image

from tgreader.demo.server import DemoServer, demo_photo
from tgreader.model import Image as ImageBlock
from tgreader.photos import MAX_WIDTH
from tgreader.service import Service, Settings
from tgreader.urls import Site

from e2e_support import CliResult

Cli = Callable[..., CliResult]


def _photo_rows(dirs: dict[str, str]) -> list[tuple[str, int, int, int]]:
    path = Path(dirs["TGREADER_CACHE_DIR"]) / "photos.sqlite3"
    with sqlite3.connect(path) as db:
        return db.execute("SELECT url, width, height, size FROM photos").fetchall()


def test_sync_images_stores_each_photo_once_downscaled(
    cli: Cli, dirs: dict[str, str], demo_server: DemoServer
) -> None:
    synced = cli("--site", demo_server.url, "sync", "--images")
    assert synced.code == 0, synced.err
    rows = _photo_rows(dirs)
    assert rows, synced.out
    assert f"{len(rows)} photos stored" in synced.out
    assert all(
        0 < width <= MAX_WIDTH and height > 0 and size > 0 for _, width, height, size in rows
    )
    asked = [path for method, path, _ in demo_server.requests if demo_photo(path) is not None]
    assert len(asked) == len(set(asked)) == len(rows)  # each photo fetched once
    # A second sync finds them stored and asks for none.
    again = cli("--site", demo_server.url, "sync", "--images")
    assert again.code == 0 and f"{len(rows)} photos stored" in again.out
    assert len([p for _, p, _ in demo_server.requests if demo_photo(p) is not None]) == len(asked)

    info = json.loads(cli("--offline", "cache", "info", "--json").out)
    assert info["photos"] == len(rows)
    assert info["photo_bytes"] == sum(size for *_, size in rows)

    cleared = cli("cache", "clear", "--images")
    assert cleared.code == 0 and cleared.out.strip() == f"Removed {len(rows)} photos."
    info = json.loads(cli("--offline", "cache", "info", "--json").out)
    assert info["photos"] == 0 and info["photo_bytes"] == 0
    assert info["counts"]["article"] > 0  # the pages stay


def test_without_images_sync_fetches_no_photo(cli: Cli, demo_server: DemoServer) -> None:
    assert cli("--site", demo_server.url, "sync").code == 0
    assert not [p for _, p, _ in demo_server.requests if demo_photo(p) is not None]


async def test_stored_photos_are_served_offline(tmp_path: Path) -> None:
    settings = Settings(cache_dir=tmp_path / "c", data_dir=tmp_path / "d")
    with DemoServer() as server:
        online = Service(replace(settings, site=Site.from_url(server.url)))
        try:
            listing = (await online.listing("thoi-su-chinh-tri")).page
            article = (await online.article(listing.articles[1].url)).page
            photos = [b.src for b in article.blocks if isinstance(b, ImageBlock) and b.src]
            assert photos
            fetched = [await online.photo(src) for src in photos]
        finally:
            await online.aclose()
    offline = Service(replace(settings, offline=True))
    try:
        for src, first in zip(photos, fetched, strict=True):
            again = await offline.photo(src)
            assert again is not None and again == first
            with Image.open(io.BytesIO(again.data)) as image:
                assert image.size == (again.width, again.height)
        assert await offline.photo(photos[0] + "&never-stored") is None
    finally:
        await offline.aclose()


def test_a_bad_images_mode_is_a_usage_error(cli: Cli, dirs: dict[str, str]) -> None:
    dirs["TGREADER_IMAGES"] = "sixel-please"
    result = cli("--offline", "cache", "info")
    assert result.code == 2
    assert result.err.strip() == (
        "tgreader: TGREADER_IMAGES: unknown mode 'sixel-please' (auto, halfcell or off)"
    )


def test_config_images_settings_are_checked(cli: Cli, dirs: dict[str, str]) -> None:
    config = Path(dirs["TGREADER_CONFIG_DIR"])
    config.mkdir(parents=True)
    (config / "config.toml").write_text('images = "halfcell"\nimage_cache_mb = -1\n')
    result = cli("--offline", "cache", "info")
    assert "image_cache_mb must be a whole number of megabytes" in result.err
    assert "line 2" in result.err


def test_cache_clear_removes_pages_and_photos(
    cli: Cli, dirs: dict[str, str], demo_server: DemoServer
) -> None:
    assert cli("--site", demo_server.url, "sync", "khoa-giao", "--images").code == 0
    photos = len(_photo_rows(dirs))
    pages = sum(json.loads(cli("--offline", "cache", "info", "--json").out)["counts"].values())
    assert photos and pages
    cleared = cli("cache", "clear", "--yes")
    assert cleared.out.strip() == f"Removed {pages} pages and {photos} photos."
    assert _photo_rows(dirs) == []


def test_sync_images_says_which_photos_could_not_be_had(cli: Cli, tmp_path: Path) -> None:
    import shutil

    from tgreader.demo.server import default_root

    site = tmp_path / "site"
    shutil.copytree(default_root(), site)
    article = (
        site / "khoa-giao" / "day-manh-ung-dung-cong-nghe-thong-tin-trong-y-te-co-so-113441.html"
    )
    html = article.read_text(encoding="utf-8")
    # The demo server answers photo paths only for image names: this one is a 404.
    broken = "/Uploads/2018/11/19/11/nhap-ho-so-suc-khoe-dien-tu.bmp"
    article.write_text(html.replace(broken.replace(".bmp", ".jpg"), broken), encoding="utf-8")
    with DemoServer(root=site) as server:
        origin = server.url
        synced = cli("--site", origin, "sync", "khoa-giao", "--images")
    assert synced.code == 0, synced.err
    lines = [line for line in synced.out.splitlines() if line.startswith("  photo: ")]
    assert lines == [f"  photo: {origin}{broken}: HTTP 404 Not Found"]
    assert "1 could not be had" in synced.out
