"""Photos: decoding and downscaling (Pillow on real image bytes), and the photo store."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from tgreader.fetch import Fetcher
from tgreader.photos import MAX_WIDTH, Photo, PhotoError, PhotoStore, downscale
from tgreader.urls import Site

URL = "https://tuyengiao.vn/uploads/2024/11/18/05/anh.jpg"


def encoded(size: tuple[int, int], fmt: str = "JPEG", colour: str = "teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


def test_a_wide_photo_is_shrunk_to_the_width_limit_with_its_aspect() -> None:
    photo = downscale(URL, encoded((2560, 1440)))
    assert (photo.width, photo.height) == (MAX_WIDTH, 720)
    with Image.open(io.BytesIO(photo.data)) as image:
        assert image.format == "JPEG" and image.size == (MAX_WIDTH, 720)


def test_a_small_png_keeps_its_size_and_becomes_a_jpeg() -> None:
    photo = downscale(URL, encoded((300, 200), "PNG", "orange"))
    assert (photo.width, photo.height) == (300, 200)
    with Image.open(io.BytesIO(photo.data)) as image:
        assert image.format == "JPEG"
        red, green, blue = image.getpixel((150, 100))  # type: ignore[misc]
        assert red > 200 and 120 < green < 200 and blue < 60  # still orange


def test_a_transparent_palette_gif_is_drawn_on_rgb() -> None:
    out = io.BytesIO()
    Image.new("P", (40, 30), 3).save(out, "GIF", transparency=3)
    photo = downscale(URL, out.getvalue())
    assert (photo.width, photo.height) == (40, 30)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<!DOCTYPE html><html><body>not a photo</body></html>",
        encoded((64, 64), "BMP"),  # an image, but not a format a news site serves
        encoded((640, 480))[:2000],  # truncated
    ],
    ids=["empty", "html", "bmp", "truncated"],
)
def test_what_is_not_a_sound_photo_is_a_photo_error(data: bytes) -> None:
    with pytest.raises(PhotoError) as raised:
        downscale(URL, data)
    assert raised.value.where == URL
    assert raised.value.exit_code == 4


def test_the_photo_store_keeps_photos_by_url(tmp_path: Path) -> None:
    with PhotoStore.open(tmp_path / "photos.sqlite3") as store:
        assert store.get(URL) is None
        photo = downscale(URL, encoded((800, 600)))
        store.put(photo, cap_bytes=10_000_000)
        assert store.get(URL) == photo
        assert store.sizes([URL, URL + "?other"]) == {URL: (800, 600)}
        assert store.info() == (1, len(photo.data))
        assert store.clear() == 1
        assert store.info() == (0, 0)


def test_the_oldest_photos_go_first_past_the_cap(tmp_path: Path) -> None:
    photos = [Photo(f"{URL}?n={n}", bytes(1000), 10, 10) for n in range(5)]
    with PhotoStore.open(tmp_path / "photos.sqlite3") as store:
        for stamp, photo in enumerate(photos):
            store.put(photo, cap_bytes=10_000, now=1000.0 + stamp)
        # Five photos of 1,000 bytes under a cap of 3,500: the two oldest go.
        assert store.put(photos[4], cap_bytes=3500, now=2000.0) == 2
        assert [store.get(p.url) is not None for p in photos] == [False, False, True, True, True]
        assert store.info() == (3, 3000)


def test_photo_hosts() -> None:
    real = Fetcher(Site())
    demo = Fetcher(Site.from_url("http://127.0.0.1:8123"))
    cdn = "https://cdn.tuyengiao.vn/uploads/2024/11/18/05/a-1731915600.jpeg?s=93ed"
    assert real.image_url(cdn) == cdn
    assert real.image_url(URL) == URL
    # A mirror or the demo answers the image host's paths itself, query kept.
    assert (
        demo.image_url(cdn)
        == "http://127.0.0.1:8123/uploads/2024/11/18/05/a-1731915600.jpeg?s=93ed"
    )
    assert demo.image_url(URL) == "http://127.0.0.1:8123/uploads/2024/11/18/05/anh.jpg"
    for other in ("https://example.com/a.jpg", "data:image/png;base64,AAAA", "file:///etc/x.jpg"):
        assert real.image_url(other) is None
        assert demo.image_url(other) is None
