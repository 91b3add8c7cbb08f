"""Photos in the article view, in space reserved before they arrive.

The article's text is one renderable (``widgets.article_body``). Each image block gets a
:class:`PhotoBlock` above its caption note: a box whose size is known before the photo
(from the stored photo's pixel size, else a 3:2 guess that the photo is fitted into), so
a photo that lands never moves the text. :class:`TrackedBody` renders the parts one by one
and notes where each box starts, so a box that goes away (a photo that cannot be had, or
photos turned off) can keep the reader's line in place.

How a photo is drawn is the :data:`Protocol` chosen before the app starts
(:func:`choose_protocol`): in half-cells, the box draws the photo itself; with the Kitty
graphics protocol or Sixel, the box stays blank and a textual-image widget is laid over it
(:func:`graphics_widget`, placed by ``ArticleView``), scrolling with the text.

Pillow and textual-image are imported only when a photo is drawn (or, in a terminal that
may have a graphics protocol, when it is asked before the app starts), never otherwise.
"""

from __future__ import annotations

import asyncio
import functools
import io
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static

from tgreader.model import Article, Image
from tgreader.service import Service
from tgreader.settings import ImageMode
from tgreader.text import strip_controls
from tgreader.ui.keys import bind

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

__all__ = [
    "ArticlePhotos",
    "HalfCell",
    "PhotoBlock",
    "PhotoLoaded",
    "PhotoScreen",
    "Protocol",
    "TrackedBody",
    "box_size",
    "choose_protocol",
    "decode",
    "detect_protocol",
    "graphics_widget",
    "load_photos",
]

# How photos are drawn: "kitty" (the Kitty graphics protocol, with Unicode placeholders),
# "sixel", or "halfcell" ("▀" with two colours per cell, which any true-colour terminal
# and tmux show).
Protocol = Literal["kitty", "sixel", "halfcell"]

# Pixels kept of a photo for drawing it in half-cells: a cell is one pixel wide, and no pane
# is wider than this. Smaller images make each redraw at a new size cheap.
_DRAW_WIDTH = 480
# With a graphics protocol a cell is ~10 pixels wide: keep the stored photo's own width.
GRAPHICS_DRAW_WIDTH = 1280
DEFAULT_ASPECT = 1.5  # width / height of a photo whose size is not known yet
_PLACEHOLDER = Style(bgcolor="grey15")


def box_size(width: int, max_rows: int, aspect: float, ratio: float = 2.0) -> tuple[int, int]:
    """Columns and rows of a photo of ``aspect`` (width/height) in ``width`` columns and at
    most ``max_rows`` rows, for cells ``ratio`` times as tall as wide (2: half-cells, where
    a cell is one pixel wide and two tall; a graphics protocol gives the terminal's own)."""
    cols = max(1, width)
    rows = max(1, round(cols / aspect / ratio))
    if rows > max_rows:
        rows = max(1, max_rows)
        cols = max(1, min(width, round(rows * ratio * aspect)))
    return cols, rows


def decode(data: bytes, width: int = _DRAW_WIDTH) -> PILImage:
    """A stored photo's JPEG bytes as an RGB image at most ``width`` pixels wide (run in a
    worker: Pillow is slow to load)."""
    from PIL import Image as PIL

    with PIL.open(io.BytesIO(data), formats=("JPEG",)) as image:
        image.draft("RGB", (width, width))
        rgb = image.convert("RGB")
    rgb.thumbnail((width, width * 4))
    return rgb


