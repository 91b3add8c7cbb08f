"""Photos: Enter to the text and to the first photo painted, and photo bytes per article.

    python bench/photo_bench.py [--quick]

The demo site is synced with its photos (``sync --images``) into a temporary store, then
the reader (headless, offline, ``images = "halfcell"``) opens each article of the first
section that has photos, from the list, as ``launch_bench.opens`` does: the time from
Enter to the frame showing the article's text, and to the frame that first has its first
photo drawn (read from the photo store and decoded in a worker). The store figures are the
photo store's bytes over the articles that have photos, and one camera-sized photo
(4000 x 3000) downscaled on arrival.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.common import Result, Stats  # noqa: E402 - the repository root is on the path now
from bench.launch_bench import SIZE, FirstFrame, _press, _until  # noqa: E402

TEXT_TARGET_S = 0.050
PHOTO_TARGET_S = 0.150


def fill(root: Path) -> None:
    """Sync the demo site and its photos into ``root``."""
    from tgreader.demo.server import DemoServer
    from tgreader.service import Service, Settings
    from tgreader.sync import sync
    from tgreader.urls import Site

    async def go(origin: str) -> None:
        service = Service(
            Settings(site=Site.from_url(origin), cache_dir=root / "cache", data_dir=root / "d")
        )
        try:
            sections, _, _ = await service.sections()
            await sync(service, [s.url for s in sections], pages=2, depth=1, images=True)
        finally:
            await service.aclose()

    with DemoServer() as server:
        asyncio.run(go(server.url))


async def opens(root: Path, rounds: int) -> tuple[list[float], list[float]]:
    """(Enter to text, Enter to first photo) in seconds, for each opening."""
    from tgreader.model import Image
    from tgreader.service import Settings
    from tgreader.ui.app import make_app
    from tgreader.ui.screen import MainScreen

    settings = Settings(
        cache_dir=root / "cache", data_dir=root / "d", offline=True, images="halfcell"
    )
    app = make_app(settings)
    frames = FirstFrame(app)
    texts: list[float] = []
    photos: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await _until(lambda: len(screen.articles.rows) >= 2)
        await app.workers.wait_for_complete()
        await pilot.press("tab")
        rows = list(screen.articles.rows)
        for n in range(rounds * len(rows)):
            screen.articles.highlighted = n % len(rows)
            await pilot.pause()
            shown = screen.article
            frames.expect(lambda a=shown: screen.article is not None and screen.article is not a)
            started = time.perf_counter()
            await _press(app, "enter", "\r")
            texts.append(await frames.painted() - started)
            article = screen.article
            assert article is not None
            first = next((b.src for b in article.blocks if isinstance(b, Image) and b.src), None)
            if first is not None:
                frames.expect(lambda u=first: u in screen.view.photos.images)
                photos.append(await frames.painted() - started)
            await app.workers.wait_for_complete()
            await pilot.press("shift+tab")
    return texts, photos


def store_figures(root: Path) -> dict[str, float]:
    """Photo bytes per article with photos, and per photo."""
    import sqlite3

    from tgreader.model import Image
    from tgreader.store import Store

    with sqlite3.connect(root / "cache" / "photos.sqlite3") as db:
        count, size = db.execute("SELECT count(*), sum(size) FROM photos").fetchone()
    with Store.open(root / "cache" / "pages.sqlite3") as store:
        articles = 0
        for row in store.articles():
            page = store.get(row.url)
            model = page.model() if page else None
            blocks = getattr(model, "blocks", ())
            articles += any(isinstance(b, Image) and b.src for b in blocks)
    return {"photos": count, "bytes": size, "articles": articles}


def camera_photo() -> dict[str, float]:
    """A 4000 x 3000 noisy photo (as a camera's), downscaled as on arrival."""
    from PIL import Image

    from tgreader.photos import downscale

    image = Image.effect_noise((4000, 3000), 40).convert("RGB")
    raw = io.BytesIO()
    image.save(raw, "JPEG", quality=90)
    data = raw.getvalue()
    started = time.perf_counter()
    photo = downscale("https://tuyengiao.vn/uploads/camera.jpg", data)
    took = time.perf_counter() - started
    return {"in": len(data), "out": len(photo.data), "width": photo.width, "seconds": took}


def run(quick: bool = False, baseline: Path | None = None) -> Result:
    """The photo benchmarks, as a section of the report (no "before": the baseline had no
    photos)."""
    result = Result("Photos")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        fill(root)
        texts, photos = asyncio.run(opens(root, 1 if quick else 10))
        store = store_figures(root)
    text, photo = Stats.of(texts), Stats.of(photos)
    camera = camera_photo()
    result.add("Open with photos on: Enter to the text painted, headless", text.ms(1),
               "≤ 50 ms", text.median <= TEXT_TARGET_S)  # fmt: skip
    result.add("Enter to the first photo painted (half-cell, stored photo), headless",
               photo.ms(1), "≤ 150 ms", photo.median <= PHOTO_TARGET_S)  # fmt: skip
    per_article = store["bytes"] / max(1, store["articles"])
    result.add("Photo bytes per article (demo, after downscaling)", f"{per_article / 1000:.1f} KB")
    result.add("A 4000 x 3000 camera photo, stored", f"{camera['in'] / 1e6:.2f} MB → "
               f"{camera['out'] / 1e3:.0f} KB ({camera['width']:.0f} px wide) in "
               f"{camera['seconds'] * 1000:.0f} ms")  # fmt: skip
    result.data = {"text": texts, "photo": photos, "store": store, "camera": camera}
    result.say(
        f"The demo site synced with `--images`: {store['photos']:.0f} photos, "
        f"{store['bytes'] / 1e3:.0f} KB, over {store['articles']:.0f} articles with photos.",
    )
    return result


def main() -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    result = run(args.quick)
    for row in result.rows:
        print(f"{row.what}: {row.figure} (target {row.target or '-'}, met {row.met})")
    print("\n".join(result.text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
