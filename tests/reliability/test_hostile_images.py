"""Hostile and damaged photos, served on 127.0.0.1: never an exception, never stored.

Each image is fetched by the service as the reader and ``sync --images`` fetch it (real
HTTP, a real photo store file). A photo that cannot be had is None, with one quiet line in
the log naming its URL and the cause; the reader then shows the caption note alone.
"""

from __future__ import annotations

import io
import logging
import re
import struct
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from PIL import Image

from tgreader.demo.server import default_root
from tgreader.photos import MAX_PHOTO_BYTES
from tgreader.service import Service, Settings
from tgreader.ui.app import make_app
from tgreader.urls import Site

from tui_support import screen_text, settle


class Answer(NamedTuple):
    content_type: str
    body: bytes
    length: int | None = None  # a Content-Length that differs from the body's


class ImageServer:
    """Answers each path with the Answer the test gives; records every path asked."""

    def __init__(self, routes: dict[str, Answer]) -> None:
        self.routes = routes
        self.hits: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                owner.hits.append(self.path)
                found = owner.routes.get(self.path.split("?")[0])
                if found is None:
                    found = Answer("text/html", b"<html><body>not found</body></html>")
                    self.send_response(404)
                else:
                    self.send_response(200)
                length = found.length if found.length is not None else len(found.body)
                self.send_header("Content-Type", found.content_type)
                self.send_header("Content-Length", str(length))
                self.end_headers()
                # A body announced larger than the cap is never sent: the client must
                # refuse it from the header alone.
                if found.length is None:
                    self.wfile.write(found.body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"


def _jpeg(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "seagreen").save(out, "JPEG")
    return out.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A small, valid-looking PNG whose header announces ``width`` x ``height`` pixels."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "gray").save(out, "PNG")
    data = bytearray(out.getvalue())
    ihdr = data[12:29]  # chunk type and the 13 bytes of IHDR
    ihdr[4:12] = struct.pack(">II", width, height)
    data[12:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)))
    return bytes(data)


def _bomb() -> bytes:
    """A real PNG of 48 megapixels (one bit each) that compresses to a few kilobytes."""
    out = io.BytesIO()
    Image.new("1", (8000, 6000), 0).save(out, "PNG", optimize=True)
    return out.getvalue()


def _gif_of_frames(count: int) -> bytes:
    frames = [Image.new("P", (64, 48), n % 200) for n in range(count)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=20, loop=0)
    return out.getvalue()


HOSTILE: dict[str, Answer] = {
    "truncated": Answer("image/jpeg", _jpeg((640, 480))[:1500]),
    "not-an-image": Answer("image/jpeg", b"<!DOCTYPE html><html><body>gotcha</body></html>"),
    "wrong-type": Answer("text/html; charset=utf-8", _jpeg((64, 64))),
    "huge-dimensions": Answer("image/png", _png_claiming(60_000, 60_000)),
    "decompression-bomb": Answer("image/png", _bomb()),
    "too-large": Answer("image/jpeg", b"", length=MAX_PHOTO_BYTES + 1),
    "empty": Answer("image/jpeg", b""),
}


def _photo_url(name: str) -> str:
    # A canonical URL of the site's image host: a mirror answers it at the same path.
    return f"https://cdn.tuyengiao.vn/uploads/2024/11/18/05/{name}.jpeg?s=0123"


@pytest.fixture
def server() -> Iterator[ImageServer]:
    routes = {f"/uploads/2024/11/18/05/{name}.jpeg": a for name, a in HOSTILE.items()}
    routes["/uploads/2024/11/18/05/good.jpeg"] = Answer("image/jpeg", _jpeg((800, 533)))
    routes["/uploads/2024/11/18/05/frames.jpeg"] = Answer("image/gif", _gif_of_frames(1000))
    served = ImageServer(routes)
    served.thread.start()
    yield served
    served.httpd.shutdown()
    served.httpd.server_close()


def _settings(server: ImageServer, tmp_path: Path) -> Settings:
    return Settings(
        site=Site.from_url(server.url), cache_dir=tmp_path / "c", data_dir=tmp_path / "d", retries=0
    )


@pytest.mark.parametrize("name", list(HOSTILE))
async def test_a_hostile_photo_is_none_and_one_quiet_log_line(
    name: str, server: ImageServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = _photo_url(name)
    service = Service(_settings(server, tmp_path))
    try:
        with caplog.at_level(logging.INFO, logger="tgreader.photos"):
            assert await service.photo(url) is None
            assert await service.photo(url) is None  # asked once a session, not twice
        assert service.photos.info() == (0, 0)
    finally:
        await service.aclose()
    lines = [r for r in caplog.records if r.name == "tgreader.photos"]
    assert len(lines) == 1 and lines[0].levelno == logging.INFO
    assert (
        lines[0].getMessage().startswith(server.url + "/uploads/") or url in lines[0].getMessage()
    )
    assert server.hits.count(f"/uploads/2024/11/18/05/{name}.jpeg?s=0123") == 1


async def test_a_gif_of_1000_frames_costs_its_first_frame(
    server: ImageServer, tmp_path: Path
) -> None:
    service = Service(_settings(server, tmp_path))
    try:
        photo = await service.photo(_photo_url("frames"))
        assert photo is not None and (photo.width, photo.height) == (64, 48)
        with Image.open(io.BytesIO(photo.data)) as stored:
            assert stored.format == "JPEG" and getattr(stored, "n_frames", 1) == 1
    finally:
        await service.aclose()


async def test_photos_off_the_site_are_never_requested(server: ImageServer, tmp_path: Path) -> None:
    service = Service(_settings(server, tmp_path))
    try:
        for url in ("http://127.0.0.2:9/x.jpg", "https://example.com/uploads/a.jpg"):
            assert await service.photo(url) is None
    finally:
        await service.aclose()
    assert server.hits == []


ARTICLE = (
    "thoi-su-chinh-tri/"
    "hoi-thao-khoa-hoc-phat-huy-vai-tro-cua-bao-chi-trong-bao-ve-nen-tang-tu-tuong-cua-dang-150168"
)


async def test_the_reader_shows_a_hostile_photos_caption_alone(
    server: ImageServer, tmp_path: Path
) -> None:
    html = (default_root() / f"{ARTICLE}.html").read_text(encoding="utf-8")
    # Its three photos: a good one, a truncated one, a bomb.
    for old, new in (
        ("quang-canh-hoi-thao-1731915600", "good"),
        ("dai-bieu-trao-doi-phien-thao-luan-1731915653", "truncated"),
        ("dai-dien-co-quan-bao-chi-chia-se-1731915706", "decompression-bomb"),
    ):
        html = re.sub(rf"{old}\.jpeg\?s=[0-9a-f]+", f"{new}.jpeg?s=0123", html)
    server.routes[f"/{ARTICLE}"] = Answer("text/html; charset=utf-8", html.encode())
    app = make_app(_settings(server, tmp_path))
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        screen: Any = app.screen
        screen._open_article(f"https://tuyengiao.vn/{ARTICLE}", focus=True)
        await settle(pilot)
        text = screen_text(app)
        photos = screen.view.photos
        assert set(photos.images) == {_photo_url("good")}
        assert photos.failed == {_photo_url("truncated"), _photo_url("decompression-bomb")}
        assert "▀" in text  # the good photo, drawn in half-cells
        assert "Quang cảnh hội thảo." in text
        # The damaged photos take no room: their captions stand alone, as without photos.
        width = screen.view.content_size.width
        rows = [block.size(width)[1] for block in photos.blocks]
        assert rows[0] > 0 and rows[1:] == [0, 0]
        assert app.is_running