class HalfCell:
    """An RGB image drawn with "▀": the top pixel is the foreground, the bottom the ground."""

    def __init__(self, image: PILImage) -> None:
        self.image = image
        self._lines: dict[tuple[int, int], list[list[Segment]]] = {}

    def lines(self, cols: int, rows: int) -> list[list[Segment]]:
        """The image fitted into ``cols`` x ``rows`` cells (made once per size)."""
        found = self._lines.get((cols, rows))
        if found is None:
            from PIL import Image as PIL

            small = self.image.resize((cols, rows * 2), PIL.Resampling.BILINEAR)
            pixels = small.tobytes()
            styles: dict[bytes, Style] = {}
            found = []
            for row in range(rows):
                top = pixels[row * 2 * cols * 3 : (row * 2 + 1) * cols * 3]
                low = pixels[(row * 2 + 1) * cols * 3 : (row * 2 + 2) * cols * 3]
                line = []
                for x in range(0, cols * 3, 3):
                    key = top[x : x + 3] + low[x : x + 3]
                    style = styles.get(key)
                    if style is None:
                        style = styles[key] = Style(
                            color="#" + key[:3].hex(), bgcolor="#" + key[3:].hex()
                        )
                    line.append(Segment("▀", style))
                found.append(line)
            self._lines[(cols, rows)] = found
        return found

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The image at the full width, in at most the height given (else half its width)."""
        aspect = self.image.width / max(1, self.image.height)
        max_rows = options.height or options.max_width
        cols, rows = box_size(options.max_width, max_rows, aspect)
        pad = Segment(" " * ((options.max_width - cols) // 2))
        for line in self.lines(cols, rows):
            yield pad
            yield from line
            yield Segment.line()


class PhotoBlock:
    """The place of one photo in the article: reserved, drawn, or gone (cannot be had)."""

    def __init__(self, url: str, photos: ArticlePhotos) -> None:
        self.url = url
        self.photos = photos
        self.top = 0  # the line it starts on in the body, set by TrackedBody

    def size(self, width: int) -> tuple[int, int]:
        """Its box in ``width`` columns; (0, 0) when it takes no room."""
        if self.url in self.photos.failed:
            return 0, 0
        # A small picture (an icon, a logo) is not blown up: in half-cells a cell is a pixel
        # wide; with a graphics protocol, as many pixels as the terminal's cell.
        pixels = self.photos.pixel_width(self.url)
        cell_width, cell_height = self.photos.cell
        width = min(width, -(-pixels // cell_width)) if pixels else width
        ratio = cell_height / cell_width
        return box_size(width, self.photos.max_rows, self.photos.aspect(self.url), ratio)

    def offset(self, width: int) -> int:
        """Columns left of its box in ``width`` columns (the box is centred)."""
        return (width - self.size(width)[0]) // 2

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The photo centred in its box, or the empty box while it loads (with a graphics
        protocol, the box stays blank: the photo's widget is laid over it)."""
        cols, rows = self.size(options.max_width)
        if not rows:
            return
        image = self.photos.images.get(self.url)
        pad = Segment(" " * self.offset(options.max_width))
        if image is not None and self.photos.protocol != "halfcell":
            for _ in range(rows):
                yield pad
                yield Segment(" " * cols)
                yield Segment.line()
            return
        if image is None:
            for _ in range(rows):
                yield pad
                yield Segment(" " * cols, _PLACEHOLDER)
                yield Segment.line()
            return
        for line in image.lines(cols, rows):
            yield pad
            yield from line
            yield Segment.line()


class TrackedBody:
    """The article's parts rendered in order, noting the line each photo box starts on."""

    def __init__(self, parts: Sequence[RenderableType]) -> None:
        self.parts = parts

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Each part's lines; a PhotoBlock learns its top line."""
        y = 0
        options = options.reset_height()  # each part as tall as it is, not padded to the pane
        for part in self.parts:
            if isinstance(part, PhotoBlock):
                part.top = y
            lines = console.render_lines(part, options, pad=False)
            for line in lines:
                yield from line
                yield Segment.line()
            y += len(lines)


