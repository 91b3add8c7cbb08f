"""Make the demo site's photos: neutral landscapes and patterns, drawn from a fixed seed.

    python scripts/demo_photos.py        # writes src/tgreader/demo/photos/*.jpg

Nothing in them pretends to be a real event or person. The demo server answers every
photo URL of the sample site with one of these, chosen by the URL (see demo/server.py).
The output is the same on every run, so the committed files only change with this script.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

OUT = Path(__file__).resolve().parent.parent / "src" / "tgreader" / "demo" / "photos"
SIZE = (640, 427)  # 3:2, as most news photos
PORTRAIT = (427, 600)

Colour = tuple[int, int, int]


def _mix(a: Colour, b: Colour, t: float) -> Colour:
    r, g, bl = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return (r, g, bl)


def _gradient(draw: ImageDraw.ImageDraw, size: tuple[int, int], top: Colour, low: Colour) -> None:
    width, height = size
    for y in range(height):
        draw.line([(0, y), (width, y)], fill=_mix(top, low, y / max(1, height - 1)))


def _ridge(rng: random.Random, width: int, base: float, amplitude: float) -> list[float]:
    """A mountain ridge: a few sine waves of random phase summed."""
    waves = [
        (rng.uniform(0.5, 4.0), rng.uniform(0, math.tau), rng.uniform(0.2, 1.0)) for _ in range(4)
    ]
    total = sum(w[2] for w in waves)
    return [
        base
        - amplitude * sum(a * math.sin(f * x / width * math.tau + p) for f, p, a in waves) / total
        for x in range(width + 1)
    ]


def landscape(seed: int, size: tuple[int, int] = SIZE) -> Image.Image:
    """Sky, sun, and ridges fading into the distance (sometimes a lake)."""
    rng = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    dusk = rng.random() < 0.4
    top: Colour = (40, 60, 120) if dusk else (90, 150, 215)
    horizon: Colour = (240, 160, 110) if dusk else (200, 225, 240)
    _gradient(draw, size, top, horizon)
    sun_x, sun_y, radius = (
        rng.uniform(0.2, 0.8) * width,
        rng.uniform(0.15, 0.4) * height,
        height * 0.07,
    )
    draw.ellipse(
        [sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius], fill=(255, 236, 190)
    )
    far: Colour = (150, 140, 170) if dusk else (140, 170, 190)
    near: Colour = (30, 60, 40) if not dusk else (40, 30, 50)
    layers = 4
    lake = rng.random() < 0.5
    for layer in range(layers):
        t = layer / (layers - 1)
        base = height * (0.45 + 0.15 * t)
        line = _ridge(rng, width, base, height * (0.12 - 0.02 * t))
        points = [(x, y) for x, y in enumerate(line)] + [(width, height), (0, height)]
        draw.polygon(points, fill=_mix(far, near, t))
        if lake and layer == 1:
            water_top = round(height * 0.68)
            draw.rectangle([0, water_top, width, height], fill=_mix(horizon, top, 0.45))
            for y in range(water_top + 4, height, 7):
                draw.line([(rng.uniform(0, width * 0.6), y), (rng.uniform(width * 0.4, width), y)],
                          fill=_mix(horizon, top, 0.25), width=1)  # fmt: skip
            break
    return image.filter(ImageFilter.SMOOTH)


def pattern(seed: int, size: tuple[int, int] = SIZE) -> Image.Image:
    """Concentric rings or diagonal bands in a soft palette."""
    rng = random.Random(seed)
    width, height = size
    palette: list[Colour] = [
        (rng.randrange(60, 230), rng.randrange(60, 230), rng.randrange(60, 230)) for _ in range(4)
    ]
    image = Image.new("RGB", size, palette[0])
    draw = ImageDraw.Draw(image)
    if seed % 2:
        cx, cy = rng.uniform(0.3, 0.7) * width, rng.uniform(0.3, 0.7) * height
        step = rng.randrange(14, 30)
        for index, r in enumerate(range(int(math.hypot(width, height)), 0, -step)):
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=palette[index % 4])
    else:
        step = rng.randrange(24, 48)
        for index, x in enumerate(range(-height, width + height, step)):
            draw.polygon([(x, 0), (x + step, 0), (x + step - height, height), (x - height, height)],
                         fill=palette[index % 4])  # fmt: skip
    return image.filter(ImageFilter.SMOOTH_MORE)


def main() -> None:
    """Write the photos (the old ones are replaced)."""
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.jpg"):
        old.unlink()
    made = [landscape(seed) for seed in range(1, 9)]
    made += [pattern(seed) for seed in range(1, 4)]
    made.append(landscape(99, PORTRAIT))
    for index, image in enumerate(made, 1):
        image.save(OUT / f"photo-{index:02d}.jpg", "JPEG", quality=72, optimize=True)
    total = sum(p.stat().st_size for p in OUT.glob("*.jpg"))
    print(f"{len(made)} photos, {total:,} bytes in {OUT}")


if __name__ == "__main__":
    main()