class ArticlePhotos:
    """The photos of the open article: what is known of each, and whether photos show."""

    def __init__(self, enabled: bool, protocol: Protocol = "halfcell") -> None:
        self.enabled = enabled
        self.protocol: Protocol = protocol
        # A cell's width and height in pixels: (1, 2) for half-cells; the terminal's own
        # (asked by textual-image before the app started) for a graphics protocol.
        self.cell: tuple[int, int] = (1, 2)
        self.images: dict[str, HalfCell] = {}
        self.data: dict[str, bytes] = {}  # the stored JPEG, for the full-screen view
        self.failed: set[str] = set()
        self.sizes: dict[str, tuple[int, int]] = {}
        self.blocks: list[PhotoBlock] = []
        self.tracked: TrackedBody | None = None
        self.max_rows = 12

    def aspect(self, url: str) -> float:
        """Width over height of the photo at ``url`` (the 3:2 guess until it is known)."""
        image = self.images.get(url)
        if image is not None:
            return image.image.width / max(1, image.image.height)
        width, height = self.sizes.get(url, (0, 0))
        return width / height if width > 0 and height > 0 else DEFAULT_ASPECT

    def pixel_width(self, url: str) -> int | None:
        """The photo's width in pixels when known (at most the drawing width)."""
        image = self.images.get(url)
        if image is not None:
            return image.image.width
        return self.sizes.get(url, (0, 0))[0] or None

    def start(
        self, sizes: dict[str, tuple[int, int]], max_rows: int, missing: Iterable[str] = ()
    ) -> None:
        """Forget the last article's photos; reserve room for the next one's, except those
        ``missing`` (offline and not stored). Photos that could not be had stay known as
        such for the session (the service does not ask for them again either)."""
        self.images.clear()
        self.data.clear()
        if self.protocol != "halfcell" and self.cell == (1, 2):
            from textual_image._terminal import get_cell_size

            size = get_cell_size()
            self.cell = (max(1, size.width), max(1, size.height))
        self.failed.update(missing)
        self.sizes = sizes
        self.blocks = []
        self.max_rows = max(4, max_rows)

    def arrived(self, url: str, image: HalfCell | None, data: bytes) -> None:
        """Note a photo that came (``image``) or cannot be had (None)."""
        if image is None:
            self.failed.add(url)
        else:
            self.images[url] = image
            self.data[url] = data

    def body(
        self, build: Callable[[Callable[[Image], PhotoBlock | None]], Group]
    ) -> RenderableType:
        """The article body that ``build`` makes, with a photo box for each image block."""
        self.blocks = []
        return self.wrap(build(self.block))

    def block(self, image: Image) -> PhotoBlock | None:
        """The box to draw above ``image``'s caption note, when photos are on."""
        if not self.enabled or not image.src:
            return None
        block = PhotoBlock(image.src, self)
        self.blocks.append(block)
        return block

    def urls(self, article: Article) -> list[str]:
        """The photo URLs of ``article``, in reading order, each once."""
        return list(dict.fromkeys(b.src for b in article.blocks if isinstance(b, Image) and b.src))

    def wrap(self, body: Group) -> RenderableType:
        """``body`` as a TrackedBody when it holds photo boxes (as is, otherwise)."""
        if not self.blocks:
            return body
        self.tracked = TrackedBody(list(body.renderables))
        return self.tracked

    def rows_above(self, y: float, width: int) -> int:
        """Rows taken by the boxes that start above line ``y`` (as last rendered)."""
        return sum(b.size(width)[1] for b in self.blocks if b.top < y)

    def rows_before_text_line(self, console: Console, y: float, width: int) -> int:
        """Rows of the boxes drawn above what was line ``y`` of the text without photos."""
        if self.tracked is not None:
            # Where the boxes start is known once the body is rendered at this width: render
            # it now (once per toggle) rather than wait for a layout that may come later.
            console.render_lines(self.tracked, console.options.update_width(width), pad=False)
        shift = 0
        for block in self.blocks:
            if block.top - shift <= y:  # a box at the line itself is drawn above it
                shift += block.size(width)[1]
        return shift

    def draw_width(self) -> int:
        """How many pixels wide a photo is decoded for drawing."""
        return _DRAW_WIDTH if self.protocol == "halfcell" else GRAPHICS_DRAW_WIDTH

    def total_rows(self, width: int) -> int:
        """Rows of every box."""
        return sum(b.size(width)[1] for b in self.blocks)

    def visible(self, top: float, height: int, width: int) -> str | None:
        """The URL of the first photo shown (even in part) between lines ``top`` and
        ``top + height``, else of the first photo below ``top``."""
        below: str | None = None
        for block in self.blocks:
            rows = block.size(width)[1]
            if not rows or block.url not in self.images:
                continue
            if block.top + rows > top and block.top < top + height:
                return block.url
            if below is None and block.top >= top:
                below = block.url
        return below


class PhotoScreen(ModalScreen[None]):
    """One photo alone, as large as the terminal allows; Esc (or v, q) returns."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("close", "dismiss"),
        bind("photo_view", "dismiss"),
    ]
    DEFAULT_CSS = """
    PhotoScreen { align: center middle; background: $background; }
    PhotoScreen > .photo { width: 100%; height: 1fr; content-align: center middle; }
    PhotoScreen > .caption { width: 100%; height: auto; max-height: 3; padding: 0 2; }
    """

    def __init__(
        self, image: HalfCell, data: bytes, caption: str, protocol: Protocol = "halfcell"
    ) -> None:
        super().__init__()
        self._image = image
        self._data = data
        self._caption = caption
        self._protocol: Protocol = protocol
        self._graphics: Any = None  # textual-image's widget, with a graphics protocol

    def compose(self) -> ComposeResult:
        """The photo (the terminal's graphics protocol when it has one), then its caption."""
        if self._protocol != "halfcell":
            self._graphics = graphics_widget(
                self._protocol, io.BytesIO(self._data), classes="photo"
            )
            yield self._graphics
        else:
            yield Static(self._image, classes="photo")
        caption = Text(strip_controls(self._caption), style="italic")
        yield Static(caption, markup=False, classes="caption")

    def on_unmount(self) -> None:
        """Free the photo's copy in the terminal (Kitty graphics keeps it until told)."""
        if self._graphics is not None:
            self._graphics.image = None


class PhotoLoaded(Message):
    """A photo of article ``article`` is ready (``image`` None: it cannot be had)."""

    def __init__(self, article: str, url: str, image: HalfCell | None, data: bytes) -> None:
        super().__init__()
        self.article = article
        self.url = url
        self.image = image
        self.data = data


async def load_photos(
    service: Service,
    post: Callable[[Message], object],
    article: str,
    urls: Sequence[str],
    width: int = _DRAW_WIDTH,
) -> None:
    """Get each photo (store, else network) and decode it off the event loop, in order, at
    most ``width`` pixels wide."""
    for url in urls:
        photo = await service.photo(url)
        image: HalfCell | None = None
        if photo is not None:
            try:
                image = HalfCell(await asyncio.to_thread(decode, photo.data, width))
            except Exception:  # a stored photo was written by us; damage is still no crash
                image = None
        post(PhotoLoaded(article, url, image, photo.data if photo else b""))


def graphics_widget(protocol: Protocol, image: Any, *, classes: str | None = None) -> Widget:
    """textual-image's widget for ``protocol`` ("kitty" or "sixel") showing ``image`` (a
    PIL image or a stream of image bytes)."""
    from textual_image.widget import SixelImage

    kind: Any = _kitty_widget() if protocol == "kitty" else SixelImage
    widget: Widget = kind(image, classes=classes)
    return widget


@functools.cache
def _kitty_widget() -> type[Widget]:
    """textual-image's Kitty widget, made to send its photo to the terminal once per size.

    Its own ``render`` sends the photo again (and deletes the last copy) each time the
    widget is redrawn: when the pane's height changes, when a dialog closes. The photo's
    Unicode placeholder cells stay valid as long as its copy in the terminal does, so the
    same renderable is kept while the size is the same.
    """
    from textual_image.renderable.tgp import Image as TGPRenderable
    from textual_image.widget import TGPImage

    class KittyPhoto(TGPImage, Renderable=TGPRenderable):
        _kept: object = None

        def render(self) -> Any:
            size = (self._get_styled_size(), self.content_size)
            if self._renderable is not None and size == self._kept:
                return self._renderable
            self._kept = size
            return super().render()

    return KittyPhoto


# Terminals known to answer textual-image's questions with Kitty graphics or Sixel. Asking
# any other terminal costs up to 0.3 s of timeouts before the first screen, for nothing.
_GRAPHIC_TERMS = ("kitty", "wezterm", "foot", "mlterm", "contour", "ghostty")
_GRAPHIC_PROGRAMS = ("WezTerm", "iTerm.app", "ghostty", "konsole")


def detect_protocol() -> Literal["kitty", "sixel"] | None:
    """The graphics protocol the terminal answers to, if any: "sixel" or "kitty".

    Runs before the app starts (textual-image asks the terminal when it is imported, which
    it cannot do once Textual reads the keyboard), and only in terminals that may say yes:
    tmux and screen pass neither protocol through reliably, so they get half-cells, as
    does anything that is not a terminal (tests, pipes).

    textual-image asks for Sixel first (WezTerm and Konsole announce the Kitty protocol but
    do not draw its Unicode placeholders, which scrolling text needs; they do draw Sixel),
    then for the Kitty protocol (kitty, Ghostty).
    """
    stdout = sys.__stdout__
    if stdout is None or not stdout.isatty() or os.environ.get("TMUX"):
        return None
    if os.environ.get("TERM", "").startswith("screen"):
        return None
    term = os.environ.get("TERM", "").lower()
    program = os.environ.get("TERM_PROGRAM", "")
    likely = any(t in term for t in _GRAPHIC_TERMS) or program in _GRAPHIC_PROGRAMS
    if not likely and not os.environ.get("KITTY_WINDOW_ID"):
        return None
    try:
        import textual_image.renderable as protocols
        import textual_image.widget  # noqa: F401 - measures the cells while it still can
    except Exception:  # a terminal that answers strangely: half-cells will do
        return None
    if protocols.Image is protocols.TGPImage:
        return "kitty"
    if protocols.Image is protocols.SixelImage:
        return "sixel"
    return None


def choose_protocol(
    mode: ImageMode, detect: Callable[[], Literal["kitty", "sixel"] | None] = detect_protocol
) -> Protocol:
    """How photos are drawn for ``images = mode``: with "auto", the protocol ``detect``
    finds (Kitty's or Sixel), else half-cells; "halfcell" and "off" never ask the terminal
    ("off" draws half-cells once ``i`` turns photos on)."""
    if mode != "auto":
        return "halfcell"
    return detect() or "halfcell"
